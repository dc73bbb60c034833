/**
 * How one test's QEMU is run, by cfg group, as kvm-unit-tests' run scripts choose `run_migration`,
 * `run_panic` or a plain run: migration and panic tests talk to QEMU over QMP (migration.ts, panic.ts);
 * every other test is one supervised QEMU whose stderr (dead-guest.ts) and run state (qmp/run-state.ts) are
 * watched for a dead guest, which ends the test at once unless `--wait-timeouts` asks for run_tests.sh's wait.
 * The run-state watch talks to QEMU only once the test outlives QMP_WATCH_DELAY_MS: most tests end before,
 * and the handshake is most of what the watch costs.
 */

import { type DeadGuest, DeadGuestWatcher, DUMP_SETTLE_MS } from './dead-guest.js';
import type { QmpClient } from './qmp/client.js';
import {
  type HarnessEnd,
  launchOptions,
  monitorOf,
  type QemuLaunch,
  qmpMonitorArgs,
} from './qmp/instance.js';
import { keepsShutDownVm, RunStateWatch, type StoppedGuest } from './qmp/run-state.js';
import { supervise } from './supervise.js';

export interface LaunchEnd extends HarnessEnd {
  /** Set when the guest died (KVM internal error) and the test was ended early. */
  readonly dead?: DeadGuest;
}

/** The cfg groups that change how QEMU is run, and which harness runs them (first match wins, as upstream). */
export type HarnessKind = 'panic' | 'migration' | 'plain';

export function harnessKind(groups: readonly string[]): HarnessKind {
  // s390x/run puts panic_cmd before migration_cmd, so a test in both groups runs under run_panic.
  if (groups.includes('panic')) return 'panic';
  if (groups.includes('migration')) return 'migration';
  return 'plain';
}

/** The migration and panic harnesses load with their first test: most runs start QEMU without them. */
export async function launchTest(
  launch: QemuLaunch,
  kind: HarnessKind,
  waitTimeouts: boolean,
): Promise<LaunchEnd> {
  if (kind === 'migration') return (await import('./migration.js')).runMigration(launch);
  if (kind === 'panic') return (await import('./panic.js')).runPanic(launch);
  return runPlain(launch, waitTimeouts);
}

async function runPlain(launch: QemuLaunch, waitTimeouts: boolean): Promise<LaunchEnd> {
  if (waitTimeouts) {
    // run_tests.sh's command line exactly, and its wait: no monitor, nothing ends the test early.
    const end = await supervise({
      ...launchOptions(launch, launch.argv, new AbortController().signal),
      onLine: launch.onLine,
    });
    return { ...end, aborted: launch.signal?.aborted ?? false };
  }
  return runWatched(launch);
}

/**
 * The run-state watch starts once the test has run this long; a VM that stopped before is still seen, as
 * the watch asks query-status first. What it waits for: KVM's internal error (on QEMU's stderr at once too),
 * a panic under `-action panic=pause`, and a shut-down VM kept by `-no-shutdown` (watched from the start).
 */
export const QMP_WATCH_DELAY_MS = 1000;

/**
 * A plain run with two ways to see a dead guest: QEMU's stderr (KVM internal error and its dump) and the
 * run state over QMP (internal-error, guest-panicked, shutdown). The monitor is harness plumbing: the
 * test's log keeps the command line without it, which is the one to paste.
 */
async function runWatched(launch: QemuLaunch): Promise<LaunchEnd> {
  const watcher = new DeadGuestWatcher();
  const stop = new AbortController();
  let settle: NodeJS.Timeout | undefined;
  let exited = false;
  let stopped: StoppedGuest | undefined;
  const states = new RunStateWatch(
    () => !exited,
    (s) => {
      stopped = s;
      // A KVM internal error's stderr dump says more than `info registers`: let it finish (or settle).
      if (!watcher.seen) stop.abort();
    },
  );
  // A kept shut-down VM's reason (`guest-reset`) is only in its SHUTDOWN event: watch such a QEMU from the
  // start, so the event is not missed.
  const delayMs = keepsShutDownVm(launch.argv) ? 0 : QMP_WATCH_DELAY_MS;
  let lazy: NodeJS.Timeout | undefined;
  let qmp: QmpClient | undefined;
  const argv = [...launch.argv, ...qmpMonitorArgs()];
  const end = await supervise({
    ...launchOptions(launch, argv, stop.signal),
    monitor: true,
    onSpawn: (child) => {
      qmp = monitorOf(child, argv, "the test QEMU's monitor");
      const watch = qmp;
      if (watch === undefined) return;
      if (delayMs === 0) states.start(watch);
      else lazy = setTimeout(() => states.start(watch), delayMs);
    },
    onLine: (stream, line) => {
      launch.onLine(stream, line);
      if (stream !== 'stderr') return;
      const wasSeen = watcher.seen;
      if (watcher.push(line)) stop.abort();
      else if (!wasSeen && watcher.seen) settle = setTimeout(() => stop.abort(), DUMP_SETTLE_MS);
    },
  });
  exited = true;
  clearTimeout(lazy);
  states.close();
  qmp?.close();
  clearTimeout(settle);
  const dead = stop.signal.aborted && !end.timedOut ? (watcher.result() ?? fromRunState(stopped)) : undefined;
  return { ...end, aborted: launch.signal?.aborted ?? false, ...(dead ? { dead } : {}) };
}

function fromRunState(stopped: StoppedGuest | undefined): DeadGuest | undefined {
  if (stopped === undefined) return undefined;
  return {
    reason: stopped.reason,
    dump: stopped.registers ?? '(the monitor gave no register dump)',
    via: 'qmp',
  };
}
