/** Words of a text for accuracy: split on white space, punctuation at the ends dropped. */
export function wordsOf(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((w) => w.length > 0);
}

/**
 * Word accuracy of `recognised` against `truth`: the longest common subsequence of the word lists
 * over the number of true words (a missed, split or misspelt word counts as wrong; order matters).
 */
export function wordAccuracy(truth: string, recognised: string): number {
  const a = wordsOf(truth);
  const b = wordsOf(recognised);
  if (a.length === 0) return b.length === 0 ? 1 : 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(b.length + 1).fill(0);
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1]! + 1 : Math.max(prev[j]!, cur[j - 1]!);
    prev = cur;
  }
  return prev[b.length]! / a.length;
}
