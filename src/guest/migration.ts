/**
 * Migration tests (cfg `groups = migration`) as kvm-unit-tests' `run_migration` runs them, over vmunit's
 * own QMP client instead of ncat:
 *
 * - the source QEMU starts with a QMP monitor; a destination with `-incoming unix:<socket>` is started before
 *   the first request and after each later one;
 * - the guest asks on its console (`Now migrate the VM…`, `Begin/End continuous migration`, `Skipped VM
 *   migration`; lines marked `(quiet)` are hidden from the log), then waits for a key;
 * - vmunit sends `migrate`, polls `query-migrate` until `completed`, quits the source and presses the key
 *   on the destination, which becomes the next source;
 * - the test's status is the last QEMU's, or run_migration's own 2/3 with its `ERROR:` line on stderr.
 *
 * Unlike run_migration, a migration QEMU refuses (a blocker, a bad URI) fails at once with QMP's error text
 * as the reason instead of polling until the timeout. Waits are event-driven, not 0.1 s polls. Every QEMU,
 * socket and temporary folder is gone when this returns, also after a timeout or an abort.
 */

import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type QmpClient, QmpCommandError } from './qmp/client.js';
import {
  type HarnessEnd,
  harnessStatus,
  inTempDir,
  QemuInstance,
  type QemuLaunch,
  QMP_REPLY_MS,
} from './qmp/instance.js';

/** The guest's requests (lib/migrate.c); run_migration matches them as substrings of console lines. */
const MARKERS = {
  migrate: 'Now migrate the VM',
  begin: 'Begin continuous migration',
  end: 'End continuous migration',
  skip: 'Skipped VM migration',
} as const;
type Marker = keyof typeof MARKERS;

/** Console lines run_migration's filter_quiet_msgs removes from what the user sees. */
const QUIET = [
  'Now migrate the VM (quiet)',
  'Begin continuous migration (quiet)',
  'End continuous migration (quiet)',
  'Skipped VM migration (quiet)',
];

const POLL_MS = 100;

/** Wakes every waiter when something happened (a marker line, a QEMU exit). */
class Changes {
  #wake: (() => void) | undefined;
  #next: Promise<void> | undefined;

  notify(): void {
    this.#wake?.();
    this.#wake = undefined;
    this.#next = undefined;
  }

  next(): Promise<void> {
    this.#next ??= new Promise((r) => {
      this.#wake = r;
    });
    return this.#next;
  }
}

class Vm {
  readonly qemu: QemuInstance;
  readonly seen = new Set<Marker>();

  constructor(launch: QemuLaunch, extra: readonly string[], role: string, changes: Changes) {
    this.qemu = new QemuInstance(
      launch,
      extra,
      role,
      (line) => {
        for (const [k, text] of Object.entries(MARKERS) as [Marker, string][]) {
          if (line.includes(text) && !this.seen.has(k)) {
            this.seen.add(k);
            changes.notify();
          }
        }
        return !QUIET.some((q) => line.includes(q));
      },
      () => changes.notify(),
    );
  }
}

class HarnessError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

async function isSocket(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isSocket(),
    () => false,
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Migration {
  readonly #launch: QemuLaunch;
  readonly #changes = new Changes();
  readonly #vms: Vm[] = [];
  readonly #incoming: string;
  #live: Vm;
  #skipped = false;
  #continuous = false;

  constructor(launch: QemuLaunch, dir: string) {
    this.#launch = launch;
    this.#incoming = join(dir, 'incoming.sock');
    this.#live = this.#start([], 'source');
  }

  #start(extra: readonly string[], role: string): Vm {
    const vm = new Vm(this.#launch, extra, role, this.#changes);
    this.#vms.push(vm);
    return vm;
  }

  #requested(vm: Vm): boolean {
    return vm.seen.has('migrate') || vm.seen.has('begin') || (!this.#skipped && vm.seen.has('skip'));
  }

  /** Waits for a condition; an abort ends the test like run_migration's INT/TERM trap (status 2). */
  async #until(done: () => boolean | Promise<boolean>): Promise<void> {
    for (;;) {
      if (this.#launch.signal?.aborted) throw new HarnessError(2, 'interrupted');
      if (await done()) return;
      await Promise.race([this.#changes.next(), sleep(POLL_MS)]);
    }
  }

  #error(status: number, message: string, reason?: string): HarnessError {
    this.#launch.onLine('stderr', `ERROR: ${message}`);
    return new HarnessError(status, message, reason);
  }

  /** run_migration's main loop; resolves with the status-bearing end of the last QEMU. */
  async run(): Promise<HarnessEnd> {
    await this.#migrate();
    for (;;) {
      const live = this.#live;
      if (live.qemu.exited) break;
      if (this.#continuous || live.seen.has('begin') || live.seen.has('migrate')) await this.#migrate();
      else if (!this.#skipped && live.seen.has('skip')) {
        live.qemu.pressKey();
        break;
      } else await Promise.race([this.#changes.next(), live.qemu.end]);
    }
    return this.#live.qemu.end;
  }

  /** One `do_migration`: start a destination, wait for the request, migrate, hand over the console. */
  async #migrate(): Promise<void> {
    const src = this.#live;
    const dst = this.#start(['-incoming', `unix:${this.#incoming}`], 'destination');
    try {
      if (!this.#continuous) await this.#until(() => this.#requested(src) || src.qemu.exited);
      if (!this.#continuous && !this.#requested(src)) {
        throw this.#error(3, 'Test exit before migration point.');
      }
      if (src.seen.has('begin')) {
        if (this.#continuous) throw this.#error(3, 'Continuous migration already begun.');
        this.#continuous = true;
        src.qemu.pressKey();
      }
      await dst.qemu.qmp();
      await this.#until(async () => (await isSocket(this.#incoming)) || dst.qemu.exited);
      if (!this.#skipped && src.seen.has('skip')) {
        if (this.#continuous) throw this.#error(3, "Can't skip in continuous migration.");
        dst.qemu.pressKey();
        await dst.qemu.quit();
        src.qemu.pressKey();
        this.#skipped = true;
        return;
      }
      await this.#transfer(src, dst);
      await src.qemu.quit();
      if (src.seen.has('end')) {
        if (!this.#continuous) throw this.#error(3, "Can't end continuous migration when not started.");
        this.#continuous = false;
      }
      if (!this.#continuous) dst.qemu.pressKey();
      await this.#until(async () => !(await isSocket(this.#incoming)) || dst.qemu.exited);
      await src.qemu.end;
      this.#live = dst;
    } catch (error) {
      dst.qemu.pressKey();
      await Promise.all([dst.qemu.quit(), src.qemu.quit()]);
      throw error;
    }
  }

  /** `migrate`, then `query-migrate` until completed; QEMU's refusal or failure text is the reason. */
  async #transfer(src: Vm, dst: Vm): Promise<void> {
    const opts = { timeoutMs: QMP_REPLY_MS, ...(this.#launch.signal ? { signal: this.#launch.signal } : {}) };
    let qmp: QmpClient;
    try {
      qmp = await src.qemu.qmp();
      await qmp.execute('migrate', { uri: `unix:${this.#incoming}` }, opts);
    } catch (error) {
      const why = error instanceof QmpCommandError ? error.desc : (error as Error).message;
      throw this.#error(2, 'Migration failed.', `migration failed: ${why}`);
    }
    for (;;) {
      let info: { status?: string; 'error-desc'?: string };
      try {
        info = (await qmp.execute('query-migrate', undefined, opts)) as typeof info;
      } catch (error) {
        throw this.#error(2, 'Querying migration state failed.', `${(error as Error).message}`);
      }
      if (info.status === 'completed') return;
      if (info.status === 'failed') {
        const why = info['error-desc'] ?? 'query-migrate says failed';
        throw this.#error(2, 'Migration failed.', `migration failed: ${why}`);
      }
      if (dst.qemu.exited)
        throw this.#error(2, 'Migration failed.', 'migration failed: the destination QEMU exited');
      await sleep(POLL_MS);
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.#vms.map((vm) => vm.qemu.dispose()));
  }
}

/** Runs one migration test; never rejects. */
export function runMigration(launch: QemuLaunch): Promise<HarnessEnd> {
  return inTempDir('vmunit-mig-', async (dir) => {
    const started = performance.now();
    const migration = new Migration(launch, dir);
    try {
      const end = await migration.run();
      return { ...end, durationMs: performance.now() - started, aborted: launch.signal?.aborted ?? false };
    } catch (error) {
      const aborted = launch.signal?.aborted ?? false;
      if (error instanceof HarnessError) return harnessStatus(error.status, started, aborted, error.reason);
      const message = error instanceof Error ? error.message : String(error);
      launch.onLine('stderr', `vmunit: migration harness: ${message}`);
      return harnessStatus(2, started, aborted, message);
    } finally {
      await migration.dispose();
    }
  });
}
