/**
 * How one test's QEMU is run, by cfg group, as kvm-unit-tests' run scripts choose `run_migration`,
 * `run_panic` or a plain run: migration and panic tests talk to QEMU over QMP (migration.ts, panic.ts);
 * every other test is one supervised QEMU whose stderr is watched for a dead guest (dead-guest.ts), which
 * ends the test at once unless `--wait-timeouts` asks for run_tests.sh's wait.
 */

import { type DeadGuest, DeadGuestWatcher, DUMP_SETTLE_MS } from './dead-guest.js';
import { runMigration } from './migration.js';
import { runPanic } from './panic.js';
import { type HarnessEnd, launchOptions, type QemuLaunch } from './qmp/instance.js';
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

export function launchTest(launch: QemuLaunch, kind: HarnessKind, waitTimeouts: boolean): Promise<LaunchEnd> {
  if (kind === 'migration') return runMigration(launch);
  if (kind === 'panic') return runPanic(launch);
  return runPlain(launch, waitTimeouts);
}

async function runPlain(launch: QemuLaunch, waitTimeouts: boolean): Promise<LaunchEnd> {
  const watcher = new DeadGuestWatcher();
  const stop = new AbortController();
  let settle: NodeJS.Timeout | undefined;
  const end = await supervise({
    ...launchOptions(launch, launch.argv, stop.signal),
    onLine: (stream, line) => {
      launch.onLine(stream, line);
      if (stream !== 'stderr' || waitTimeouts) return;
      const wasSeen = watcher.seen;
      if (watcher.push(line)) stop.abort();
      else if (!wasSeen && watcher.seen) settle = setTimeout(() => stop.abort(), DUMP_SETTLE_MS);
    },
  });
  clearTimeout(settle);
  const dead = stop.signal.aborted && !end.timedOut ? watcher.result() : undefined;
  return { ...end, aborted: launch.signal?.aborted ?? false, ...(dead ? { dead } : {}) };
}
