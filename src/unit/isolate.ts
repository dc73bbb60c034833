/**
 * Isolation hosts: a worker thread or a child process running host-entry.ts (lib/kunit/try-catch.c runs
 * each case in a kthread for the same reason: a case that never returns or dies must not take the
 * runner with it). Both backends look the same to the supervisor: messages in, output lines, one exit.
 *
 * TypeScript: a child gets tsx's loader with `--import <tsx>`; a worker registers tsx itself before it
 * imports the entry (see workerBootstrap).
 */

import { type ChildProcess, fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LineSplitter } from '../util/lines.js';
import type { HostMessage, HostRequest } from './protocol.js';

/** Which kind of host runs the tests. */
export type HostBackend = 'worker' | 'process';

/** How a host ended. */
export interface HostExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** Set when the host died of memory exhaustion (worker resourceLimits or V8's fatal OOM). */
  readonly outOfMemory: boolean;
  readonly error?: string;
}

export interface HostOptions {
  readonly backend: HostBackend;
  /** Old-generation heap limit in MiB (worker resourceLimits, or the child's --max-old-space-size). */
  readonly memoryLimitMb?: number;
  /** Extra node flags for a child process (the CLI passes none). */
  readonly execArgv?: readonly string[];
}

export interface HostCallbacks {
  onMessage(message: HostMessage): void;
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
  onExit(exit: HostExit): void;
}

/** A running host. `kill()` is idempotent. */
export interface Host {
  kill(): void;
}

const ENTRY = new URL(`./host-entry${extname(fileURLToPath(import.meta.url))}`, import.meta.url);

/** Does this request (or the entry itself, when running from sources) need tsx? */
function needsTsx(request: HostRequest): boolean {
  const files = request.job === 'list' ? request.files : [request.file];
  return ENTRY.pathname.endsWith('.ts') || files.some((f) => /\.[cm]?tsx?$/.test(f));
}

/**
 * The worker's eval'd main script. Node 20 ignores `--import` in a worker's execArgv and a worker's main
 * script bypasses loader hooks, so when the entry itself is TypeScript (running from sources) the worker
 * registers tsx's ESM and CommonJS hooks before importing it; the slot tells module-setup.ts they are in
 * place. Test files get the same hooks from module-setup.ts when they need them.
 */
function workerBootstrap(): string {
  const entry = `import(${JSON.stringify(ENTRY.href)})`;
  if (!ENTRY.pathname.endsWith('.ts')) return `${entry};`;
  const esm = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const cjs = JSON.stringify(import.meta.resolve('tsx/cjs/api'));
  return `Promise.all([import(${esm}), import(${cjs})]).then(([e, c]) => { e.register(); c.register(); globalThis[Symbol.for('vmunit.unit.tsxRegistered')] = true; return ${entry}; });`;
}

/** tsx's loader URL, resolved from vmunit's own dependencies (not the user's cwd). */
function tsxImport(): string[] {
  try {
    return ['--import', import.meta.resolve('tsx')];
  } catch {
    return ['--import', 'tsx'];
  }
}

/** Starts a host for `request`. */
export function startHost(request: HostRequest, options: HostOptions, callbacks: HostCallbacks): Host {
  return options.backend === 'worker'
    ? startWorker(request, options, callbacks)
    : startChild(request, options, callbacks);
}

function pipeLines(
  stream: NodeJS.ReadableStream | null,
  name: 'stdout' | 'stderr',
  cb: HostCallbacks,
  seen?: (l: string) => void,
): void {
  if (!stream) return;
  const splitter = new LineSplitter();
  stream.on('data', (chunk: Buffer | string) => {
    for (const line of splitter.push(chunk)) {
      seen?.(line);
      cb.onOutput(name, line);
    }
  });
  stream.on('end', () => {
    for (const line of splitter.end()) cb.onOutput(name, line);
  });
}

function startWorker(request: HostRequest, options: HostOptions, cb: HostCallbacks): Host {
  const worker = new Worker(workerBootstrap(), {
    eval: true,
    workerData: request,
    stdout: true,
    stderr: true,
    ...(options.memoryLimitMb ? { resourceLimits: { maxOldGenerationSizeMb: options.memoryLimitMb } } : {}),
  });
  let error: { message: string; oom: boolean } | undefined;
  worker.on('message', (m: HostMessage) => cb.onMessage(m));
  worker.on('error', (e: Error & { code?: string }) => {
    error = { message: e.message, oom: e.code === 'ERR_WORKER_OUT_OF_MEMORY' };
  });
  worker.on('exit', (code) => {
    cb.onExit({
      code,
      signal: null,
      outOfMemory: error?.oom ?? false,
      ...(error ? { error: error.message } : {}),
    });
  });
  pipeLines(worker.stdout, 'stdout', cb);
  pipeLines(worker.stderr, 'stderr', cb);
  let killed = false;
  return {
    kill() {
      if (killed) return;
      killed = true;
      void worker.terminate();
    },
  };
}

function startChild(request: HostRequest, options: HostOptions, cb: HostCallbacks): Host {
  const entry = fileURLToPath(ENTRY);
  const child: ChildProcess = fork(entry, [], {
    execArgv: [
      ...(needsTsx(request) ? tsxImport() : []),
      ...(options.memoryLimitMb ? [`--max-old-space-size=${options.memoryLimitMb}`] : []),
      ...(options.execArgv ?? []),
    ],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, VMUNIT_HOST_REQUEST: JSON.stringify(request) },
  });
  let oom = false;
  child.on('message', (m) => cb.onMessage(m as HostMessage));
  pipeLines(child.stdout, 'stdout', cb);
  pipeLines(child.stderr, 'stderr', cb, (line) => {
    if (/heap out of memory|Reached heap limit/.test(line)) oom = true;
  });
  let spawnError: string | undefined;
  child.on('error', (e) => {
    spawnError = e.message;
  });
  // 'close' rather than 'exit': stderr must be read to the end to see an out-of-memory report.
  child.on('close', (code, signal) => {
    cb.onExit({ code, signal, outOfMemory: oom, ...(spawnError ? { error: spawnError } : {}) });
  });
  return {
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
