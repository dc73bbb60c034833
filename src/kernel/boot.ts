/**
 * Boots a kernel once (a UML binary or QEMU) and streams its console line by line to the caller as it
 * arrives, while teeing the raw output to a log file (kunit.py's test.log). The boot is bounded by a
 * timeout: SIGTERM first, SIGKILL after a grace period if the kernel ignores it.
 */

import { createWriteStream } from 'node:fs';
import { VmunitError } from '../util/errors.js';
import { LineSplitter } from '../util/lines.js';
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

/** Runs one boot to its end. Rejects only when the program cannot be started (SPAWN_FAILED). */
export function bootKernel(io: KernelIo, options: BootOptions): Promise<BootOutcome> {
  const start = io.now();
  const log = createWriteStream(options.logPath);
  return new Promise((resolve, reject) => {
    const child = io.spawn(options.argv.file, [...options.argv.args], {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      // stdin is a pipe that is never written (as kunit.py): the kernel must not read the terminal.
      stdio: ['pipe', 'pipe', 'pipe'],
      // Own process group: UML forks helper processes, and a timeout must stop all of them.
      detached: true,
    });
    const kill = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      io.out(`${timeoutMessage(options.argv, options.timeoutMs)}\n`);
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), options.killGraceMs ?? 5000);
    }, options.timeoutMs);
    // stdout and stderr are split separately so that a line is never torn between them.
    const splitters = { out: new LineSplitter(), err: new LineSplitter() };
    const feed = (lines: string[]) => {
      for (const line of lines) options.onLine(line);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      feed(splitters.out.push(chunk));
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      feed(splitters.err.push(chunk));
    });
    child.stdin?.on('error', () => {});
    child.on('error', (cause) => {
      clearTimeout(timer);
      log.end();
      reject(
        new VmunitError('SPAWN_FAILED', `could not run ${options.argv.file}: ${cause.message}`, { cause }),
      );
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      feed(splitters.out.end());
      feed(splitters.err.end());
      const outcome = { exitCode, signal, timedOut, elapsedMs: io.now() - start };
      log.end(() => resolve(outcome));
    });
  });
}
