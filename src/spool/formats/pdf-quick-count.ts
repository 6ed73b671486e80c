/**
 * A fast, bounded look at a small PDF's structure so the spool can answer a print job at once:
 * the classic cross-reference table(s), the trailer, the catalog and the page tree. It returns the
 * page count only when it is certain (every page-tree node found, no loops, the tree's /Count
 * agreeing with the leaves counted); in every other case — cross-reference streams, object
 * streams, encryption, anything odd — it returns null and the caller takes the full pdfjs check
 * in the isolated worker before answering. The full check runs after the answer in any case.
 *
 * It never runs anything from the document, reads only inside the buffer, and stops after a fixed
 * amount of work, so a hostile file costs at most a few milliseconds on the event loop.
 */

/** Only documents up to this size are looked at here; larger ones always take the worker path. */
export const QUICK_COUNT_MAX_BYTES = 1024 * 1024;

const MAX_XREF_SECTIONS = 16;
const MAX_DEPTH = 24;
const MAX_TOKENS_PER_OBJECT = 20_000;

type PdfRef = { ref: true; num: number; gen: number };
type PdfDict = { dict: Map<string, PdfValue> };
type PdfValue = number | string | boolean | null | PdfRef | PdfDict | PdfValue[] | { name: string };

class Unsure extends Error {}

// Byte classes (PDF 32000-1 §7.2.2): 1 white-space, 2 delimiter, 0 regular.
const SPACE = 1;
const DELIMITER = 2;
const CLASS = new Uint8Array(256);
for (const c of [0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]) CLASS[c] = SPACE;
for (const c of [0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]) CLASS[c] = DELIMITER;
const isDigit = (c: number | undefined) => c !== undefined && c >= 0x30 && c <= 0x39;
/** Integers beyond this are not object numbers or offsets we accept; parsing them by bytes stays exact. */
const MAX_DIGITS = 15;

/**
 * The only dictionary keys the count looks at (trailer, catalog, page-tree nodes). The values of
 * all other keys — a page's resources, fonts, boxes — are checked as strictly but not built.
 */
const KEPT_KEYS = ['Type', 'Pages', 'Count', 'Kids', 'Root', 'Prev', 'XRefStm', 'Encrypt'].map((name) => ({ name, bytes: Buffer.from(name, 'latin1') }));
const PLAIN_KEYWORDS = ['true', 'false', 'null'].map((word) => [...Buffer.from(word, 'latin1')]);
/** A value that was read but not built (the value of a key nobody asks for). */
const SKIPPED: PdfValue = null;

const isRef = (value: PdfValue | undefined): value is PdfRef => typeof value === 'object' && value !== null && 'ref' in value;
const isDict = (value: PdfValue | undefined): value is PdfDict => typeof value === 'object' && value !== null && 'dict' in value;
const isName = (value: PdfValue | undefined, name: string) =>
  typeof value === 'object' && value !== null && 'name' in value && value.name === name;

/** A tokenizer and object parser over one buffer, from a start offset; throws Unsure on anything unexpected. */
class Parser {
  private tokens = 0;
  constructor(
    private readonly bytes: Buffer,
    public pos: number,
  ) {}

  private skipSpace() {
    const { bytes } = this;
    while (this.pos < bytes.length) {
      const c = bytes[this.pos]!;
      if (CLASS[c] === SPACE) this.pos++;
      else if (c === 0x25) {
        while (this.pos < bytes.length && bytes[this.pos] !== 0x0a && bytes[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** Moves past a run of regular bytes; returns where it started. */
  private skipRegular(): number {
    const start = this.pos;
    const { bytes } = this;
    while (this.pos < bytes.length && CLASS[bytes[this.pos]!] === 0) this.pos++;
    return start;
  }

  private regular(): string {
    const start = this.skipRegular();
    if (this.pos === start) throw new Unsure('empty token');
    return this.bytes.toString('latin1', start, this.pos);
  }

  /**
   * A token of digits only (up to MAX_DIGITS), read as a number without making a string; -1 when
   * the token is anything else (the position is then unchanged).
   */
  private unsignedInteger(): number {
    const { bytes } = this;
    let at = this.pos;
    let value = 0;
    while (at < bytes.length && isDigit(bytes[at])) {
      value = value * 10 + (bytes[at]! - 0x30);
      at++;
    }
    const digits = at - this.pos;
    if (digits === 0 || digits > MAX_DIGITS || (at < bytes.length && CLASS[bytes[at]!] === 0)) return -1;
    this.pos = at;
    return value;
  }

  /** The kept key whose name is bytes[start, end), or undefined. */
  private keptKey(start: number, end: number): string | undefined {
    const { bytes } = this;
    const length = end - start;
    outer: for (const key of KEPT_KEYS) {
      if (key.bytes.length !== length) continue;
      for (let i = 0; i < length; i++) if (bytes[start + i] !== key.bytes[i]) continue outer;
      return key.name;
    }
    return undefined;
  }

  /** True when bytes[start, end) is true, false, null or a number (signed, fractional). */
  private isPlainWord(start: number, end: number): boolean {
    const { bytes } = this;
    const length = end - start;
    if (length <= 5 && PLAIN_KEYWORDS.some((word) => word.length === length && word.every((b, i) => bytes[start + i] === b))) return true;
    let at = start;
    if (bytes[at] === 0x2b || bytes[at] === 0x2d) at++;
    let digits = 0;
    let dots = 0;
    for (; at < end; at++) {
      if (isDigit(bytes[at])) digits++;
      else if (bytes[at] === 0x2e && ++dots === 1) continue;
      else return false;
    }
    return digits > 0;
  }

  /** `obj` follows "num gen" at the current position. */
  objectHeader(num: number, gen: number): boolean {
    this.skipSpace();
    if (this.unsignedInteger() !== num) return false;
    this.skipSpace();
    if (this.unsignedInteger() !== gen) return false;
    this.skipSpace();
    const start = this.skipRegular();
    const { bytes } = this;
    return this.pos - start === 3 && bytes[start] === 0x6f && bytes[start + 1] === 0x62 && bytes[start + 2] === 0x6a;
  }

  /** The next raw token: a keyword or number as text, or a delimiter. */
  keyword(): string {
    this.skipSpace();
    if (++this.tokens > MAX_TOKENS_PER_OBJECT) throw new Unsure('too many tokens');
    if (this.pos >= this.bytes.length) throw new Unsure('end of data');
    return this.regular();
  }

  private peekTwo(c: number): boolean {
    return this.bytes[this.pos] === c && this.bytes[this.pos + 1] === c;
  }

  /** The next value; with `build` false it is only checked and moved past (SKIPPED is returned). */
  value(depth = 0, build = true): PdfValue {
    if (depth > MAX_DEPTH) throw new Unsure('nested too deep');
    this.skipSpace();
    if (++this.tokens > MAX_TOKENS_PER_OBJECT) throw new Unsure('too many tokens');
    const { bytes } = this;
    if (this.pos >= bytes.length) throw new Unsure('end of data');
    const c = bytes[this.pos]!;
    if (c === 0x2f) {
      this.pos++;
      const start = this.skipRegular();
      return build ? { name: bytes.toString('latin1', start, this.pos) } : SKIPPED;
    }
    if (this.peekTwo(0x3c)) {
      this.pos += 2;
      const dict = new Map<string, PdfValue>();
      for (;;) {
        this.skipSpace();
        if (this.peekTwo(0x3e)) {
          this.pos += 2;
          return build ? { dict } : SKIPPED;
        }
        if (++this.tokens > MAX_TOKENS_PER_OBJECT) throw new Unsure('too many tokens');
        if (bytes[this.pos] !== 0x2f) throw new Unsure('dictionary key is not a name');
        this.pos++;
        const start = this.skipRegular();
        const key = build ? this.keptKey(start, this.pos) : undefined;
        if (key === undefined) this.value(depth + 1, false);
        else dict.set(key, this.value(depth + 1));
      }
    }
    if (c === 0x3c) {
      const end = bytes.indexOf(0x3e, this.pos);
      if (end < 0) throw new Unsure('open hex string');
      this.pos = end + 1;
      return '';
    }
    if (c === 0x28) {
      // Literal string: balanced parentheses, backslash escapes. The content is not needed.
      let level = 0;
      while (this.pos < bytes.length) {
        const b = bytes[this.pos++]!;
        if (b === 0x5c) this.pos++;
        else if (b === 0x28) level++;
        else if (b === 0x29 && --level === 0) return '';
      }
      throw new Unsure('open string');
    }
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (bytes[this.pos] === 0x5d) {
          this.pos++;
          return build ? items : SKIPPED;
        }
        const item = this.value(depth + 1, build);
        if (build) items.push(item);
      }
    }
    if (CLASS[c] === DELIMITER) throw new Unsure('unexpected delimiter');
    if (isDigit(c)) {
      // The common case, by bytes: an object number and "num gen R" references.
      const number = this.unsignedInteger();
      if (number >= 0) {
        // "num gen R" is a reference: look ahead without consuming when it is not. Never throws:
        // a failed look-ahead is common (arrays of numbers) and must stay cheap.
        const save = this.pos;
        this.skipSpace();
        const gen = this.unsignedInteger();
        if (gen >= 0) {
          this.skipSpace();
          if (bytes[this.pos] === 0x52 && (this.pos + 1 >= bytes.length || CLASS[bytes[this.pos + 1]!] !== 0)) {
            this.pos++;
            return build ? { ref: true, num: number, gen } : SKIPPED;
          }
        }
        this.pos = save;
        return number;
      }
    }
    // true, false, null, or a signed, fractional or very long number; never a reference.
    const start = this.skipRegular();
    if (this.pos === start) throw new Unsure('empty token');
    if (!this.isPlainWord(start, this.pos)) throw new Unsure('unexpected keyword');
    if (!build) return SKIPPED;
    const word = bytes.toString('latin1', start, this.pos);
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    const number = Number(word);
    if (!Number.isFinite(number)) throw new Unsure('number out of range');
    return number;
  }
}

type XrefEntry = { offset: number; gen: number };

/** Reads one classic cross-reference section at `offset` and its trailer. */
function readXrefSection(bytes: Buffer, offset: number, entries: Map<number, XrefEntry>): Map<string, PdfValue> {
  const parser = new Parser(bytes, offset);
  if (parser.keyword() !== 'xref') throw new Unsure('not a classic xref table');
  for (;;) {
    const word = parser.keyword();
    if (word === 'trailer') break;
    const start = Number(word);
    const count = Number(parser.keyword());
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || count > 1_000_000) throw new Unsure('bad subsection');
    // Entries are 20 bytes each: 10-digit offset, space, 5-digit generation, space, n/f, 2-byte EOL.
    let at = parser.pos;
    while (at < bytes.length && (bytes[at] === 0x0d || bytes[at] === 0x0a || bytes[at] === 0x20)) at++;
    if (at + count * 20 > bytes.length) throw new Unsure('xref runs past the end');
    for (let i = 0; i < count; i++) {
      const entry = xrefEntry(bytes, at + i * 20);
      if (!entry) throw new Unsure('bad xref entry');
      // Newer sections are read first: an entry already known wins.
      if (!entries.has(start + i)) entries.set(start + i, entry);
    }
    parser.pos = at + count * 20;
  }
  const trailer = parser.value();
  if (!isDict(trailer)) throw new Unsure('trailer is not a dictionary');
  return trailer.dict;
}

/** One 20-byte xref entry at `at` ("oooooooooo ggggg n"); a free entry has offset -1. Null if malformed. */
function xrefEntry(bytes: Buffer, at: number): XrefEntry | null {
  let offset = 0;
  for (let i = 0; i < 10; i++) {
    const c = bytes[at + i];
    if (!isDigit(c)) return null;
    offset = offset * 10 + (c! - 0x30);
  }
  let gen = 0;
  for (let i = 11; i < 16; i++) {
    const c = bytes[at + i];
    if (!isDigit(c)) return null;
    gen = gen * 10 + (c! - 0x30);
  }
  const kind = bytes[at + 17];
  if (bytes[at + 10] !== 0x20 || bytes[at + 16] !== 0x20 || (kind !== 0x6e && kind !== 0x66)) return null;
  return { offset: kind === 0x6e ? offset : -1, gen };
}

function lastStartXref(bytes: Buffer): number {
  const tail = Math.max(0, bytes.length - 1024);
  const at = bytes.lastIndexOf('startxref', bytes.length, 'latin1');
  if (at < tail) throw new Unsure('no startxref near the end');
  const parser = new Parser(bytes, at + 'startxref'.length);
  const offset = Number(parser.keyword());
  if (!Number.isInteger(offset) || offset < 0 || offset >= bytes.length) throw new Unsure('bad startxref');
  return offset;
}

/**
 * The page count of a small, plainly structured PDF, or null when only the full check can tell.
 * `maxPages` bounds the work: a tree with more leaves gives null (the full check then reports it).
 */
export function quickCountPdfPages(bytes: Buffer, { maxPages }: { maxPages: number }): number | null {
  try {
    if (bytes.length > QUICK_COUNT_MAX_BYTES || bytes.toString('latin1', 0, 5) !== '%PDF-') return null;
    const entries = new Map<number, XrefEntry>();
    let offset: number | undefined = lastStartXref(bytes);
    let trailer: Map<string, PdfValue> | undefined;
    const seenSections = new Set<number>();
    for (let section = 0; offset !== undefined; section++) {
      if (section >= MAX_XREF_SECTIONS || seenSections.has(offset)) throw new Unsure('xref chain too long or looping');
      seenSections.add(offset);
      const sectionTrailer = readXrefSection(bytes, offset, entries);
      trailer ??= sectionTrailer;
      // Hybrid files hide objects in streams; encrypted ones need the full check's password answer.
      if (sectionTrailer.has('XRefStm') || sectionTrailer.has('Encrypt')) throw new Unsure('hybrid or encrypted');
      const prev = sectionTrailer.get('Prev');
      offset = prev === undefined ? undefined : typeof prev === 'number' && Number.isInteger(prev) && prev >= 0 ? prev : -1;
      if (offset === -1) throw new Unsure('bad /Prev');
    }
    const resolve = (value: PdfValue | undefined): PdfValue | undefined => {
      if (!isRef(value)) return value;
      const entry = entries.get(value.num);
      if (!entry || entry.offset < 0 || entry.gen !== value.gen || entry.offset >= bytes.length) throw new Unsure('dangling reference');
      const parser = new Parser(bytes, entry.offset);
      if (!parser.objectHeader(value.num, value.gen)) throw new Unsure('object not where the xref says');
      return parser.value();
    };
    const root = resolve(trailer!.get('Root'));
    if (!isDict(root) || !isName(root.dict.get('Type'), 'Catalog')) throw new Unsure('no catalog');
    const pagesRef = root.dict.get('Pages');
    const pages = resolve(pagesRef);
    if (!isDict(pages) || !isName(pages.dict.get('Type'), 'Pages')) throw new Unsure('no page tree');
    const declared = pages.dict.get('Count');
    if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1 || declared > maxPages) throw new Unsure('bad /Count');

    // Walk the tree: every node must resolve, no node twice, leaves are /Page.
    const visited = new Set<number>();
    if (isRef(pagesRef)) visited.add(pagesRef.num);
    let leaves = 0;
    const walk = (node: PdfDict, depth: number) => {
      if (depth > MAX_DEPTH) throw new Unsure('page tree too deep');
      const kids = resolve(node.dict.get('Kids'));
      if (!Array.isArray(kids) || kids.length === 0) throw new Unsure('no kids');
      for (const kid of kids) {
        if (!isRef(kid) || visited.has(kid.num)) throw new Unsure('kid is not a fresh reference');
        visited.add(kid.num);
        const child = resolve(kid);
        if (!isDict(child)) throw new Unsure('kid is not a dictionary');
        if (isName(child.dict.get('Type'), 'Page')) {
          if (++leaves > maxPages) throw new Unsure('more pages than allowed');
        } else if (isName(child.dict.get('Type'), 'Pages')) {
          walk(child, depth + 1);
        } else {
          throw new Unsure('kid of unknown type');
        }
      }
    };
    walk(pages, 0);
    return leaves === declared ? leaves : null;
  } catch (error) {
    if (error instanceof Unsure) return null;
    throw error;
  }
}
