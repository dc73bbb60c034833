/**
 * One test from resolved spec to verdict: build argv, start QEMU, stream its output into events and the
 * log, decode the exit status, classify start-up failures, emit the result.
 */

import type { FailureDetail, RunEvent, TestDirective, TestResultEvent, TestStatus } from '../events/types.js';
import { KtapParser } from '../ktap/parser.js';
import type { ResolvedGuestTest } from './cfg/spec.js';
import { dumpDeviceTree, type EfiCase, efiArgs, efiPlatform, efiStatus, efiTakesInitrd } from './efi.js';
import {
  classifyStartupFailure,
  type DecodedExit,
  decodeExit,
  QEMU_ABORTED,
  type Verdict,
} from './exit-code.js';
import { GuestOutputAdapter, type KtapSinkFactory } from './guest-output.js';
import { harnessKind, type LaunchEnd, launchTest } from './launch.js';
import { logFileName, type TestLog } from './logs.js';
import { resultText } from './progress.js';
import type { GuestArchProfile } from './qemu/arch/types.js';
import { buildFixedArgs, buildQemuArgv, formatCommandLine, type QemuPlatform } from './qemu/args.js';
import type { QemuLaunch } from './qmp/instance.js';
import { PrettyStacks, StackResolver } from './stack.js';
import type { ChildLike, SpawnFn } from './supervise.js';

const ABORTED_LINE = 'QEMU Aborted';

/** Keep at most this many stderr lines for decoding (the oldest are dropped). */
const STDERR_KEEP = 2000;

/** QEMU's status after abort() (128 + SIGABRT), which upstream announces as `QEMU Aborted`. */

export interface TestOutcome {
  readonly verdict: Verdict;
  /** run_tests.sh's text after the name: `(reason)`, `(summary)` or ''. */
  readonly text: string;
  readonly reason: string;
  readonly durationMs: number;
  readonly status: number;
}

export interface RunOneInput {
  readonly test: ResolvedGuestTest;
  readonly id: string;
  readonly depth: number;
  readonly profile: GuestArchProfile;
  readonly platform: QemuPlatform;
  readonly initrd: string | undefined;
  readonly cwd: string;
  readonly graceMs: number;
  readonly log: TestLog | undefined;
  readonly emit: (event: RunEvent) => void;
  readonly signal?: AbortSignal;
  readonly spawn?: SpawnFn;
  readonly live?: Set<ChildLike>;
  readonly ktap?: KtapSinkFactory;
  readonly maxLineBytes?: number;
  /** Keep run_tests.sh's wait until the timeout when the guest is dead (KVM internal error). */
  readonly waitTimeouts?: boolean;
  /** PRETTY_PRINT_STACKS=yes: resolve `STACK:` lines with this addr2line (config.mak ADDR2LINE). */
  readonly addr2line?: string;
  /** CONFIG_EFI=y: boot the test's `.efi` through OVMF instead of `-kernel`. */
  readonly efi?: EfiCase | undefined;
}

/** Guests that print KTAP are parsed by the KTAP core, nested under their test. */
export const defaultKtapSink: KtapSinkFactory = (o) =>
  new KtapParser({ idPrefix: o.idPrefix, parentId: o.parentId, depth: o.parentDepth });

/** The argv a test runs with. */
export function testArgv(input: Pick<RunOneInput, 'test' | 'platform' | 'initrd' | 'efi'>): string[] {
  if (input.efi) {
    const platform = efiPlatform(input.platform, input.efi);
    const argv = [platform.qemu, ...buildFixedArgs(platform), ...efiArgs(input.efi, input.test.kernel)];
    if (input.initrd !== undefined && efiTakesInitrd(input.efi)) argv.push('-initrd', input.initrd);
    return argv;
  }
  return buildQemuArgv(input.platform, {
    kernel: input.test.kernel,
    vmmArgs: input.test.vmmArgs,
    ...(input.initrd === undefined ? {} : { initrd: input.initrd }),
  });
}

/** Runs the test and emits its `test:result` (the caller emitted `test:start`). */
export async function runOneTest(input: RunOneInput): Promise<TestOutcome> {
  const argv = testArgv(input);
  const stacks = prettyStacks(input);
  const logLine = (line: string): void => (stacks ? stacks.line(line) : input.log?.line(line));
  const adapter = new GuestOutputAdapter({
    testId: input.id,
    depth: input.depth,
    now: () => Date.now(),
    ktap: input.ktap ?? defaultKtapSink,
  });
  const stderr: string[] = [];
  const output: string[] = [];
  let stdoutLines = 0;
  const launch = launchFor(input, argv, logLine, (stream, line) => {
    logLine(line);
    if (stream === 'stdout') {
      stdoutLines++;
      for (const e of adapter.push(line)) input.emit(e);
    } else {
      stderr.push(line);
      if (stderr.length > STDERR_KEEP) stderr.shift();
      input.emit({ type: 'test:log', id: input.id, line, stream: 'stderr' });
    }
    if (stdoutLines === 0 && output.length < STDERR_KEEP) output.push(line);
  });
  if (input.efi)
    await dumpDeviceTree(input.efi, input.platform, { ...launch, onLine: (_s, l) => logLine(l) });
  input.log?.line(formatCommandLine(argv));
  const end = await launchTest(launch, harnessKind(input.test.spec.groups), input.waitTimeouts ?? false);
  for (const e of adapter.end()) input.emit(e);
  if (end.spawnError) stderr.push(`vmunit: cannot start ${argv[0] ?? ''}: ${end.spawnError.message}`);
  const decoded = decodeExit({
    end,
    channel: input.efi ? efiStatus(input.efi, input.profile.status) : input.profile.status,
    stderr,
    ...(adapter.exitLineStatus === undefined ? {} : { exitLineStatus: adapter.exitLineStatus }),
    timeoutText: input.test.timeoutText,
  });
  if (decoded.status === QEMU_ABORTED && !end.timedOut) {
    // run_qemu's line: in the log, and the last output line a premature-failure SKIP quotes.
    logLine(ABORTED_LINE);
    output.push(ABORTED_LINE);
  }
  const premature = end.timedOut
    ? undefined
    : classifyStartupFailure({
        stdoutLines,
        output,
        stderr,
        kernel: input.test.kernel,
        status: decoded.status,
      });
  const { verdict, reason } = judge(decoded, end, premature);
  const summary = adapter.summary;
  const text = resultText(reason, summary);
  logLine('');
  await stacks?.flush();
  const failures: FailureDetail[] = adapter.failedChecks.map((message) => ({ message }));
  if (verdict === 'FAIL') for (const stack of stacks?.resolved ?? []) failures.push({ message: stack });
  if (end.dead !== undefined) failures.push({ message: `${end.dead.reason}\n${end.dead.dump}` });
  if (verdict === 'FAIL' && failures.length === 0) {
    failures.push({
      message: reason ?? (decoded.aborted ? 'guest aborted' : `exit status ${decoded.status}`),
    });
  }
  const status = premature !== undefined ? 77 : decoded.status;
  input.emit({ type: 'test:attr', id: input.id, key: 'exit_status', value: String(status) });
  // Ended before its timeout: what a comparison with run_tests.sh (which waits) needs to tell apart.
  if (end.dead !== undefined)
    input.emit({ type: 'test:attr', id: input.id, key: 'dead_guest', value: end.dead.via });
  const result = {
    ...resultEvent(input.id, input.test.spec.name, verdict, reason ?? summary, end, failures),
    resultText: text,
  };
  input.emit(input.log === undefined ? result : { ...result, log: logFileName(input.test.spec.name) });
  return {
    verdict,
    text,
    reason: reason ?? summary,
    durationMs: end.durationMs,
    status,
  };
}

/** The log with `STACK:` lines resolved (PRETTY_PRINT_STACKS=yes), or undefined for the plain log. */
function prettyStacks(input: RunOneInput): PrettyStacks | undefined {
  if (input.addr2line === undefined) return undefined;
  const resolver = new StackResolver(input.cwd, input.test.kernel, input.addr2line);
  return new PrettyStacks(resolver, (l) => input.log?.line(l));
}

function launchFor(
  input: RunOneInput,
  argv: readonly string[],
  note: (line: string) => void,
  onLine: QemuLaunch['onLine'],
): QemuLaunch {
  return {
    argv,
    cwd: input.cwd,
    timeoutMs: input.test.timeoutMs,
    graceMs: input.graceMs,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.spawn ? { spawn: input.spawn } : {}),
    ...(input.live ? { live: input.live } : {}),
    maxLineBytes: input.maxLineBytes ?? 64 * 1024,
    note,
    onLine,
  };
}

/** A start-up failure is SKIP; a dead guest is FAIL with its own reason; else the decoded status decides. */
function judge(
  decoded: DecodedExit,
  end: LaunchEnd,
  premature: string | undefined,
): { verdict: Verdict; reason: string | undefined } {
  if (premature !== undefined) return { verdict: 'SKIP', reason: premature };
  if (end.dead !== undefined) return { verdict: 'FAIL', reason: end.dead.reason };
  return { verdict: decoded.verdict, reason: decoded.reason ?? end.reason };
}

function resultEvent(
  id: string,
  name: string,
  verdict: Verdict,
  reason: string,
  end: { timedOut: boolean; durationMs: number },
  failures: FailureDetail[],
): TestResultEvent {
  const statusMap: Record<Verdict, TestStatus> = { PASS: 'SUCCESS', FAIL: 'FAILURE', SKIP: 'SKIPPED' };
  let directive: TestDirective | undefined;
  if (verdict === 'SKIP') directive = { kind: 'SKIP', reason };
  else if (end.timedOut) directive = { kind: 'TIMEOUT', reason };
  return {
    type: 'test:result',
    id,
    name,
    status: statusMap[verdict],
    ...(directive ? { directive } : {}),
    durationMs: Math.round(end.durationMs),
    ...(reason !== '' ? { reason } : {}),
    ...(verdict === 'FAIL' ? { failures } : {}),
    time: Date.now(),
  };
}
