/**
 * The KTAP/TAP line grammar as one named table. Each production is the rule kunit.py (Linux 6.12,
 * kunit_parser.py) applies to an extracted line, so that a line is structural for vmunit exactly when it is
 * for kunit.py. `\s` is Python's whitespace (see py-text.ts) and lines arrive right-stripped, so `$` is
 * the end of the text.
 */

import { isPySpace, PY_SPACE_CLASS } from './py-text.js';

const WS = `[${PY_SPACE_CLASS}]*`;

/** The kinds of line the parser tells apart. Everything that is not structural is a diagnostic. */
export type LineKind = 'ktapVersion' | 'tapVersion' | 'subtestHeader' | 'plan' | 'result' | 'diagnostic';

/** A production of the grammar: the regex applied with `exec` at the start of the line, and its docs. */
export interface Production {
  readonly kind: Exclude<LineKind, 'diagnostic'>;
  readonly pattern: RegExp;
  readonly accepted: string;
  readonly example: string;
}

/**
 * The grammar. Indentation is free (any leading whitespace: KTAP's 2 spaces, KUnit's 4 spaces or a tab);
 * kselftest's `# `-prefixed nested output is *not* structural, as in kunit.py: it stays diagnostic text.
 */
export const GRAMMAR = {
  /** Group 1: the version number. Must end the line. */
  ktapVersion: {
    kind: 'ktapVersion',
    pattern: new RegExp(`^${WS}KTAP version ([0-9]+)$`),
    accepted: 'KTAP version <N>',
    example: 'KTAP version 1',
  },
  /** Group 1: the version number. Must end the line. */
  tapVersion: {
    kind: 'tapVersion',
    pattern: new RegExp(`^${WS}TAP version ([0-9]+)$`),
    accepted: 'TAP version <N>',
    example: 'TAP version 14',
  },
  /** Group 1: the suite name, the rest of the line (may contain spaces). */
  subtestHeader: {
    kind: 'subtestHeader',
    pattern: new RegExp(`^${WS}# Subtest: ([^\\n]*)$`),
    accepted: '# Subtest: <name>',
    example: '    # Subtest: example',
  },
  /** Group 1: N. Only `1..N`; text after N is allowed (kunit.py's regex has no `$`). */
  plan: {
    kind: 'plan',
    pattern: new RegExp(`^${WS}1\\.\\.([0-9]+)`),
    accepted: '1..<N>',
    example: '1..4',
  },
  /**
   * Groups: 1 ok|not ok, 2 number, 3 '- ', 4 description (no '#'), 5 ' # directive/diagnostic'.
   * The space after the number is required and the '#' must be surrounded by spaces.
   */
  result: {
    kind: 'result',
    pattern: new RegExp(`^${WS}(ok|not ok) ([0-9]+) (- )?([^#]*)( # [^\\n]*)?$`),
    accepted: '<ok|not ok> <number> [- ][<description>][ # <directive> [<reason>]]',
    example: 'not ok 2 example_test # SKIP not supported',
  },
} as const satisfies Record<string, Production>;

/**
 * kunit.py's SKIP rule, applied to result lines: the last ` # SKIP` decides. Groups: 4 the name (may contain
 * '#'), 5 the text after `SKIP` (the reason, with its leading space). Upper case only, as in kunit.py.
 */
export const RESULT_SKIP = new RegExp(`^${WS}(ok|not ok) ([0-9]+) (- )?([^\\n]*) # SKIP([^\\n]*)$`);

/** A classified line: its kind and the value its production captures. */
export interface ClassifiedLine {
  readonly text: string;
  /** 1-based number of the line in the original input. */
  readonly lineNo: number;
  readonly kind: LineKind;
  /**
   * Group 1 of the production (the version, the suite name, the plan's N), or for a result line its
   * group 4 (the description kunit.py compares with a suite's name); '' for a diagnostic.
   */
  readonly value: string;
  /** A result line's parts, as classification found them (parseResultLine reads them). */
  readonly scan?: ResultScan | undefined;
}

/** Where the parts of a result line are, as the result production's groups would capture them. */
export interface ResultScan {
  readonly ok: boolean;
  /** The number's digits (group 2). */
  readonly numStart: number;
  readonly numEnd: number;
  /** Where the description may start: after the number's space, and after `- ` when there is one. */
  readonly plain: number;
  readonly dashed: number;
  /** Where group 4 starts: `dashed`, unless only `plain` lets the line match. */
  readonly nameStart: number;
  /** Where group 4 ends. */
  readonly nameEnd: number;
  /** Start of the directive text after ` # ` (group 5 without ' # '), -1 when absent. */
  readonly directive: number;
}

/**
 * The result production without the regex engine (it runs on nearly every line of a big log): the same
 * match, backtracking included (`ok 1 - # x` names the test `-`), from `i`, the first non-blank
 * character. test/ktap/line-type.test.ts checks it against GRAMMAR.result on generated lines.
 */
function scanResult(text: string, i: number): ResultScan | undefined {
  let ok: boolean;
  if (text.startsWith('ok ', i)) {
    ok = true;
    i += 3;
  } else if (text.startsWith('not ok ', i)) {
    ok = false;
    i += 7;
  } else return undefined;
  const numStart = i;
  while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
  if (i === numStart || text.charCodeAt(i) !== 0x20) return undefined;
  const numEnd = i;
  const plain = i + 1;
  const dashed = text.startsWith('- ', plain) ? plain + 2 : plain;
  const hash = text.indexOf('#', dashed);
  if (hash < 0)
    return { ok, numStart, numEnd, plain, dashed, nameStart: dashed, nameEnd: text.length, directive: -1 };
  // ` # ` must open the directive at the first '#'; its space may be the one of `- ` (then no dash taken).
  const space = hash - 1;
  if (text.charCodeAt(space) !== 0x20 || text.charCodeAt(hash + 1) !== 0x20 || space < plain)
    return undefined;
  if (text.indexOf('\n', hash) >= 0) return undefined;
  const nameStart = space >= dashed ? dashed : plain;
  return { ok, numStart, numEnd, plain, dashed, nameStart, nameEnd: space, directive: hash + 2 };
}

/** The first character that is not Python whitespace. */
function firstNonSpace(text: string): number {
  let i = 0;
  while (i < text.length && isPySpace(text.charCodeAt(i))) i++;
  return i;
}

function viaRegex(text: string, lineNo: number, p: Production): ClassifiedLine | undefined {
  const match = p.pattern.exec(text);
  if (!match) return undefined;
  const value = (p.kind === 'result' ? match[4] : match[1]) ?? '';
  return { text, lineNo, kind: p.kind, value, scan: undefined };
}

/**
 * Classifies one extracted (right-stripped) line. The first non-blank character names the only production
 * that can match (the productions' first characters `o n # K T 1` are distinct), so at most one check runs
 * per line, and result lines, most of a log, are scanned without a regex.
 */
export function classifyLine(text: string, lineNo: number): ClassifiedLine {
  const i = firstNonSpace(text);
  let line: ClassifiedLine | undefined;
  switch (text.charCodeAt(i)) {
    case 0x6f /* o */:
    case 0x6e /* n */:
      {
        const r = scanResult(text, i);
        if (r) line = { text, lineNo, kind: 'result', value: text.slice(r.nameStart, r.nameEnd), scan: r };
        break;
      }
    case 0x23 /* # */:
      if (text.startsWith('# Subtest: ', i)) line = viaRegex(text, lineNo, GRAMMAR.subtestHeader);
      break;
    case 0x4b /* K */:
      line = viaRegex(text, lineNo, GRAMMAR.ktapVersion);
      break;
    case 0x54 /* T */:
      line = viaRegex(text, lineNo, GRAMMAR.tapVersion);
      break;
    case 0x31 /* 1 */:
      line = viaRegex(text, lineNo, GRAMMAR.plan);
      break;
  }
  return line ?? { text, lineNo, kind: 'diagnostic', value: '', scan: undefined };
}

/** True when `p` is the result line of the test named `name` (which closes that test's subtest list). */
export function nameMatches(p: ClassifiedLine, name: string): boolean {
  return p.kind === 'result' && p.value === name;
}

/** A parsed result line. `name` follows kunit.py: the SKIP regex's name when it matches, else group 4. */
export interface ResultLine {
  readonly ok: boolean;
  /** The number as written, leading zeros removed (kunit.py prints `int(n)`). */
  readonly numberText: string;
  /** Group 4 of the result production: what kunit.py compares with a suite's name. */
  readonly plainName: string;
  readonly name: string;
  /** ` # ...` text after the description (without ' # '), '' when absent. */
  readonly directiveText: string;
  /** Set when kunit.py's SKIP rule matched: the text after `SKIP`. */
  readonly skipReason: string | undefined;
}

/**
 * kunit.py's SKIP rule (RESULT_SKIP) on a line the result production matched: the last ` # SKIP` decides,
 * and the name takes `- ` only when the SKIP match can; [name, reason] or undefined.
 */
function skipOf(text: string, r: ResultScan): [string, string] | undefined {
  if (r.directive < 0 || text.indexOf('\n', r.numEnd) >= 0) return undefined;
  const at = text.lastIndexOf(' # SKIP');
  if (at < r.plain) return undefined;
  const start = at >= r.dashed ? r.dashed : r.plain;
  return [text.slice(start, at), text.slice(at + 7)];
}

/** Decodes a line classified as `result`. */
export function parseResultLine(line: ClassifiedLine): ResultLine | undefined {
  if (line.kind !== 'result') return undefined;
  const text = line.text;
  const r = line.scan ?? scanResult(text, firstNonSpace(text));
  if (!r) return undefined;
  const skip = skipOf(text, r);
  let start = r.numStart;
  while (start < r.numEnd - 1 && text.charCodeAt(start) === 0x30) start++;
  return {
    ok: r.ok,
    numberText: text.slice(start, r.numEnd),
    plainName: line.value,
    name: skip ? skip[0] : line.value,
    directiveText: r.directive < 0 ? '' : text.slice(r.directive),
    skipReason: skip?.[1],
  };
}

/**
 * KUnit attribute lines (lib/kunit/attributes.c), diagnostic for kunit.py but also reported as attributes.
 * Accepted format: `# <attr>: <value>` (suite level, after `# Subtest:`) or `# <case>.<attr>: <value>`
 * (before a case's result line), attr one of KUnit's `speed`, `module`, `is_init`.
 * Example: `    # example_slow_test.speed: slow` → { key: 'speed', value: 'slow' }.
 */
export const ATTRIBUTE = new RegExp(`^${WS}# (?:([^\\s#]+)\\.)?(speed|module|is_init): ([^\\n]*)$`);

/** The attribute on a diagnostic line, if it is one. */
export function attributeOf(text: string): { key: string; value: string } | undefined {
  if (!text.includes(': ')) return undefined;
  const m = ATTRIBUTE.exec(text);
  return m ? { key: m[2] ?? '', value: m[3] ?? '' } : undefined;
}
