/**
 * The unit library's run: list suites (in a host, so the runner's realm never evaluates test files unless
 * isolation is "none"), select them with KUnit's filters, run each through a SuiteSupervisor with up to
 * `jobs` suites at once, and emit one KTAP-shaped event stream: root → suites → cases → parameters.
 * Concurrent suites' events are held back and released in suite order, so streaming reporters print
 * exactly what a sequential run would.
 */

import type { RunEvent, TestStatus } from '../events/types.js';
import { isOkStatus, type TestNode } from '../ktap/model.js';
import { aggregateStatus, countStatuses } from '../ktap/status.js';
import { TreeBuilder } from '../ktap/tree.js';
import { VmunitError } from '../util/errors.js';
import { runPool } from '../util/pool.js';
import { type SelectOptions, type SuiteSelection, selectTests } from './filter.js';
import { type HostBackend, startHost } from './isolate.js';
import { DEFAULT_TIMEOUT_MS, type HostMessage } from './protocol.js';
import { serveRequest } from './serve.js';
import { type Isolation, SuiteSupervisor } from './supervisor.js';
import type { SuiteInfo } from './types.js';

/** Options of a run. Defaults are documented per field. */
export interface RunOptions extends SelectOptions {
  readonly files: readonly string[];
  /** Locations in failure reports are shown relative to this directory (default: process.cwd()). */
  readonly rootDir?: string;
  /** Default "suite": a fresh host per suite. */
  readonly isolation?: Isolation;
  /** Default "worker". */
  readonly backend?: HostBackend;
  /** Per-case timeout in ms. Default DEFAULT_TIMEOUT_MS (300 s, KUnit's). */
  readonly timeoutMs?: number;
  /** Heap limit per host in MiB; default: Node's own. */
  readonly memoryLimitMb?: number;
  /** Suites run at once. Default 1. */
  readonly jobs?: number;
  /** Name of the run (run:start). */
  readonly name?: string;
  /** Suites already listed by `listSuites` (the CLI lists first so load errors come before any output). */
  readonly listed?: readonly SuiteInfo[];
}

/** What a run returns besides its events. */
export interface RunSummary {
  readonly root: TestNode;
  /** kunit.py's ok_status: the root is SUCCESS or SKIPPED (or nothing ran). */
  readonly ok: boolean;
}

/** The id of the root node in unit-library runs. */
export const ROOT_ID = 'unit';

/** Lists the suites defined by `files` (one host for all of them, or in this realm for isolation "none"). */
export async function listSuites(options: RunOptions): Promise<SuiteInfo[]> {
  const request = { job: 'list' as const, files: options.files };
  const message = await new Promise<HostMessage>((resolve, reject) => {
    let answer: HostMessage | undefined;
    if ((options.isolation ?? 'suite') === 'none') {
      serveRequest(request, (m) => (answer ??= m), freshToken()).then(
        () => (answer ? resolve(answer) : reject(new Error('no answer'))),
        reject,
      );
      return;
    }
    const host = startHost(
      request,
      { backend: options.backend ?? 'worker' },
      {
        onMessage: (m) => {
          answer ??= m;
          host.kill();
        },
        onOutput: () => {},
        onExit: (exit) =>
          answer
            ? resolve(answer)
            : reject(
                new VmunitError(
                  'INTERNAL',
                  `listing host died: ${exit.error ?? `exit ${exit.code ?? exit.signal}`}`,
                ),
              ),
      },
    );
  });
  // The host's message already names the file (and the line, for a bad definition).
  if (message.kind === 'load-failed') throw new VmunitError('INPUT_INVALID', message.message);
  if (message.kind !== 'listed')
    throw new VmunitError('INTERNAL', `unexpected listing answer: ${message.kind}`);
  return [...message.suites];
}

function freshToken(): string {
  return `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/** Holds back events of suites that are not at the head yet; releases them in suite order. */
class OrderedEmitter {
  readonly #emit: (e: RunEvent) => void;
  readonly #buffers: RunEvent[][];
  readonly #done: boolean[];
  #head = 0;

  constructor(count: number, emit: (e: RunEvent) => void) {
    this.#emit = emit;
    this.#buffers = Array.from({ length: count }, () => []);
    this.#done = new Array<boolean>(count).fill(false);
  }

  sink(i: number): (e: RunEvent) => void {
    return (e) => {
      if (i === this.#head) this.#emit(e);
      else this.#buffers[i]?.push(e);
    };
  }

  finish(i: number): void {
    this.#done[i] = true;
    while (this.#head < this.#done.length && this.#done[this.#head]) {
      this.#head++;
      const next = this.#buffers[this.#head];
      if (next) {
        for (const e of next) this.#emit(e);
        next.length = 0;
      }
    }
  }
}

/** Runs the selected suites; every event goes to `emit`. Bad filters and unloadable files throw (exit 2). */
export async function runTests(options: RunOptions, emit: (e: RunEvent) => void): Promise<RunSummary> {
  const started = Date.now();
  const tree = new TreeBuilder();
  const out = (e: RunEvent) => {
    tree.push(e);
    emit(e);
  };
  const suites = options.listed ?? (await listSuites(options));
  const selected: SuiteSelection[] = selectTests(suites, options);
  out({ type: 'run:start', producer: 'unit', name: options.name ?? 'vmunit test', time: started });
  out({ type: 'test:start', id: ROOT_ID, parentId: null, name: 'main', index: 0, depth: 0, isSuite: true });
  out({ type: 'test:plan', id: ROOT_ID, count: selected.length });
  const ordered = new OrderedEmitter(selected.length, out);
  const supervise = {
    isolation: options.isolation ?? 'suite',
    backend: options.backend ?? 'worker',
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    rootDir: options.rootDir ?? process.cwd(),
    fresh: freshToken(),
    ...(options.memoryLimitMb ? { memoryLimitMb: options.memoryLimitMb } : {}),
  };
  const statuses: TestStatus[] = [];
  const inListOrder = selected.map((_, i) => i);
  await runPool(selected, inListOrder, options.jobs ?? 1, async (sel, i) => {
    try {
      statuses[i] = await new SuiteSupervisor(
        sel,
        `${ROOT_ID}.${i + 1}`,
        i + 1,
        supervise,
        ordered.sink(i),
      ).run(ROOT_ID);
    } finally {
      ordered.finish(i);
    }
  });
  out({ type: 'test:result', id: ROOT_ID, name: 'main', status: aggregateStatus(countStatuses(statuses)) });
  out({ type: 'run:end', elapsedMs: Date.now() - started });
  const root = tree.root();
  return { root, ok: selected.length === 0 || isOkStatus(root.status) };
}
