/**
 * The few Python string semantics kunit.py's output depends on, written down once: what `str.isspace()`
 * and the `re` module's `\s` accept, `str.rstrip()`, `len()` and slicing by code point, `str.splitlines()`
 * and `textwrap.dedent()`. JavaScript differs on each (e.g. `\s` includes U+FEFF, `length` counts UTF-16
 * units), and a log that hits the difference would print differently from kunit.py.
 */

/**
 * Characters Python's `str.isspace()` and `re`'s `\s` accept (Unicode White_Space plus the ASCII file,
 * group, record and unit separators), as a regex character class body.
 */
export const PY_SPACE_CLASS =
  '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/** Python's `str.isspace()` for one UTF-16 unit (every Python space is in the BMP). */
export function isPySpace(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d) || (code >= 0x1c && code <= 0x1f);
  if (code < 0x85) return false;
  return (
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Python's `s.rstrip()`. */
export function pyRstrip(s: string): string {
  const n = s.length;
  if (n === 0 || !isPySpace(s.charCodeAt(n - 1))) return s;
  // A loop from the right, not a regex: a regex scans from the left, quadratic on long inner runs.
  let end = n - 1;
  while (end > 0 && isPySpace(s.charCodeAt(end - 1))) end--;
  return s.slice(0, end);
}

/** A UTF-16 surrogate, paired or not (no `u` flag: the class matches code units). */
const SURROGATE = /[\ud800-\udfff]/;

/**
 * Whether `s` has a surrogate. A regex, not a charCodeAt loop: the strings asked about are often
 * concatenations, which V8 would read a unit at a time through the runtime.
 */
function hasSurrogate(s: string): boolean {
  return SURROGATE.test(s);
}

/** Python's `len(s)`: code points, not UTF-16 units. */
export function pyLen(s: string): number {
  if (!hasSurrogate(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Python's `s[n:]` for n ≥ 0, counting code points. */
export function pySliceFrom(s: string, n: number): string {
  if (n <= 0) return s;
  // Fast path: without a surrogate, units and code points coincide.
  if (!hasSurrogate(s)) return s.slice(n);
  let units = 0;
  let points = 0;
  while (points < n && units < s.length) {
    const c = s.charCodeAt(units);
    const isPair =
      c >= 0xd800 && c <= 0xdbff && units + 1 < s.length && (s.charCodeAt(units + 1) & 0xfc00) === 0xdc00;
    units += isPair ? 2 : 1;
    points++;
  }
  return s.slice(units);
}

/** Line boundaries of Python's `str.splitlines()` (besides `\r\n`). */
const SPLITLINES_BREAK = /\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/;

/** Python's `str.splitlines()`: no empty last element for a trailing break, `[]` for ''. */
export function pySplitlines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(SPLITLINES_BREAK);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const WHITESPACE_ONLY = /^[ \t]+$/;
const LEADING_INDENT = /^[ \t]*/;

/**
 * `textwrap.dedent(text)` applied to lines already split on '\n' (kunit's print_log joins its log with
 * '\n' first, so this is equivalent): blank-only lines become empty and do not count, then the longest
 * common leading run of spaces/tabs is removed (a tab and a space are different, as in Python).
 */
export function pyDedentLines(lines: readonly string[]): string[] {
  const cleaned = lines.map((l) => (WHITESPACE_ONLY.test(l) ? '' : l));
  let margin: string | undefined;
  for (const line of cleaned) {
    if (line === '') continue;
    const indent = LEADING_INDENT.exec(line)?.[0] ?? '';
    if (margin === undefined) margin = indent;
    else if (indent.startsWith(margin)) continue;
    else if (margin.startsWith(indent)) margin = indent;
    else {
      let i = 0;
      while (i < margin.length && i < indent.length && margin[i] === indent[i]) i++;
      margin = margin.slice(0, i);
    }
    if (margin === '') break;
  }
  if (!margin) return cleaned;
  const m = margin;
  return cleaned.map((l) => (l.startsWith(m) ? l.slice(m.length) : l));
}
