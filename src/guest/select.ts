/**
 * Test selection: run_tests.sh's `run()` decision steps 1–10 (scripts/runtime.bash) for one unittests.cfg
 * entry, with its exact SKIP reason strings, then shell expansion of the values into a ResolvedGuestTest.
 * Steps 11+ (premature-failure probe, accelerator availability, launching) need QEMU and live in the QEMU
 * half of the guest runner; the values they need (requested accel, machine, timeout) are resolved here.
 *
 * Differences from run_tests.sh, all deliberate: `-g` may be given several times and takes comma lists (a
 * test is kept if it is in ANY of the groups; one plain `-g G` behaves exactly as run_tests.sh); `only_group`
 * is not read from the environment; a standalone (`KUT_STANDALONE=yes`) nodefault test is skipped rather than
 * prompting.
 */

import { readFile as readFileFs, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import type { ExpandedValue, ShellEnv } from './cfg/expand.js';
import { evalCondition, expandValues } from './cfg/expand.js';
import type { GuestTestSpec, ResolvedGuestTest } from './cfg/spec.js';
import type { GuestEnv } from './env.js';
import { splitAccel } from './env.js';

export type Selection =
  | { readonly kind: 'filtered' }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'run'; readonly test: ResolvedGuestTest };

/**
 * A test selection decided to run, whose values are not expanded yet: `expand()` runs the shell expansion
 * (`$(date +%s)` included), so a runner calls it when the test starts, as run_tests.sh's eval does.
 */
export interface PendingTest {
  readonly kind: 'pending';
  /** ACCEL as requested for the test (env, else cfg), known before expansion for the accel decision. */
  readonly accelRequested: string;
  expand(): Promise<ResolvedGuestTest>;
}

/** `selectTest` with the expansion left for later. */
export type Decision = Exclude<Selection, { kind: 'run' }> | PendingTest;

export interface SelectOptions {
  /** Positional test names (run_tests.sh `only_tests`); empty = every test. */
  readonly tests: readonly string[];
  /** `-g` values; each may be a comma list. Empty = no `-g`. */
  readonly groups: readonly string[];
  /** `-a`: run `nodefault` tests too. */
  readonly all: boolean;
  /** config.mak `ARCH`, compared with cfg `arch`. */
  readonly arch: string;
  /** `TEST_DIR` (`x86`): kernels are `<testDir>/<file>`. */
  readonly testDir: string;
  /** `qemu` or `kvmtool` (see env.ts effectiveTarget). */
  readonly target: string;
  /** config.mak `CONFIG_EFI=y`: `.flat` kernels become `.efi`, timeouts in seconds get +10 s. */
  readonly configEfi: boolean;
  /** config.mak `GEN_SE_HEADER`; '' skips `pv-host` tests. */
  readonly genSeHeader: string;
  readonly env: GuestEnv;
  /** Variables for shell expansion and `disabled_if` (env.ts harnessShellVars). */
  readonly shellVars: ShellEnv;
}

/** The file tests run_tests.sh makes (`[ -f ]`, `cat`), injectable for tests. */
export interface SelectFs {
  isFile(path: string): Promise<boolean>;
  /** File contents, or undefined if unreadable. */
  readText(path: string): Promise<string | undefined>;
}

export interface SelectContext {
  /** Tree directory: relative kernel and `check=` paths resolve here; bash runs here. */
  readonly treeDir: string;
  readonly fs?: SelectFs;
  /** bash binary for expansion (default `bash`). */
  readonly bash?: string;
}

const realFs: SelectFs = {
  isFile: (path) =>
    stat(path).then(
      (s) => s.isFile(),
      () => false,
    ),
  readText: (path) =>
    readFileFs(path, 'utf8').then(
      (t) => t,
      () => undefined,
    ),
};

/** run_tests.sh's `find_word`: is `word` one of the blank-separated words of `list`? */
export function findWord(word: string, list: string): boolean {
  return ` ${list} `.includes(` ${word} `);
}

/** `-g` values as group names: repeatable, comma lists allowed. */
export function groupFilter(groups: readonly string[]): string[] {
  return groups.flatMap((g) => g.split(',')).filter((g) => g !== '');
}

/** Step 2: is the test excluded by positional names or `-g`? (No output for these in run_tests.sh.) */
function isFiltered(spec: GuestTestSpec, tests: readonly string[], groups: readonly string[]): boolean {
  if (tests.length > 0 && !findWord(spec.name, tests.join(' '))) return true;
  const wanted = groupFilter(groups);
  const have = spec.groups.join(' ');
  return wanted.length > 0 && !wanted.some((g) => findWord(g, have));
}

/** The names positional names and `-g` keep, in cfg order (before any skip decision). */
export function keptTests(
  specs: readonly GuestTestSpec[],
  tests: readonly string[],
  groups: readonly string[],
): string[] {
  return specs.filter((s) => !isFiltered(s, tests, groups)).map((s) => s.name);
}

/** `-l/--list`: the names run_tests.sh prints, one per line, cfg order, honouring only `-g`. */
export function listTests(specs: readonly GuestTestSpec[], groups: readonly string[] = []): string[] {
  return keptTests(specs, [], groups);
}

/** `-l` output text exactly as run_tests.sh prints it. */
export function formatTestList(specs: readonly GuestTestSpec[], groups: readonly string[] = []): string {
  return listTests(specs, groups)
    .map((n) => `${n}\n`)
    .join('');
}

/** `ACCEL =~ ^accel(,|$)` with cfg `accel` as an ERE; an invalid pattern fails the test, as `[[ =~ ]]` does. */
function accelMatches(accelEnv: string, cfgAccel: string): boolean {
  try {
    return new RegExp(`^${cfgAccel}(,|$)`).test(accelEnv);
  } catch {
    return true; // [[ ! x =~ bad ]] is status 2: not "true", so run_tests.sh does not skip.
  }
}

/** Step 9: `check=` (or `CHECK`), each `path=value`; returns the skip reason or undefined. */
async function checkReason(check: string, treeDir: string, fs: SelectFs): Promise<string | undefined> {
  for (const param of check.split(/[ \t\n]+/).filter((p) => p !== '')) {
    const eq = param.indexOf('=');
    const path = eq < 0 ? param : param.slice(0, eq);
    const value = eq < 0 ? param : param.slice(eq + 1);
    const abs = isAbsolute(path) ? path : resolve(treeDir, path);
    const text = (await fs.isFile(abs)) ? await fs.readText(abs) : undefined;
    // $(cat path) drops trailing newlines.
    if (text === undefined || text.replace(/\n+$/, '') !== value) return `${path} not equal to ${value}`;
  }
  return undefined;
}

interface Effective {
  readonly kernel: string;
  readonly machine: string;
  readonly accel: string;
  readonly check: string;
  readonly timeout: string;
}

/** run()'s local variables as `disabled_if` and the eval'd command line see them. */
function runLocals(spec: GuestTestSpec, eff: Effective, o: SelectOptions): Record<string, string> {
  const opt = optionNames(o.target);
  return {
    testname: spec.name,
    groups: spec.groups.join(' '),
    smp: `${opt.nrCpus} ${spec.smp === '' ? '1' : spec.smp}`,
    kernel: eff.kernel,
    test_args: spec.testArgs === '' ? '' : `${opt.args} ${spec.testArgs}`,
    opts: `${opt.defaultOpts(o.env)} ${paramsOf(spec, o.target)}`,
    arch: spec.arch,
    machine: eff.machine,
    check: eff.check,
    accel: eff.accel,
    timeout: eff.timeout,
    disabled_if: spec.disabledIf,
    only_tests: o.tests.length > 0 ? ` ${o.tests.join(' ')}` : '',
    only_group: groupFilter(o.groups).join(','),
    run_all_tests: o.all ? 'yes' : 'no',
  };
}

/**
 * Steps 1–10 of run(): returns `filtered` (no output), `skip` with run_tests.sh's reason, or `run` with the
 * expanded test. Steps 11+ (premature failure, accel availability) are the caller's.
 * Values are expanded NOW (`$(date +%s)` included); a parallel runner uses `decideTest` and expands each
 * test when it starts.
 * @throws VmunitError `CONFIG_INVALID` (with the section's file:line) for a value bash cannot parse or a bad
 *   timeout.
 */
export async function selectTest(
  spec: GuestTestSpec,
  o: SelectOptions,
  ctx: SelectContext,
): Promise<Selection> {
  const decision = await decideTest(spec, o, ctx);
  return decision.kind === 'pending' ? { kind: 'run', test: await decision.expand() } : decision;
}

/**
 * `selectTest` without the expansion: the decision (filtered, skip with its reason, or run) and a
 * `PendingTest` whose `expand()` resolves the values when the test starts.
 * @throws VmunitError `CONFIG_INVALID` for a bad timeout (now) or a value bash cannot parse (from expand).
 */
export async function decideTest(
  spec: GuestTestSpec,
  o: SelectOptions,
  ctx: SelectContext,
): Promise<Decision> {
  const fs = ctx.fs ?? realFs;
  // No `file =` leaves run_tests.sh's kernel empty (not "x86/"): the reason reads `Test file '' not found`.
  let kernel = spec.kernel === '' ? '' : `${o.testDir}/${spec.kernel}`;
  if (o.configEfi) kernel = kernel.replace(/\.flat$/, '.efi');
  if (isFiltered(spec, o.tests, o.groups)) return { kind: 'filtered' };
  const skip = (reason: string): Decision => ({ kind: 'skip', reason });

  if (o.genSeHeader === '' && spec.groups.includes('pv-host')) {
    return skip('no gen-se-header available for pv-host test');
  }
  if (groupFilter(o.groups).length === 0 && spec.groups.includes('nodefault') && !o.all) {
    return skip('test marked as manual run only');
  }
  if (spec.arch !== '' && spec.arch !== o.arch) return skip(`${spec.arch} only`);
  const env = o.env;
  if (spec.machine !== '' && env.machine !== '' && spec.machine !== env.machine)
    return skip(`${spec.machine} only`);
  const machine = env.machine !== '' ? env.machine : spec.machine;
  if (spec.accel !== '' && env.accelRaw !== '' && !accelMatches(env.accelRaw, spec.accel)) {
    return skip(`${spec.accel} only, but ACCEL=${env.accelRaw}`);
  }
  const accel = env.accelRaw !== '' ? env.accelRaw : spec.accel;
  const check = env.check !== '' ? env.check : spec.check;
  const timeout = env.timeout !== '' ? env.timeout : spec.timeout === '' ? DEFAULT_TIMEOUT : spec.timeout;
  const eff: Effective = { kernel, machine, accel, check, timeout };
  const vars: ShellEnv = { ...o.shellVars, ...runLocals(spec, eff, o) };
  const shellOpts = { cwd: ctx.treeDir, position: { file: spec.file, line: spec.line }, ...bashOpt(ctx) };

  if (spec.disabledIf !== '' && (await evalCondition(spec.disabledIf, vars, shellOpts))) {
    return skip(`disabled because: ${spec.disabledIf}`);
  }
  const checkSkip = check === '' ? undefined : await checkReason(check, ctx.treeDir, fs);
  if (checkSkip !== undefined) return skip(checkSkip);
  const kernelPath = resolve(ctx.treeDir, kernel);
  if (kernel === '' || !(await fs.isFile(kernelPath))) return skip(`Test file '${kernel}' not found`);

  const timeoutMs = timeoutToMs(timeout, o.configEfi, spec, env.timeout !== '');
  const { name, props } = splitAccel(accel);
  const expand = async (): Promise<ResolvedGuestTest> => ({
    spec,
    kernelPath,
    kernel,
    ...(await expandCommandLine(spec, o, vars, shellOpts)),
    target: o.target === 'kvmtool' ? 'kvmtool' : 'qemu',
    accel: name,
    accelProps: props,
    accelRequested: accel,
    machine,
    timeoutMs,
    timeoutText: timeout,
  });
  return { kind: 'pending', accelRequested: accel, expand };
}

function bashOpt(ctx: SelectContext): { bash?: string } {
  return ctx.bash === undefined ? {} : { bash: ctx.bash };
}

interface OptionNames {
  readonly nrCpus: string;
  readonly args: string;
  defaultOpts(env: GuestEnv): string;
}

/** vmm.bash's per-target option names (data). */
const OPTION_NAMES: Readonly<Record<'qemu' | 'kvmtool', OptionNames>> = {
  qemu: { nrCpus: '-smp', args: '-append', defaultOpts: () => '' },
  kvmtool: { nrCpus: '--cpus', args: '--params', defaultOpts: (env) => env.kvmtoolDefaultOpts },
};

function optionNames(target: string): OptionNames {
  return target === 'kvmtool' ? OPTION_NAMES.kvmtool : OPTION_NAMES.qemu;
}

function paramsOf(spec: GuestTestSpec, target: string): string {
  return target === 'kvmtool' ? spec.kvmtoolParams : spec.qemuParams;
}

type CommandWords = Pick<ResolvedGuestTest, 'smp' | 'smpArgs' | 'testArgs' | 'qemuParams' | 'vmmArgs'>;

/**
 * Expands `$smp $test_args $opts` as run_tests.sh's eval does, keeping each value's words apart. A value
 * that ends the command line (trailing `# comment`, `;`) drops every later value.
 */
async function expandCommandLine(
  spec: GuestTestSpec,
  o: SelectOptions,
  vars: ShellEnv,
  shellOpts: Parameters<typeof expandValues>[2],
): Promise<CommandWords> {
  const opt = optionNames(o.target);
  const hasArgs = spec.testArgs !== '';
  const raws = [spec.smp === '' ? '1' : spec.smp, hasArgs ? spec.testArgs : '', opt.defaultOpts(o.env)];
  raws.push(paramsOf(spec, o.target));
  const expanded = await expandValues(raws, vars, shellOpts);
  const live: ExpandedValue[] = [];
  for (const value of expanded) {
    live.push(value);
    if (value.swallowsRest) break;
  }
  const [smpV, argsV, defV, paramsV] = live;
  const smpArgs = [...(smpV?.words ?? [])];
  const testArgs = hasArgs ? [...(argsV?.words ?? [])] : [];
  const qemuParams = [...(defV?.words ?? []), ...(paramsV?.words ?? [])];
  const vmmArgs = [opt.nrCpus, ...smpArgs];
  if (hasArgs && argsV !== undefined) vmmArgs.push(opt.args, ...testArgs);
  vmmArgs.push(...qemuParams);
  return { smp: smpCount(smpArgs[0] ?? ''), smpArgs, testArgs, qemuParams, vmmArgs };
}

/** vCPU count from a `-smp` value: `4`, `8,threads=4`, `cpus=2,sockets=1`; 1 when none is given. */
export function smpCount(value: string): number {
  const m = /^(\d+)/.exec(value) ?? /(?:^|,)cpus=(\d+)/.exec(value);
  const n = m?.[1] === undefined ? 1 : Number.parseInt(m[1], 10);
  return n > 0 ? n : 1;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  '': 1000,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** run_tests.sh's timeout for a test whose cfg sets none. */
const DEFAULT_TIMEOUT = '90s';

/**
 * How long a test with no recorded duration may take, for a parallel run's start order: its cfg timeout as
 * written (the default when empty or not a plain duration, since values are expanded only when the test
 * starts); no timeout at all sorts first.
 */
export function timeoutHint(spec: GuestTestSpec): number {
  const ms = parseDuration(spec.timeout) ?? parseDuration(DEFAULT_TIMEOUT) ?? 0;
  return ms === 0 ? Number.MAX_SAFE_INTEGER : ms;
}

/**
 * A timeout(1) duration (`90s`, `30`, `1.5m`, `2h`, `1d`) in ms; 0 = no timeout. `undefined` if invalid.
 */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number.parseFloat(m[1] ?? '0') * (UNIT_MS[m[2] ?? ''] ?? 1000));
}

/** The effective timeout in ms, with x86/arm EFI's +10 s for durations written in seconds (`Ns`). */
function timeoutToMs(text: string, configEfi: boolean, spec: GuestTestSpec, fromEnv: boolean): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    const where = fromEnv ? 'TIMEOUT' : `[${spec.name}] timeout`;
    throw new VmunitError(
      'CONFIG_INVALID',
      `${where} = ${JSON.stringify(text)} is not a timeout(1) duration (e.g. 90s, 30, 1m)`,
      fromEnv ? {} : { position: { file: spec.file, line: spec.line } },
    );
  }
  if (ms === 0) return 0;
  return configEfi && /^\d+s$/.test(text) ? ms + 10_000 : ms;
}

/**
 * The line run_tests.sh `-v` prints before running a test (`echo $cmdline`: raw, unexpanded values,
 * whitespace collapsed), e.g. `TESTNAME=setjmp TIMEOUT=90s MACHINE= ACCEL= ./x86/run x86/setjmp.flat -smp 1`.
 * `runScript` is `./$TEST_SUBDIR/run`; `defaultOpts` is KVMTOOL_DEFAULT_OPTS for kvmtool ('' for QEMU).
 */
export function verboseCommandLine(test: ResolvedGuestTest, runScript: string, defaultOpts = ''): string {
  const s = test.spec;
  const opt = optionNames(test.target);
  const parts = [
    `TESTNAME=${s.name}`,
    `TIMEOUT=${test.timeoutText}`,
    `MACHINE=${test.machine}`,
    `ACCEL=${test.accelRequested}`,
    runScript,
    test.kernel,
    `${opt.nrCpus} ${s.smp === '' ? '1' : s.smp}`,
    s.testArgs === '' ? '' : `${opt.args} ${s.testArgs}`,
    defaultOpts,
    test.target === 'kvmtool' ? s.kvmtoolParams : s.qemuParams,
  ];
  if (s.groups.includes('migration')) parts.unshift('MIGRATION=yes');
  if (s.groups.includes('panic')) parts.unshift('PANIC=yes');
  return parts
    .join(' ')
    .split(/[ \t\n]+/)
    .filter((w) => w !== '')
    .join(' ');
}
