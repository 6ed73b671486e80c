/** The code in two groups of three, as the station's keypad and the terminal's field show it. */
export function groupedCode(code: string): string {
  return code.length === 6 ? `${code.slice(0, 3)} ${code.slice(3)}` : code;
}

/** "123 456" → "1 2 3 4 5 6": screen readers then say each digit instead of "one hundred twenty-three". */
export function spokenDigits(code: string): string {
  return [...code.replace(/\s/g, '')].join(' ');
}
