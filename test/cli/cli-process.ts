/**
 * Test helper (not a suite): runs `node bin/vmunit.js …` as a user would (the built CLI in dist/), with
 * stdout and stderr kept apart, and finds what a run left behind through /proc.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = `${ROOT}bin/vmunit.js`;

/** Why CLI-level tests cannot run here, or false (scripts/test.sh builds dist/ first; bin loads the bundle). */
export const notBuilt =
  existsSync(`${ROOT}dist/cli/main.js`) && existsSync(`${ROOT}dist/bundle/main.js`)
    ? false
    : 'dist/ not built (npm run build)';

export interface Spawned {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (128+n for a signal death, as a shell reports it). */
  readonly exited: Promise<number>;
}

/** Starts `vmunit args…` in `cwd`; stdin is a pipe the caller may write to. */
export function vmunitProcess(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', CI: '1', NO_COLOR: '1', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) =>
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    );
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `vmunit args…` to its end. */
export async function vmunitRun(
  args: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<{ status: number; stdout: string; stderr: string }> {
  const p = vmunitProcess(args, cwd, env);
  p.child.stdin?.end();
  const status = await p.exited;
  return { status, stdout: p.stdout(), stderr: p.stderr() };
}

/** Polls `ready` every 50 ms until it holds; throws after `ms`. */
export async function waitFor(
  ready: () => boolean | Promise<boolean>,
  ms: number,
  what: string,
): Promise<void> {
  const t0 = Date.now();
  while (!(await ready())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Processes whose working directory is `dir` or below it, other than `except` (pid → command line). A
 * child vmunit started (QEMU, a kernel, make, a sleep in a fake kernel) inherits the folder it runs in.
 */
export async function processesIn(dir: string, except: readonly number[] = []): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid || except.includes(pid)) continue;
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd !== dir && !cwd.startsWith(`${dir}/`)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    // A zombie waiting for its parent has no command line and holds nothing.
    if (cmd !== '') found.set(pid, cmd.replaceAll('\0', ' ').trim());
  }
  return found;
}

/**
 * Sends `signal` once `ready` holds; resolves with the exit status, the ms the exit took, and what still
 * runs in `dir` 2 s after the signal (a process caught mid-exit by one look at /proc is given that long).
 */
export async function interrupt(
  p: Spawned,
  signal: NodeJS.Signals,
  ready: () => boolean | Promise<boolean>,
  what: string,
  dir: string,
): Promise<{ status: number; ms: number; survivors: string[] }> {
  await waitFor(async () => (await ready()) || p.child.exitCode !== null, 60_000, what);
  if (p.child.exitCode !== null) throw new Error(`vmunit ended before ${what}: ${p.stderr()}`);
  const sent = Date.now();
  p.child.kill(signal);
  const status = await p.exited;
  const ms = Date.now() - sent;
  let left = await processesIn(dir);
  while (left.size > 0 && Date.now() - sent < 2000) {
    await new Promise((r) => setTimeout(r, 50));
    left = await processesIn(dir);
  }
  return { status, ms, survivors: [...left.values()] };
}
