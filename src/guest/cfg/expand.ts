/**
 * Shell expansion of unittests.cfg values — the ONE place where configuration text reaches a shell.
 *
 * Why a shell at all: run_tests.sh builds `… $smp $test_args $opts` and runs it with `eval`, and
 * `disabled_if` with `(eval $disabled_if)`. Real cfg files depend on that: `smp = $MAX_SMP`,
 * `smp = $((($MAX_SMP < 8)?$MAX_SMP:8))`, `test_args = "get-time-of-day date=$(date +%s)"`, backticks, quotes.
 * Re-implementing bash's expansion would be a source of silent differences, so bash does it.
 *
 * Security model:
 * - A unittests.cfg is code, exactly as it is for run_tests.sh: whoever can edit it can run commands as the
 *   user (`test_args = $(rm -rf ~)` or `test_args = x; rm -rf ~` does so under run_tests.sh too). vmunit grants
 *   that power and no more: only trusted trees should be run, as with the reference tool.
 * - Values never become part of a script that vmunit assembles: the bash script below is a constant; each
 *   value travels in its own environment variable (`VMUNIT_VALUE_<i>`, `VMUNIT_COND`) and is `eval`ed by bash
 *   itself, in a function body of its own, so one value cannot change how another is split.
 * - What an evaluated value prints on stdout goes to stderr, so it cannot forge the NUL-separated words that
 *   the constant script writes on a separate descriptor; the record markers carry a random nonce.
 * - The child gets the caller's environment minus variables that would make bash run other code or change
 *   its parsing before our script starts (BASH_ENV, ENV, SHELLOPTS, BASHOPTS, CDPATH, GLOBIGNORE, exported
 *   functions). bash runs with `--noprofile --norc`, in the tree directory (globs match there, as in
 *   run_tests.sh, which runs from the tree).
 * - Values with no shell metacharacter at all take an in-process fast path (`splitPlainWords`): no process
 *   is spawned, so there is nothing to inject into.
 *
 * Semantics kept from run_tests.sh: a `#` that starts a word comments out the rest of the value, and, since
 * run_tests.sh evals all values as one command line, everything after it (`swallowsRest`); a `;` ends the
 * command, so what follows is not passed to the VMM either (it runs as a separate command, at expansion
 * time rather than at launch time).
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { FilePosition } from '../../util/errors.js';
import { VmunitError } from '../../util/errors.js';

/** Variables visible to the evaluated values (the process env plus harness variables such as MAX_SMP). */
export type ShellEnv = Readonly<Record<string, string | undefined>>;

export interface ExpandOptions {
  /** Working directory of bash (the kvm-unit-tests tree); default: the current directory. */
  readonly cwd?: string;
  /** bash binary; default `bash` from PATH. */
  readonly bash?: string;
  /** Where the value comes from, for error messages. */
  readonly position?: FilePosition;
}

/** One value after expansion. */
export interface ExpandedValue {
  readonly words: readonly string[];
  /** True when a shell comment (or `;`) in this value ended the eval'd command line: later values are dropped. */
  readonly swallowsRest: boolean;
}

const SEPARATORS = new Set([' ', '\t']);
/** Characters that make bash do something other than split on blanks outside quotes. */
const METACHARS = new Set([...'$`\\|&;<>(){}[]*?~#!\n\r']);
/** Inside double quotes, only these are special. */
const DQ_SPECIAL = new Set([...'$`\\!']);

/**
 * Splits a value without a shell when that is provably what bash would do: blanks separate words, and the
 * only quoting is '…' or "…" with nothing special inside. Returns undefined when bash is needed.
 */
export function splitPlainWords(raw: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (SEPARATORS.has(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'" || c === '"') {
      const end = raw.indexOf(c, i + 1);
      if (end < 0) return undefined;
      const inner = raw.slice(i + 1, end);
      if (c === '"' && [...inner].some((ch) => DQ_SPECIAL.has(ch))) return undefined;
      word += inner;
      inWord = true;
      i = end;
    } else if (METACHARS.has(c)) {
      return undefined;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The constant bash program. fd 3 carries the results; the evaluated values' own stdout goes to stderr.
 * Each value is parsed as the body of a function (so a syntax error is caught before anything runs and
 * reported as such), then the function runs `set -- <value> "<end marker>"` and prints the words. A missing
 * end marker means a comment or `;` in the value swallowed the rest of the command line.
 */
const EXPAND_SCRIPT = [
  'exec 3>&1 1>&2',
  '__vmunit_i=0',
  'while [ "$__vmunit_i" -lt "$VMUNIT_COUNT" ]; do',
  '  __vmunit_name=VMUNIT_VALUE_$__vmunit_i',
  '  if eval "__vmunit_words() {',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: bash indirect expansion, not a JS template.
  'set -- ${!__vmunit_name} \\"\\$VMUNIT_NONCE:end\\"',
  'printf \'%s\\\\0\' \\"\\$@\\" >&3',
  '}"; then',
  '    printf \'%s\\0\' "$VMUNIT_NONCE:ok" >&3',
  '    __vmunit_words',
  '  else',
  '    printf \'%s\\0\' "$VMUNIT_NONCE:syntax" >&3',
  '  fi',
  '  printf \'%s\\0\' "$VMUNIT_NONCE:record" >&3',
  '  __vmunit_i=$((__vmunit_i + 1))',
  'done',
].join('\n');

const COND_SCRIPT = '(eval $VMUNIT_COND) >&2';

const UNSAFE_ENV = new Set(['BASH_ENV', 'ENV', 'SHELLOPTS', 'BASHOPTS', 'CDPATH', 'GLOBIGNORE']);

/** The caller's environment, made safe to start bash with (see the security model above). */
function childEnv(env: ShellEnv, extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || UNSAFE_ENV.has(k) || k.startsWith('BASH_FUNC_') || k.startsWith('VMUNIT_'))
      continue;
    out[k] = v;
  }
  return Object.assign(out, extra);
}

interface BashResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runBash(script: string, env: Record<string, string>, options: ExpandOptions): Promise<BashResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.bash ?? 'bash', ['--noprofile', '--norc', '-c', script], {
      env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (cause) =>
      reject(
        new VmunitError(
          'SPAWN_FAILED',
          `cannot run ${options.bash ?? 'bash'} (in ${options.cwd ?? '.'}) to expand unittests.cfg values`,
          { cause },
        ),
      ),
    );
    child.on('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

function checkNoNul(raw: string, options: ExpandOptions): void {
  if (raw.includes('\0')) {
    throw new VmunitError('CONFIG_INVALID', 'value contains a NUL byte', positionOption(options));
  }
}

function positionOption(options: ExpandOptions): { position?: FilePosition } {
  return options.position === undefined ? {} : { position: options.position };
}

/** Turns the fd-3 stream into one ExpandedValue per input value. */
function decode(
  raws: readonly string[],
  result: BashResult,
  nonce: string,
  options: ExpandOptions,
): ExpandedValue[] {
  const tokens = result.stdout.split('\0').slice(0, -1);
  const values: ExpandedValue[] = [];
  let i = 0;
  for (const raw of raws) {
    const head = tokens[i++];
    if (head === `${nonce}:syntax`) {
      const detail = result.stderr.trim().split('\n').pop() ?? '';
      throw new VmunitError(
        'CONFIG_INVALID',
        `shell syntax error in value ${JSON.stringify(raw)}${detail === '' ? '' : `: ${detail}`}`,
        positionOption(options),
      );
    }
    if (head !== `${nonce}:ok`) {
      throw new VmunitError(
        'CONFIG_INVALID',
        `evaluating ${JSON.stringify(raw)} ended the shell early (exit status ${result.status}): ${result.stderr.trim()}`,
        positionOption(options),
      );
    }
    const words: string[] = [];
    while (i < tokens.length && tokens[i] !== `${nonce}:record`) words.push(tokens[i++] ?? '');
    i++;
    const swallowsRest = words[words.length - 1] !== `${nonce}:end`;
    if (!swallowsRest) words.pop();
    values.push({ words, swallowsRest });
  }
  return values;
}

/**
 * Expands several values as run_tests.sh's eval would, in one bash process (or none when every value takes
 * the fast path). Values are independent except that a value which `swallowsRest` is reported as such; the
 * caller drops the later values, as the eval'd command line would.
 * @throws VmunitError `CONFIG_INVALID` on a shell syntax error, `SPAWN_FAILED` if bash cannot start.
 */
export async function expandValues(
  raws: readonly string[],
  env: ShellEnv,
  options: ExpandOptions = {},
): Promise<ExpandedValue[]> {
  const fast = raws.map((raw) => splitPlainWords(raw));
  if (fast.every((w) => w !== undefined))
    return fast.map((words) => ({ words: words ?? [], swallowsRest: false }));
  const nonce = `\x01vmunit-${randomBytes(8).toString('hex')}`;
  const extra: Record<string, string> = { VMUNIT_COUNT: String(raws.length), VMUNIT_NONCE: nonce };
  raws.forEach((raw, i) => {
    checkNoNul(raw, options);
    extra[`VMUNIT_VALUE_${i}`] = raw;
  });
  const result = await runBash(EXPAND_SCRIPT, childEnv(env, extra), options);
  return decode(raws, result, nonce, options);
}

/** Expands one value into words, with bash semantics (see expandValues). */
export async function expandWords(
  raw: string,
  env: ShellEnv,
  options: ExpandOptions = {},
): Promise<string[]> {
  const [value] = await expandValues([raw], env, options);
  return [...(value?.words ?? [])];
}

/**
 * Evaluates a `disabled_if` condition as run_tests.sh does: `(eval $disabled_if)` — unquoted, so word
 * splitting and globbing apply first — in a subshell that sees `env` (the harness variables: TARGET,
 * CONFIG_EFI, ARCH, ACCEL, …). True when it exits 0; a failing or malformed condition is false, as there.
 */
export async function evalCondition(
  cond: string,
  env: ShellEnv,
  options: ExpandOptions = {},
): Promise<boolean> {
  checkNoNul(cond, options);
  const result = await runBash(COND_SCRIPT, childEnv(env, { VMUNIT_COND: cond }), options);
  return result.status === 0;
}
