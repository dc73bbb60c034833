/**
 * Runs one QEMU process: argv array (never a shell), stdin from /dev/null as upstream, stdout and stderr
 * streamed line by line, a deadline enforced like `timeout -k <grace> <T>` (SIGTERM at T, SIGKILL after the
 * grace period), and an AbortSignal for Ctrl-C that takes the same TERM → KILL path. The spawn function is
 * injected so that the escalation logic can be tested with a fake process.
 */

import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from '../util/lines.js';
import { spawnGroup } from '../util/process-group.js';
import type { ProcessEnd } from './exit-code.js';

/** The part of a ChildProcess the supervisor uses. */
export interface ChildLike {
  readonly pid?: number | undefined;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Present when spawned with `stdin: 'pipe'` (a console the harness types into). */
  readonly stdin?: Writable | null;
  /** With `monitor: true`, entry MONITOR_FD is the harness's end of QEMU's QMP socket pair. */
  readonly stdio?: readonly unknown[];
  kill(signal?: NodeJS.Signals): boolean;
  on(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): this;
  on(event: 'close', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

export type SpawnFn = (
  file: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; stdin?: 'pipe'; monitor?: true },
) => ChildLike;

/**
 * The fd on which a QEMU spawned with `monitor: true` finds one end of a socket pair (Node makes one for a
 * `pipe` stdio entry past stderr): its QMP monitor, `-chardev socket,fd=3`.
 */
export const MONITOR_FD = 3;

/** QEMU in its own process group: a timeout or a cancel stops whatever it started too. */
export const defaultSpawn: SpawnFn = (file, args, { stdin, monitor, ...options }) =>
  spawnGroup(file, args, {
    ...options,
    stdio: [stdin ?? 'ignore', 'pipe', 'pipe', ...(monitor ? ['pipe' as const] : [])],
  });

export interface SuperviseOptions {
  readonly argv: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** 0 disables the deadline (TIMEOUT=0). */
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL (upstream: `timeout -k 1s`). */
  readonly graceMs: number;
  readonly signal?: AbortSignal;
  /** Lines longer than this are cut (a guest flooding without newlines cannot exhaust memory). */
  readonly maxLineBytes?: number;
  readonly onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  readonly spawn?: SpawnFn;
  /** Live processes of the run: the child is in it from spawn to exit (for a last-resort kill on exit). */
  readonly live?: Set<ChildLike>;
  /** stdin is /dev/null as upstream, or a pipe (migration: the harness presses keys on the console). */
  readonly stdin?: 'pipe';
  /** A socket pair for QEMU's QMP monitor at MONITOR_FD (the harness's end in `child.stdio`). */
  readonly monitor?: true;
  /** Called once the process is started (before its first line). */
  readonly onSpawn?: (child: ChildLike) => void;
}

export interface SupervisedEnd extends ProcessEnd {
  readonly durationMs: number;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  readonly spawnError: Error | undefined;
  /** The AbortSignal fired while the process ran. */
  readonly aborted: boolean;
}

/** After 'exit', wait at most this long for the pipes to drain (a grandchild may hold them open). */
const DRAIN_MS = 500;

/** Spawns and supervises one process; resolves when it is gone, never rejects. */
export function supervise(opts: SuperviseOptions): Promise<SupervisedEnd> {
  const started = performance.now();
  const spawn = opts.spawn ?? defaultSpawn;
  const [file, ...args] = opts.argv;
  return new Promise((resolve) => {
    let timedOut = false;
    let killed = false;
    let aborted = false;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let done = false;
    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    let child: ChildLike | undefined;
    const splitters = {
      stdout: new LineSplitter(opts.maxLineBytes),
      stderr: new LineSplitter(opts.maxLineBytes),
    };
    const flush = (): void => {
      for (const stream of ['stdout', 'stderr'] as const) {
        for (const line of splitters[stream].end()) opts.onLine(stream, line);
      }
    };

    const finish = (spawnError?: Error): void => {
      if (done) return;
      done = true;
      if (child !== undefined) opts.live?.delete(child);
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      flush();
      resolve({
        code: exit?.code ?? (spawnError ? 127 : null),
        signal: exit?.signal ?? null,
        timedOut,
        killed,
        durationMs: performance.now() - started,
        spawnError,
        aborted,
      });
    };
    const terminate = (): void => {
      child?.kill('SIGTERM');
      const t = setTimeout(() => {
        if (exit !== undefined) return;
        killed = true;
        child?.kill('SIGKILL');
      }, opts.graceMs);
      timers.push(t);
    };
    const onAbort = (): void => {
      if (exit !== undefined || aborted) return;
      aborted = true;
      terminate();
    };

    try {
      child = spawn(file ?? '', args, {
        ...(opts.cwd ? { cwd: opts.cwd } : {}),
        ...(opts.env ? { env: opts.env } : {}),
        ...(opts.stdin ? { stdin: opts.stdin } : {}),
        ...(opts.monitor ? { monitor: opts.monitor } : {}),
      });
    } catch (error) {
      finish(error as Error);
      return;
    }
    const proc = child;
    opts.live?.add(proc);
    // A guest that ends while the harness types must not turn EPIPE into an unhandled error.
    proc.stdin?.on('error', () => undefined);
    opts.onSpawn?.(proc);
    for (const stream of ['stdout', 'stderr'] as const) {
      proc[stream]?.on('data', (chunk: Buffer | string) => {
        if (done) return;
        for (const line of splitters[stream].push(chunk)) opts.onLine(stream, line);
      });
    }
    proc.on('error', (error) => finish(error));
    proc.on('exit', (code, signal) => {
      exit = { code, signal };
      if (closed) finish();
      else timers.push(setTimeout(() => finish(), DRAIN_MS));
    });
    proc.on('close', () => {
      closed = true;
      if (exit !== undefined) finish();
    });
    if (opts.timeoutMs > 0) {
      timers.push(
        setTimeout(() => {
          if (exit !== undefined) return;
          timedOut = true;
          terminate();
        }, opts.timeoutMs),
      );
    }
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
