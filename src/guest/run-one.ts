/**
 * One test from resolved spec to verdict: build argv, start QEMU, stream its output into events and the
 * log, decode the exit status, classify start-up failures, emit the result.
 */

import type { FailureDetail, RunEvent, TestDirective, TestStatus } from '../events/types.js';
import { KtapParser } from '../ktap/parser.js';
import type { ResolvedGuestTest } from './cfg/spec.js';
import { classifyStartupFailure, decodeExit, type Verdict } from './exit-code.js';
import { GuestOutputAdapter, type KtapSinkFactory } from './guest-output.js';
import type { TestLog } from './logs.js';
import type { GuestArchProfile } from './qemu/arch/types.js';
import { buildQemuArgv, formatCommandLine, type QemuPlatform } from './qemu/args.js';
import { type ChildLike, type SpawnFn, supervise } from './supervise.js';

/** Keep at most this many stderr lines for decoding (the oldest are dropped). */
const STDERR_KEEP = 2000;

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
}

/** Guests that print KTAP are parsed by the KTAP core, nested under their test. */
export const defaultKtapSink: KtapSinkFactory = (o) =>
  new KtapParser({ idPrefix: o.idPrefix, parentId: o.parentId, depth: o.parentDepth });

/** The argv a test runs with. */
export function testArgv(input: Pick<RunOneInput, 'test' | 'platform' | 'initrd'>): string[] {
  return buildQemuArgv(input.platform, {
    kernel: input.test.kernel,
    vmmArgs: input.test.vmmArgs,
    ...(input.initrd === undefined ? {} : { initrd: input.initrd }),
  });
}

/** Runs the test and emits its `test:result` (the caller emitted `test:start`). */
export async function runOneTest(input: RunOneInput): Promise<TestOutcome> {
  const argv = testArgv(input);
  input.log?.line(formatCommandLine(argv));
  const adapter = new GuestOutputAdapter({
    testId: input.id,
    depth: input.depth,
    now: () => Date.now(),
    ktap: input.ktap ?? defaultKtapSink,
  });
  const stderr: string[] = [];
  const output: string[] = [];
  let stdoutLines = 0;
  const end = await supervise({
    argv,
    cwd: input.cwd,
    timeoutMs: input.test.timeoutMs,
    graceMs: input.graceMs,
    ...(input.signal ? { signal: input.signal } : {}),
    ...(input.spawn ? { spawn: input.spawn } : {}),
    ...(input.live ? { live: input.live } : {}),
    maxLineBytes: input.maxLineBytes ?? 64 * 1024,
    onLine: (stream, line) => {
      input.log?.line(line);
      if (stream === 'stdout') {
        stdoutLines++;
        for (const e of adapter.push(line)) input.emit(e);
      } else {
        stderr.push(line);
        if (stderr.length > STDERR_KEEP) stderr.shift();
        input.emit({ type: 'test:log', id: input.id, line, stream: 'stderr' });
      }
      if (stdoutLines === 0 && output.length < STDERR_KEEP) output.push(line);
    },
  });
  for (const e of adapter.end()) input.emit(e);
  if (end.spawnError) stderr.push(`vmunit: cannot start ${argv[0] ?? ''}: ${end.spawnError.message}`);
  const decoded = decodeExit({
    end,
    channel: input.profile.status,
    stderr,
    ...(adapter.exitLineStatus === undefined ? {} : { exitLineStatus: adapter.exitLineStatus }),
    timeoutText: input.test.timeoutText,
  });
  const premature = end.timedOut
    ? undefined
    : classifyStartupFailure({
        stdoutLines,
        output,
        stderr,
        kernel: input.test.kernel,
        status: decoded.status,
      });
  let verdict = decoded.verdict;
  let reason = decoded.reason;
  if (premature !== undefined) {
    verdict = 'SKIP';
    reason = premature;
  }
  const summary = adapter.summary;
  const text = reason !== undefined ? `(${reason})` : summary;
  input.log?.line('');
  const failures: FailureDetail[] = adapter.failedChecks.map((message) => ({ message }));
  if (verdict === 'FAIL' && failures.length === 0) {
    failures.push({
      message: reason ?? (decoded.aborted ? 'guest aborted' : `exit status ${decoded.status}`),
    });
  }
  const status = premature !== undefined ? 77 : decoded.status;
  input.emit({ type: 'test:attr', id: input.id, key: 'exit_status', value: String(status) });
  input.emit(resultEvent(input.id, input.test.spec.name, verdict, reason ?? summary, end, failures));
  return {
    verdict,
    text,
    reason: reason ?? summary,
    durationMs: end.durationMs,
    status,
  };
}

function resultEvent(
  id: string,
  name: string,
  verdict: Verdict,
  reason: string,
  end: { timedOut: boolean; durationMs: number },
  failures: FailureDetail[],
): RunEvent {
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
