/**
 * One QEMU of a harness that talks to it over QMP (migration, panic): the supervised process with a QMP
 * monitor on a unix socket appended to its command line, its console as lines, and a way to press a key on
 * that console. Each instance has its own deadline, as upstream gives each QEMU its own `timeout(1)`.
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatCommandLine } from '../qemu/args.js';
import {
  type ChildLike,
  type SpawnFn,
  type SupervisedEnd,
  type SuperviseOptions,
  supervise,
} from '../supervise.js';
import { openQmp, type QmpClient } from './client.js';
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
  /**
   * Where a plain run's QMP socket goes: a path in a private folder its caller made and removes (a run's,
   * one folder for all its tests). Undefined: the plain run makes and removes a folder of its own.
   */
  readonly monitorPath?: string;
}

/** A harness's outcome: the process end run_tests.sh's status is decoded from, and an optional reason. */
export interface HarnessEnd extends SupervisedEnd {
  /** Why the harness failed the test when the guest's summary would not say it (QMP error text). */
  readonly reason?: string;
}

/** QMP waits: a reply that takes longer than this means QEMU is wedged. */
export const QMP_REPLY_MS = 30_000;

/** `-chardev socket … -mon …` for a QMP monitor on a unix socket that QEMU creates without waiting. */
export function qmpMonitorArgs(path: string): string[] {
  return ['-chardev', `socket,id=mon,path=${path},server=on,wait=off`, '-mon', 'chardev=mon,mode=control'];
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
  readonly qmpPath: string;
  #child: ChildLike | undefined;
  #exited = false;
  #qmp: Promise<QmpClient> | undefined;
  readonly #stop = new AbortController();
  readonly #signal: AbortSignal | undefined;
  readonly #exitsOnShutdown: boolean;

  /** Starts QEMU; `onStdout` sees each console line first and says whether it is shown (quiet markers). */
  constructor(
    launch: QemuLaunch,
    extraArgs: readonly string[],
    qmpPath: string,
    role: string,
    onStdout: (line: string) => boolean,
    onExit: () => void,
  ) {
    this.qmpPath = qmpPath;
    this.#signal = launch.signal;
    const argv = [...launch.argv, ...qmpMonitorArgs(qmpPath), ...extraArgs];
    this.#exitsOnShutdown = !keepsShutDownVm(argv);
    launch.note(`vmunit: ${role} QEMU: ${formatCommandLine(argv)}`);
    this.end = supervise({
      ...launchOptions(launch, argv, this.#stop.signal),
      stdin: 'pipe',
      onSpawn: (child) => {
        this.#child = child;
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

  /** The QMP connection, opened on first use once QEMU has created the socket. */
  qmp(): Promise<QmpClient> {
    this.#qmp ??= openQmp(this.qmpPath, {
      timeoutMs: QMP_REPLY_MS,
      exitsOnShutdown: this.#exitsOnShutdown,
      alive: () => !this.#exited,
      ...(this.#signal ? { signal: this.#signal } : {}),
    });
    return this.#qmp;
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

  /** Closes the QMP connection (if any) and makes sure the process is gone. */
  async dispose(): Promise<SupervisedEnd> {
    this.kill();
    const end = await this.end;
    if (this.#qmp) await this.#qmp.then((q) => q.close()).catch(() => undefined);
    return end;
  }
}
