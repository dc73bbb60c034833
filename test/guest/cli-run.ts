/**
 * Test helper (not a suite): runs the vmunit CLI in-process with captured stdout/stderr and a controlled
 * environment, returning the exit status main() computed.
 */

import { PassThrough } from 'node:stream';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

export interface CliRun {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output and a controlled environment. */
export async function runCli(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const ctx: CliContext = {
    version: '0.0.0-test',
    stdout,
    stderr,
    stdin: new PassThrough(),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    cwd,
    signal: new AbortController().signal,
  };
  const status = await main(['node', 'vmunit', ...argv], ctx);
  return { status, stdout: out, stderr: err };
}
