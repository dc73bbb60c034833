/**
 * One QEMU of a harness that talks to it over QMP (migration, panic): the supervised process with a QMP
 * monitor on an inherited socket appended to its command line, its console as lines, and a way to press a
 * key on that console. Each instance has its own deadline, as upstream gives each QEMU its own `timeout(1)`.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VmunitError } from '../../util/errors.js';
import { formatCommandLine } from '../qemu/args.js';
import {
  type ChildLike,
  MONITOR_FD,
  type SpawnFn,
  type SupervisedEnd,
  type SuperviseOptions,
  supervise,
} from '../supervise.js';
import { QmpClient } from './client.js';
import { keepsShutDownVm } from './run-state.js';

/** What a harness needs to start QEMUs for one test (the plain path's supervise options, minus the argv). */
export interface QemuLaunch {
  /** The test's QEMU argv as the arch's run script builds it. */
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly signal?: AbortSignal;
  readonly spawn?: SpawnFn;
  readonly live?: Set<ChildLike>;
  readonly maxLineBytes: number;
  /** Console and stderr lines, as the plain path delivers them. */
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Notes for the test's log (the command line of every QEMU started). */
  readonly note: (line: string) => void;
}

/** A harness's outcome: the process end run_tests.sh's status is decoded from, and an optional reason. */
export interface HarnessEnd extends SupervisedEnd {
  /** Why the harness failed the test when the guest's summary would not say it (QMP error text). */
  readonly reason?: string;
}

/** QMP waits: a reply that takes longer than this means QEMU is wedged. */
export const QMP_REPLY_MS = 30_000;

/**
 * `-chardev socket … -mon …` for a QMP monitor on the connected socket QEMU inherits at MONITOR_FD (spawned
 * with `monitor: true`). Unlike a listening socket on a path, nothing waits for QEMU to create it, and no
 * folder is made or removed per QEMU.
 */
export function qmpMonitorArgs(): string[] {
  return ['-chardev', `socket,id=mon,fd=${MONITOR_FD}`, '-mon', 'chardev=mon,mode=control'];
}

/**
 * A QMP client on the monitor of `child` (spawned with `monitor: true` and qmpMonitorArgs), reading from
 * now on; undefined when the spawn gave no socket (an injected spawn function).
 */
export function monitorOf(child: ChildLike, argv: readonly string[], name: string): QmpClient | undefined {
  const socket = child.stdio?.[MONITOR_FD];
  return socket instanceof Socket ? new QmpClient(socket, name, !keepsShutDownVm(argv)) : undefined;
}

/**
 * The supervisor options every QEMU of a test shares (deadline, grace, Ctrl-C, live set, line cap), with the
 * harness's own stop signal joined to the run's.
 */
export function launchOptions(
  launch: QemuLaunch,
  argv: readonly string[],
  stop: AbortSignal,
): Omit<SuperviseOptions, 'onLine'> {
  return {
    argv,
    cwd: launch.cwd,
    timeoutMs: launch.timeoutMs,
    graceMs: launch.graceMs,
    signal: launch.signal ? AbortSignal.any([launch.signal, stop]) : stop,
    ...(launch.spawn ? { spawn: launch.spawn } : {}),
    ...(launch.live ? { live: launch.live } : {}),
    maxLineBytes: launch.maxLineBytes,
  };
}

/** Runs `work` with a private temporary folder (sockets), removed afterwards whatever happens. */
export async function inTempDir<T>(prefix: string, work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An ended process that never ran, carrying a harness status (run_migration's `return 3`). */
export function harnessStatus(code: number, started: number, aborted: boolean, reason?: string): HarnessEnd {
  return {
    code,
    signal: null,
    timedOut: false,
    killed: false,
    durationMs: performance.now() - started,
    spawnError: undefined,
    aborted,
    ...(reason === undefined ? {} : { reason }),
  };
}

export class QemuInstance {
  readonly end: Promise<SupervisedEnd>;
  #child: ChildLike | undefined;
  #exited = false;
  #qmp: QmpClient | undefined;
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal | undefined;
  readonly #role: string;

  /** Starts QEMU; `onStdout` sees each console line first and says whether it is shown (quiet markers). */
  constructor(
    launch: QemuLaunch,
    extraArgs: readonly string[],
    role: string,
    onStdout: (line: string) => boolean,
    onExit: () => void,
  ) {
    this.#signal = launch.signal;
    this.#role = role;
    const monitor = qmpMonitorArgs();
    const argv = [...launch.argv, ...monitor, ...extraArgs];
    // The monitor's fd exists only in the process vmunit spawns: after '#', a pasted line still starts QEMU.
    const shown = formatCommandLine([...launch.argv, ...extraArgs]);
    launch.note(`vmunit: ${role} QEMU: ${shown} # QMP monitor (vmunit's socket pair): ${monitor.join(' ')}`);
    this.end = supervise({
      ...launchOptions(launch, argv, this.#stop.signal),
      stdin: 'pipe',
      monitor: true,
      onSpawn: (child) => {
        this.#child = child;
        this.#qmp = monitorOf(child, argv, `the ${role} QEMU's monitor`);
      },
      onLine: (stream, line) => {
        if (stream === 'stderr' || onStdout(line)) launch.onLine(stream, line);
      },
    }).then((end) => {
      this.#exited = true;
      this.#child?.stdin?.destroy();
      onExit();
      return end;
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  /** A key press on the guest's console (the guest's getchar() returns). */
  pressKey(): void {
    if (!this.#exited) this.#child?.stdin?.write('\n');
  }

  /** The QMP connection, negotiated on first use. */
  async qmp(): Promise<QmpClient> {
    const qmp = this.#qmp;
    if (qmp === undefined) throw new VmunitError('QMP_CLOSED', `QMP: the ${this.#role} QEMU has no monitor`);
    await qmp.negotiate({ timeoutMs: QMP_REPLY_MS, ...(this.#signal ? { signal: this.#signal } : {}) });
    return qmp;
  }

  /**
   * `quit` over QMP, as upstream ends a QEMU it no longer needs; falls back to SIGTERM. A QEMU that has
   * announced its exit (a poweroff panic) is left to finish it, within the reply deadline.
   */
  async quit(): Promise<void> {
    if (this.#exited) return;
    try {
      const qmp = await this.qmp();
      if (qmp.exiting) {
        const timer = setTimeout(() => this.kill(), QMP_REPLY_MS);
        await this.end.finally(() => clearTimeout(timer));
      } else await qmp.execute('quit', undefined, { timeoutMs: QMP_REPLY_MS });
    } catch {
      this.kill();
    }
  }

  /** SIGTERM, then SIGKILL after the grace period (the supervisor's abort path). */
  kill(): void {
    if (!this.#exited) this.#stop.abort();
  }

  /** Closes the QMP connection and makes sure the process is gone. */
  async dispose(): Promise<SupervisedEnd> {
    this.kill();
    const end = await this.end;
    this.#qmp?.close();
    return end;
  }
}
