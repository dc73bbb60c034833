/**
 * Recovers a check's operands as written (`1 + 1` in `t.expect.eq(1 + 1, 3)`), which KUnit gets for free
 * from the preprocessor's `#x`. We read the source at the call's stack position and split the argument
 * list with a small scanner that knows strings, template literals, comments, regex literals and brackets.
 * Anything it does not understand makes it return undefined; callers then fall back to the values.
 */

/** The most characters scanned for one call, so a confused scan cannot walk a whole file. */
const MAX_SCAN = 8_000;

/** Offset of a 1-based line and column in `source`, or -1 when out of range. */
function offsetOf(source: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = source.indexOf('\n', offset);
    if (nl < 0) return -1;
    offset = nl + 1;
  }
  const at = offset + column - 1;
  return at < source.length ? at : -1;
}

/**
 * The argument texts of the call whose callee name starts at (line, column), as V8 reports method-call
 * frames. Whitespace runs (including line breaks) collapse to one space. Undefined when no call is found.
 */
export function extractCallArguments(source: string, line: number, column: number): string[] | undefined {
  let i = offsetOf(source, line, column);
  if (i < 0) return undefined;
  // Skip the callee name (and an optional `?.`), then expect the argument list.
  while (i < source.length && /[\w$]/.test(source[i] ?? '')) i++;
  while (i < source.length && /[\s?.]/.test(source[i] ?? '')) i++;
  if (source[i] !== '(') return undefined;
  return splitArguments(source, i + 1);
}

/** Splits the arguments that start at `start` (just after `(`); undefined when unbalanced. */
export function splitArguments(source: string, start: number): string[] | undefined {
  const args: string[] = [];
  const closers: string[] = [];
  let argStart = start;
  const end = Math.min(source.length, start + MAX_SCAN);
  let i = start;
  let lastSignificant = '(';
  const comments: Array<[number, number]> = [];
  const text = (from: number, to: number) => tidy(withoutComments(source, from, to, comments));
  while (i < end) {
    const c = source[i] ?? '';
    const next = source[i + 1] ?? '';
    if (c === '/' && next === '/') {
      const close = skipTo(source, i, '\n');
      comments.push([i, close]);
      i = close;
      continue;
    }
    if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      comments.push([i, close + 2]);
      i = close + 2;
      continue;
    }
    if (c === '"' || c === "'") i = skipString(source, i, c);
    else if (c === '`') i = skipTemplate(source, i);
    else if (c === '/' && /[(,=:[!&|?{};+\-*%<>~^]/.test(lastSignificant)) i = skipRegex(source, i);
    else if (c === '(' || c === '[' || c === '{') closers.push(c === '(' ? ')' : c === '[' ? ']' : '}');
    else if (c === ')' || c === ']' || c === '}') {
      if (closers.length === 0) {
        if (c !== ')') return undefined;
        const last = text(argStart, i);
        if (last !== '' || args.length > 0) args.push(last);
        return args.filter((a, k) => a !== '' || k < args.length - 1);
      }
      if (closers.pop() !== c) return undefined;
    } else if (c === ',' && closers.length === 0) {
      args.push(text(argStart, i));
      argStart = i + 1;
    }
    if (i < 0) return undefined;
    if (!/\s/.test(c)) lastSignificant = c;
    i++;
  }
  return undefined;
}

/** `source[from, to)` with the comment ranges cut out. */
function withoutComments(
  source: string,
  from: number,
  to: number,
  comments: ReadonlyArray<[number, number]>,
): string {
  let out = '';
  let at = from;
  for (const [start, stop] of comments) {
    if (stop <= from || start >= to) continue;
    out += `${source.slice(at, Math.max(at, start))} `;
    at = Math.max(at, stop);
  }
  return out + source.slice(at, to);
}

function tidy(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function skipTo(source: string, i: number, what: string): number {
  const at = source.indexOf(what, i);
  return at < 0 ? source.length : at;
}

/** Returns the index of the closing quote (the main loop steps past it), or -1 when unterminated. */
function skipString(source: string, i: number, quote: string): number {
  for (let j = i + 1; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (c === quote) return j;
    else if (c === '\n') return -1;
  }
  return -1;
}

function skipTemplate(source: string, i: number): number {
  for (let j = i + 1; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (c === '`') return j;
    else if (c === '$' && source[j + 1] === '{') {
      // Find the matching `}` of the substitution, honouring nested strings and templates.
      let depth = 1;
      j += 2;
      for (; j < source.length && depth > 0; j++) {
        const d = source[j];
        if (d === '{') depth++;
        else if (d === '}') depth--;
        else if (d === '"' || d === "'") j = skipString(source, j, d);
        else if (d === '`') j = skipTemplate(source, j);
        if (j < 0) return -1;
      }
      j--;
    }
  }
  return -1;
}

function skipRegex(source: string, i: number): number {
  let inClass = false;
  for (let j = i + 1; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return j;
    else if (c === '\n') return -1;
  }
  return -1;
}
