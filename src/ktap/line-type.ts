/**
 * The KTAP/TAP line grammar as one named table. Each production is the rule kunit.py (Linux 6.12,
 * kunit_parser.py) applies to an extracted line, so that a line is structural for vmunit exactly when it is
 * for kunit.py. `\s` is Python's whitespace (see py-text.ts) and lines arrive right-stripped, so `$` is
 * the end of the text.
 */

import { PY_SPACE_CLASS } from './py-text.js';

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

/** Production order of kunit.py's checks; the first match wins. */
const ORDER: readonly Production[] = [
  GRAMMAR.result,
  GRAMMAR.subtestHeader,
  GRAMMAR.ktapVersion,
  GRAMMAR.tapVersion,
  GRAMMAR.plan,
];

/** A classified line: its kind and the production's match (undefined for diagnostics). */
export interface ClassifiedLine {
  readonly text: string;
  /** 1-based number of the line in the original input. */
  readonly lineNo: number;
  readonly kind: LineKind;
  readonly match: RegExpExecArray | undefined;
}

/**
 * The only production a line can match, from its first non-blank character (the productions' first
 * characters `o n # K T 1` are distinct); undefined for none, 'any' (try ORDER) when that character might
 * be Python whitespace we did not skip. So at most one regex runs per ordinary line.
 */
function candidate(text: string): Production | 'any' | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09) continue;
    switch (c) {
      case 0x6f /* o */:
      case 0x6e /* n */:
        return GRAMMAR.result;
      case 0x23 /* # */:
        return GRAMMAR.subtestHeader;
      case 0x4b /* K */:
        return GRAMMAR.ktapVersion;
      case 0x54 /* T */:
        return GRAMMAR.tapVersion;
      case 0x31 /* 1 */:
        return GRAMMAR.plan;
      default:
        return c < 0x20 || c >= 0x80 ? 'any' : undefined;
    }
  }
  return undefined;
}

function classified(text: string, lineNo: number, p: Production): ClassifiedLine | undefined {
  const match = p.pattern.exec(text);
  return match ? { text, lineNo, kind: p.kind, match } : undefined;
}

/** Classifies one extracted (right-stripped) line. */
export function classifyLine(text: string, lineNo: number): ClassifiedLine {
  const c = candidate(text);
  if (c === 'any') {
    for (const p of ORDER) {
      const line = classified(text, lineNo, p);
      if (line) return line;
    }
  } else if (c !== undefined) {
    const line = classified(text, lineNo, c);
    if (line) return line;
  }
  return { text, lineNo, kind: 'diagnostic', match: undefined };
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

/** Decodes a line classified as `result`. */
export function parseResultLine(line: ClassifiedLine): ResultLine | undefined {
  const m = line.match;
  if (line.kind !== 'result' || !m) return undefined;
  const skip = line.text.includes(' # SKIP') ? RESULT_SKIP.exec(line.text) : null;
  const plainName = m[4] ?? '';
  const written = m[2] ?? '0';
  const digits = written.charCodeAt(0) === 0x30 ? written.replace(/^0+(?=.)/, '') : written;
  return {
    ok: m[1] === 'ok',
    numberText: digits,
    plainName,
    name: skip ? (skip[4] ?? '') : plainName,
    directiveText: m[5] === undefined ? '' : m[5].slice(3),
    skipReason: skip ? (skip[5] ?? '') : undefined,
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
