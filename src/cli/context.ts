/**
 * What a command may touch of the outside world, passed in rather than read from globals, so tests can run
 * commands in-process with captured output and a fake environment.
 */

import { readFileSync } from 'node:fs';
import { cancelOnSignals } from '../util/cancel.js';
import { packageFile } from '../util/package-files.js';
import { guardClosedPipe } from '../util/pipe.js';

export interface CliContext {
  readonly version: string;
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin: NodeJS.ReadableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * The one cancellation path: aborted by SIGINT, SIGTERM or SIGHUP (reason: the signal's name). Every
   * command passes it down to what it spawns; main() turns it into the exit status.
   */
  readonly signal: AbortSignal;
  /** The command line after `node` (recorded in run records); absent in in-process tests. */
  readonly argv?: readonly string[];
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/**
 * The real process's context. A closed stdout or stderr pipe is not an error (util/pipe.ts): `vmunit … 2>&1
 * | head -1` closes both, and the command still ends with its own status.
 */
export function defaultContext(): CliContext {
  guardClosedPipe(process.stdout, (error) => {
    process.stderr.write(`vmunit: error: cannot write to stdout: ${error.message}\n`);
    process.exitCode = 2;
  });
  // Nowhere left to report a stderr failure but the exit status.
  guardClosedPipe(process.stderr, () => {
    process.exitCode = 2;
  });
  return {
    version: packageVersion(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    signal: cancelOnSignals(process).signal,
    argv: process.argv.slice(1),
  };
}
