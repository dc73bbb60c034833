/**
 * Runs a short-lived tool (make) to completion and captures what the caller asks for. A missing program is a
 * typed SPAWN_FAILED error, never a crash.
 */

import { VmunitError } from '../util/errors.js';
import { terminate } from '../util/process-group.js';
import type { Argv } from './argv.js';
import type { KernelIo } from './types.js';

/** What a finished tool produced. `output` is stdout and stderr interleaved when `merge` was asked. */
export interface CapturedRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CaptureOptions {
  readonly cwd: string;
  /** Keep stdout (false: discard it, as kunit.py does for `make all`). */
  readonly keepStdout: boolean;
  /** Send stderr into the stdout capture (kunit.py's `stderr=STDOUT`). */
  readonly mergeStderr: boolean;
}

/** Spawns `argv` without a shell and waits for it. */
export function runCapture(io: KernelIo, argv: Argv, options: CaptureOptions): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = io.spawn(argv.file, [...argv.args], {
      cwd: options.cwd,
      env: io.env as NodeJS.ProcessEnv,
      stdio: ['ignore', options.keepStdout || options.mergeStderr ? 'pipe' : 'ignore', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => {
      if (options.keepStdout) out.push(chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      (options.mergeStderr ? out : err).push(chunk);
    });
    // make runs in its own group (io.spawn): a cancel stops the compilers it started too.
    const onAbort = (): void => {
      terminate(child, 1000);
    };
    if (io.signal?.aborted) onAbort();
    else io.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (cause) => {
      io.signal?.removeEventListener('abort', onAbort);
      reject(new VmunitError('SPAWN_FAILED', `could not run ${argv.file}: ${cause.message}`, { cause }));
    });
    child.on('close', (code, signal) => {
      io.signal?.removeEventListener('abort', onAbort);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}
