/**
 * Boots a kernel once (a UML binary or QEMU) and streams its console line by line to the caller as it
 * arrives. The kernel writes stdout and stderr straight into the log file (kunit.py's test.log, merged in
 * order as kunit.py's `stderr=STDOUT`), and the file is followed while it grows.
 *
 * Why a file and not a pipe: UML puts its console fds in non-blocking mode, and Node's stdio "pipes" are
 * socket pairs; a UML that halts while its socket buffer is busy loses the rest of its output (measured: a
 * `kunit.action=list` boot printed 150 to 347 of 369 names through a Node pipe, all 369 through a file,
 * every time). A regular file never refuses a write.
 *
 * The boot is bounded by a timeout: SIGTERM to the kernel's process group first (UML forks helpers),
 * SIGKILL after a grace period if it ignores it.
 */

import { closeSync, mkdirSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { VmunitError } from '../util/errors.js';
import { LineSplitter } from '../util/lines.js';
import { terminate } from '../util/process-group.js';
import type { Argv } from './argv.js';
import type { KernelIo } from './types.js';

/** How to run one boot. */
export interface BootOptions {
  readonly argv: Argv;
  readonly cwd: string;
  /** Environment of the kernel process (isolated UML boots get their own TMPDIR). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Raw console output is written here (overwritten). */
  readonly logPath: string;
  readonly timeoutMs: number;
  /** Time between SIGTERM and SIGKILL. */
  readonly killGraceMs?: number;
  /** How often the log is checked for new output while the kernel runs. */
  readonly pollMs?: number;
  /** Called for every complete console line, in order, as it arrives. */
  readonly onLine: (line: string) => void;
}

/** How a boot ended. */
export interface BootOutcome {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** Python's repr of a list of strings, for kunit.py's timeout message. */
function pythonListRepr(words: readonly string[]): string {
  return `[${words.map((w) => `'${w.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`).join(', ')}]`;
}

/** kunit.py prints subprocess.TimeoutExpired's text when a boot runs out of time. */
export function timeoutMessage(argv: Argv, timeoutMs: number): string {
  return `Command '${pythonListRepr([argv.file, ...argv.args])}' timed out after ${timeoutMs / 1000} seconds`;
}

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Starts the kernel with stdout and stderr on the log file; resolves when it exits. Throws if the log cannot be created. */
function startKernel(io: KernelIo, options: BootOptions, onTimeout: () => void): Promise<Exit> {
  let fd: number;
  try {
    mkdirSync(dirname(options.logPath), { recursive: true });
    fd = openSync(options.logPath, 'w');
  } catch (cause) {
    throw new VmunitError(
      'OUTPUT_UNWRITABLE',
      `cannot write ${options.logPath}: ${(cause as Error).message}`,
      {
        cause,
      },
    );
  }
  return new Promise((resolve, reject) => {
    let child: ReturnType<KernelIo['spawn']>;
    try {
      child = io.spawn(options.argv.file, [...options.argv.args], {
        cwd: options.cwd,
        env: options.env as NodeJS.ProcessEnv,
        // stdin is a pipe that is never written (as kunit.py): the kernel must not read the terminal.
        stdio: ['pipe', fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    // Once stopping, a second reason (a cancel after the timeout) must not restart the grace period.
    let stopping = false;
    const stop = (graceMs: number): void => {
      if (stopping) return;
      stopping = true;
      terminate(child, graceMs);
    };
    const timer = setTimeout(() => {
      onTimeout();
      stop(options.killGraceMs ?? 5000);
    }, options.timeoutMs);
    // Kernels run in their own process group, so the terminal's Ctrl-C does not reach them: the one
    // cancellation path stops them, TERM then KILL within a second.
    const onAbort = (): void => stop(Math.min(options.killGraceMs ?? 5000, 1000));
    if (io.signal?.aborted) onAbort();
    io.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdin?.on('error', () => {});
    child.on('error', (cause) => {
      io.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      reject(
        new VmunitError('SPAWN_FAILED', `could not run ${options.argv.file}: ${cause.message}`, { cause }),
      );
    });
    child.on('exit', (code, signal) => {
      io.signal?.removeEventListener('abort', onAbort);
      clearTimeout(timer);
      child.stdin?.destroy();
      resolve({ code, signal });
    });
  });
}

/** Runs one boot to its end. Rejects only when the program cannot be started (SPAWN_FAILED). */
export async function bootKernel(io: KernelIo, options: BootOptions): Promise<BootOutcome> {
  const start = io.now();
  let timedOut = false;
  let exit: Exit | undefined;
  const exited = startKernel(io, options, () => {
    timedOut = true;
    io.out(`${timeoutMessage(options.argv, options.timeoutMs)}\n`);
  }).then((e) => {
    exit = e;
  });
  // A spawn failure must reject now, not after the follow loop notices nothing happens.
  let failure: unknown;
  exited.catch((error: unknown) => {
    failure = error;
  });
  const log = await open(options.logPath, 'r');
  const splitter = new LineSplitter();
  const buffer = Buffer.alloc(64 * 1024);
  try {
    for (;;) {
      if (failure) throw failure;
      const done = exit !== undefined;
      const { bytesRead } = await log.read(buffer, 0, buffer.length, null);
      if (bytesRead > 0) {
        for (const line of splitter.push(Buffer.from(buffer.subarray(0, bytesRead)))) options.onLine(line);
        continue;
      }
      // Exited and everything written before the exit has been read.
      if (done) break;
      await Promise.race([exited.catch(() => {}), sleep(options.pollMs ?? 10)]);
    }
  } finally {
    await log.close();
  }
  for (const line of splitter.end()) options.onLine(line);
  const final = exit as Exit | undefined;
  return {
    exitCode: final?.code ?? null,
    signal: final?.signal ?? null,
    timedOut,
    elapsedMs: io.now() - start,
  };
}
