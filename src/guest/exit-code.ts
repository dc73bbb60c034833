/**
 * The kvm-unit-tests exit-status algebra, as one pure function.
 *
 * A guest calls `exit(code)`; the status the host sees is `(code << 1) | 1` — x86's isa-debug-exit shifts
 * in QEMU, arm's chr-testdev does the same, and ppc64/s390x/riscv64 print `EXIT: STATUS=<shifted>` before
 * powering off. Guest statuses are therefore odd, so the harness's own codes (0, 124, 77 from a skip) do
 * not collide with them except on purpose (`report_summary()` returns 38 = 77 >> 1 when everything
 * skipped).
 *
 * Step 1 — raw status. Killed by signal N → 128 + N. Killed by vmunit's timeout → 124, or 137 when the
 * SIGTERM was ignored and SIGKILL followed (timeout(1) semantics).
 *
 * Step 2 — QEMU fix-up (`qemu_fixup_return_code`), only when vmunit did not time the run out:
 *
 * | raw | stderr                                   | fixed |
 * |-----|------------------------------------------|-------|
 * | 0   | has `terminating on signal N`            | 128+N |
 * | 0   | otherwise (QEMU quit without debug-exit) | 1     |
 * | 1   | empty, or every line contains "warning"  | 0     |
 * | 1   | any line without "warning"               | 1     |
 * | any other                                      | unchanged |
 *
 * Upstream joins stderr into one line first, so one "warning" anywhere hides real errors; vmunit applies
 * the warning rule per line (the documented intent).
 *
 * Step 3 — `EXIT: STATUS=` (exit-line arches only, and only when the fixed status is 1): the FIRST such
 * line's number; `STATUS=1` → 0; no line → stays 1.
 *
 * Step 4 — verdict:
 *
 * | status | verdict | reason                          |
 * |--------|---------|---------------------------------|
 * | 0      | PASS    | guest summary                   |
 * | 77     | SKIP    | guest summary                   |
 * | 124    | FAIL    | `timeout; duration=<as written>`|
 * | > 127  | FAIL    | `terminated on SIG<name>`       |
 * | 127    | FAIL    | guest summary (guest `abort()`) |
 * | other  | FAIL    | guest summary                   |
 */

import type { StatusChannel } from './qemu/arch/types.js';

/** How the QEMU process ended, as observed by the supervisor. */
export interface ProcessEnd {
  /** Exit code, or null when killed by a signal. */
  readonly code: number | null;
  /** Signal name (`SIGSEGV`) when killed by a signal. */
  readonly signal: string | null;
  /** vmunit's timeout fired. */
  readonly timedOut: boolean;
  /** The timeout escalated to SIGKILL (QEMU ignored SIGTERM for the grace period). */
  readonly killed: boolean;
}

export interface DecodeInput {
  readonly end: ProcessEnd;
  readonly channel: StatusChannel;
  /** QEMU's stderr, line by line. */
  readonly stderr: readonly string[];
  /** The value of the first `EXIT: STATUS=<n>` line on the guest console, if any. */
  readonly exitLineStatus?: number;
  /** The test's timeout as written in the cfg or TIMEOUT (`90s`). */
  readonly timeoutText: string;
}

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface DecodedExit {
  /** The status run_tests.sh's `run()` would have seen. */
  readonly status: number;
  readonly verdict: Verdict;
  /** A harness reason (timeout, signal); undefined means "use the guest's SUMMARY text". */
  readonly reason: string | undefined;
  /** status 127: the guest called abort(). */
  readonly aborted: boolean;
}

/** Linux signal numbers → names as bash's `kill -l` prints them. */
const SIGNAL_NAMES: readonly string[] = [
  '',
  'HUP',
  'INT',
  'QUIT',
  'ILL',
  'TRAP',
  'ABRT',
  'BUS',
  'FPE',
  'KILL',
  'USR1',
  'SEGV',
  'USR2',
  'PIPE',
  'ALRM',
  'TERM',
  'STKFLT',
  'CHLD',
  'CONT',
  'STOP',
  'TSTP',
  'TTIN',
  'TTOU',
  'URG',
  'XCPU',
  'XFSZ',
  'VTALRM',
  'PROF',
  'WINCH',
  'IO',
  'PWR',
  'SYS',
];

/** `kill -l N` for Linux: `TERM`, `RTMIN+3`… */
export function signalName(n: number): string {
  const known = SIGNAL_NAMES[n];
  if (known !== undefined && known !== '') return known;
  if (n >= 34 && n <= 64)
    return n <= 49 ? (n === 34 ? 'RTMIN' : `RTMIN+${n - 34}`) : n === 64 ? 'RTMAX' : `RTMAX-${64 - n}`;
  return String(n);
}

/** Signal name (`SIGTERM`) → number, for statuses of processes killed by a signal. */
export function signalNumber(name: string): number {
  const bare = name.startsWith('SIG') ? name.slice(3) : name;
  const i = SIGNAL_NAMES.indexOf(bare === 'IOT' ? 'ABRT' : bare === 'POLL' ? 'IO' : bare);
  return Math.max(i, 0);
}

function rawStatus(end: ProcessEnd): number {
  if (end.timedOut) return end.killed ? 128 + 9 : 124;
  if (end.signal !== null) return 128 + signalNumber(end.signal);
  return end.code ?? 1;
}

const TERMINATING = /terminating on signal (\d+)/;

/** Step 2: `qemu_fixup_return_code` with the per-line warning rule. */
export function fixupQemuStatus(status: number, stderr: readonly string[]): number {
  let signal: number | undefined;
  for (const line of stderr) {
    const m = TERMINATING.exec(line);
    if (m?.[1] !== undefined) signal = Number(m[1]);
  }
  if (status === 0) return signal !== undefined ? 128 + signal : 1;
  if (status === 1) {
    const real = stderr.some((l) => l !== '' && !/warning/i.test(l));
    return real ? 1 : 0;
  }
  return status;
}

/** Decodes one QEMU run into run_tests.sh's status and verdict. See the tables above. */
export function decodeExit(input: DecodeInput): DecodedExit {
  let status = rawStatus(input.end);
  if (!input.end.timedOut) status = fixupQemuStatus(status, input.stderr);
  if (input.channel === 'exit-line' && status === 1 && input.exitLineStatus !== undefined) {
    status = input.exitLineStatus === 1 ? 0 : input.exitLineStatus;
  }
  return verdictFor(status, input.timeoutText);
}

/** Step 4 alone: a run_tests.sh status → verdict and harness reason. */
export function verdictFor(status: number, timeoutText: string): DecodedExit {
  if (status === 0) return { status, verdict: 'PASS', reason: undefined, aborted: false };
  if (status === 77) return { status, verdict: 'SKIP', reason: undefined, aborted: false };
  if (status === 124) {
    return { status, verdict: 'FAIL', reason: `timeout; duration=${timeoutText}`, aborted: false };
  }
  if (status > 127) {
    return {
      status,
      verdict: 'FAIL',
      reason: `terminated on SIG${signalName(status - 128)}`,
      aborted: false,
    };
  }
  return { status, verdict: 'FAIL', reason: undefined, aborted: status === 127 };
}

/** Parses `EXIT: STATUS=<n>` the way `run_test_status` does (digits after the first `STATUS=`). */
export function parseExitLine(line: string): number | undefined {
  if (!line.startsWith('EXIT: ')) return undefined;
  const m = /STATUS=(\d+)/.exec(line);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** QEMU messages that mean "QEMU got as far as loading the kernel" (`qemu_parse_premature_failure`). */
const KERNEL_LOAD_ERRORS = /[Cc]ould not (load|open) kernel|error loading|failed to load/;

export interface StartupInput {
  /** Guest console lines seen before QEMU ended. */
  readonly stdoutLines: number;
  /** stdout and stderr lines in arrival order. */
  readonly output: readonly string[];
  readonly stderr: readonly string[];
  readonly kernel: string;
  readonly status: number;
}

/**
 * Upstream runs every test a second time with a non-existent kernel to detect QEMU configuration errors
 * (bad `-cpu`, missing device, too many vCPUs) and reports them as SKIP with QEMU's last output line.
 * vmunit classifies the real run instead: QEMU failed (status 1 after fix-up), the guest printed nothing,
 * and no error is about loading the kernel. Returns the SKIP reason, or undefined when the run was real.
 */
export function classifyStartupFailure(input: StartupInput): string | undefined {
  // 134: QEMU aborted (an assertion while setting up the vCPU) before the guest printed anything.
  if ((input.status !== 1 && input.status !== 134) || input.stdoutLines > 0) return undefined;
  if (!input.stderr.some((l) => l.trim() !== '')) return undefined;
  const loadError = input.output.some((l) => l.includes(input.kernel) && KERNEL_LOAD_ERRORS.test(l));
  if (loadError) return undefined;
  const nonEmpty = input.output.filter((l) => l !== '');
  return nonEmpty[nonEmpty.length - 1] ?? '';
}
