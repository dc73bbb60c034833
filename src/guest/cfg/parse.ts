/**
 * unittests.cfg parser: the grammar of kvm-unit-tests' `for_each_unittest` (scripts/common.bash), as a pure
 * function. Values stay raw (unquoted, unexpanded): run_tests.sh `eval`s them later, so expansion is a
 * separate, documented step (expand.ts).
 *
 * Grammar (what run_tests.sh does, kept):
 * - Every line is read like bash `read -r`: leading/trailing blanks (space, tab) are stripped, backslashes kept.
 * - `[name]` starts a section; the name is everything between the first `[` and the last `]`.
 * - `key = value` for the keys below; only spaces (not tabs) may surround `=`; the value is the rest of the
 *   line, raw. A repeated key: last one wins. `extra_params` and `qemu_params` are one key (old/new name).
 * - `#` starts a comment only at the beginning of a line; a trailing `# x` stays in the value (and later
 *   acts as a shell comment when the value is evaluated, as in run_tests.sh).
 * - `qemu_params = """…` (also `extra_params`, `kvmtool_params`) opens a multi-line value: the rest of the
 *   line, then each following raw (untrimmed) line joined with '\n', until a line ending in `"""`; a line
 *   ending in an odd number of backslashes continues onto the next line (the backslash-newline is removed).
 *
 * run_tests.sh bugs NOT reproduced (each has a test):
 * 1. `disabled_if` is dropped for the last section of a file (common.bash forgets the argument) — here every
 *    section keeps its `disabled_if`.
 * 2. Multi-line values get a literal `$'\n'` after their first line (since kvm-unit-tests 6eb072c2) — here
 *    a real newline.
 * 3. A closing `"""` followed by blanks is not recognised (`[:blank:]` outside a bracket expression), so the
 *    rest of the file is swallowed — here blanks after the closing `"""` are allowed.
 * Also differs, deliberately: a last line without a trailing newline is parsed (bash `read` drops it), and
 * `"""value"""` on one line is a complete value (run_tests.sh would keep reading further lines).
 *
 * What is an error (VmunitError CONFIG_SYNTAX with file:line) and what is only a warning:
 * - errors — the file's meaning would silently differ from what its author wrote: an unterminated `"""`
 *   block (run_tests.sh swallows the rest of the file), a duplicate section name (run_tests.sh runs both
 *   into one log file), an empty `[]` name (run_tests.sh drops the section), a line starting with `[` that
 *   is not a section header (run_tests.sh ignores it and merges the keys into the previous section), CRLF
 *   line endings (run_tests.sh recognises no line at all).
 * - warnings (run_tests.sh silently ignores these; so do we, but we say so): unknown keys, known keys with a
 *   tab around `=`, other unrecognised lines, keys before the first section.
 */

import { VmunitError } from '../../util/errors.js';
import type { GuestTestSpec } from './spec.js';

/** A line run_tests.sh would silently ignore, reported so that typos do not go unnoticed. */
export interface CfgWarning {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface ParseCfgOptions {
  /** Called for every ignored line; default: warnings are dropped (use `parseUnittestsCfgWithWarnings`). */
  readonly onWarning?: (warning: CfgWarning) => void;
}

type ValueKey =
  | 'kernel'
  | 'smp'
  | 'testArgs'
  | 'qemuParams'
  | 'kvmtoolParams'
  | 'groups'
  | 'arch'
  | 'machine'
  | 'check'
  | 'accel'
  | 'timeout'
  | 'disabledIf';

/** cfg key → spec field. Data, so that the grammar is visible in one place. */
const KEYS: Readonly<Record<string, ValueKey>> = {
  file: 'kernel',
  smp: 'smp',
  test_args: 'testArgs',
  qemu_params: 'qemuParams',
  extra_params: 'qemuParams',
  kvmtool_params: 'kvmtoolParams',
  groups: 'groups',
  arch: 'arch',
  machine: 'machine',
  check: 'check',
  accel: 'accel',
  timeout: 'timeout',
  disabled_if: 'disabledIf',
};

const MULTI_LINE_KEYS: ReadonlySet<string> = new Set(['qemu_params', 'extra_params', 'kvmtool_params']);
const SECTION = /^\[(.*)\]$/;
const KEY_VALUE = /^([a-z_]+) *= *(.*)$/;
const KEY_LIKE = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]*=/;
const OPEN_MULTI = /^"""(.*)$/;
const CLOSE_MULTI = /^(.*)"""[ \t]*$/;

interface Section {
  name: string;
  line: number;
  values: Record<ValueKey, string>;
}

function emptyValues(): Record<ValueKey, string> {
  return {
    kernel: '',
    smp: '',
    testArgs: '',
    qemuParams: '',
    kvmtoolParams: '',
    groups: '',
    arch: '',
    machine: '',
    check: '',
    accel: '',
    timeout: '',
    disabledIf: '',
  };
}

function toSpec(section: Section, file: string): GuestTestSpec {
  const v = section.values;
  return {
    name: section.name,
    file,
    line: section.line,
    kernel: v.kernel,
    smp: v.smp,
    testArgs: v.testArgs,
    qemuParams: v.qemuParams,
    kvmtoolParams: v.kvmtoolParams,
    groups: v.groups.split(/[ \t]+/).filter((g) => g !== ''),
    arch: v.arch,
    machine: v.machine,
    check: v.check,
    accel: v.accel,
    timeout: v.timeout,
    disabledIf: v.disabledIf,
  };
}

/** Splits into lines as `read` sees them: a final newline ends the last line rather than starting one. */
function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function syntaxError(message: string, file: string, line: number): VmunitError {
  return new VmunitError('CONFIG_SYNTAX', message, { position: { file, line } });
}

/**
 * Reads a `"""` value whose first line (after `"""`) is `first`, starting at index `start` of `lines`.
 * Returns the value and the index of the closing line.
 */
function readMultiLine(
  first: string,
  lines: readonly string[],
  start: number,
  file: string,
): { value: string; end: number } {
  const sameLine = CLOSE_MULTI.exec(first);
  if (sameLine) return { value: sameLine[1] ?? '', end: start - 1 };
  let value = `${first}\n`;
  for (let i = start; i < lines.length; i++) {
    // A previous line ending in an odd run of backslashes continues onto this one.
    const run = /(\\*)\n$/.exec(value)?.[1]?.length ?? 0;
    if (run % 2 === 1) value = value.slice(0, -2);
    const raw = lines[i] ?? '';
    const close = CLOSE_MULTI.exec(raw);
    if (close) return { value: value + (close[1] ?? ''), end: i };
    value += `${raw}\n`;
  }
  throw syntaxError('unterminated """ value: no closing """ line before the end of the file', file, start);
}

/**
 * Parses unittests.cfg text. `file` names the file in errors and in `GuestTestSpec.file`.
 * @throws VmunitError `CONFIG_SYNTAX` (with file:line) for the errors listed at the top of this file.
 */
export function parseUnittestsCfg(
  text: string,
  file: string,
  options: ParseCfgOptions = {},
): GuestTestSpec[] {
  const warn = (line: number, message: string): void => options.onWarning?.({ file, line, message });
  const lines = splitLines(text);
  const sections: Section[] = [];
  const seen = new Map<string, number>();
  let current: Section | undefined;

  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const lineNo = i + 1;
    if (raw.endsWith('\r')) {
      throw syntaxError('CRLF line ending: run_tests.sh would recognise no line of this file', file, lineNo);
    }
    const line = raw.replace(/^[ \t]+|[ \t]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;

    const header = SECTION.exec(line);
    if (header) {
      const name = header[1] ?? '';
      if (name === '') throw syntaxError('section with no name ([])', file, lineNo);
      const first = seen.get(name);
      if (first !== undefined) {
        throw syntaxError(`duplicate section [${name}] (first defined at line ${first})`, file, lineNo);
      }
      seen.set(name, lineNo);
      current = { name, line: lineNo, values: emptyValues() };
      sections.push(current);
      continue;
    }
    if (line.startsWith('[')) {
      throw syntaxError(
        `malformed section header ${JSON.stringify(line)}: it must end with ']'`,
        file,
        lineNo,
      );
    }

    const kv = KEY_VALUE.exec(line);
    const field = kv ? KEYS[kv[1] ?? ''] : undefined;
    if (!kv || field === undefined) {
      warnIgnored(line, lineNo, warn);
      continue;
    }
    const key = kv[1] ?? '';
    let value = kv[2] ?? '';
    const multi = MULTI_LINE_KEYS.has(key) ? OPEN_MULTI.exec(value) : null;
    if (multi) {
      const read = readMultiLine(multi[1] ?? '', lines, i + 1, file);
      value = read.value;
      i = read.end;
    }
    if (current === undefined) {
      warn(lineNo, `'${key}' before the first [section] is ignored`);
      continue;
    }
    current.values[field] = value;
  }
  return sections.map((s) => toSpec(s, file));
}

function warnIgnored(line: string, lineNo: number, warn: (line: number, message: string) => void): void {
  const keyLike = KEY_LIKE.exec(line);
  const key = keyLike?.[1];
  if (key === undefined) {
    warn(lineNo, `unrecognised line ignored: ${JSON.stringify(line)}`);
  } else if (KEYS[key] !== undefined) {
    warn(lineNo, `'${key}' ignored: only spaces may surround '=' (run_tests.sh ignores this line)`);
  } else {
    warn(lineNo, `unknown key '${key}' ignored`);
  }
}

/** `parseUnittestsCfg` that also returns the warnings (lines run_tests.sh silently ignores). */
export function parseUnittestsCfgWithWarnings(
  text: string,
  file: string,
): { tests: GuestTestSpec[]; warnings: CfgWarning[] } {
  const warnings: CfgWarning[] = [];
  const tests = parseUnittestsCfg(text, file, { onWarning: (w) => warnings.push(w) });
  return { tests, warnings };
}
