/**
 * `--run_isolated suite|test`, vmunit style: one listing boot, then one boot per suite (or test) run IN
 * PARALLEL (`-j`, default: CPU count), each with its own scratch directory, and all of them merged into one
 * result tree — one summary, one JSON, one JUnit. While the listing boot runs, the other slots already run
 * the boots the previous listing predicts (isolated-plan.ts). Results are released to the reporters in
 * list order as soon as every earlier boot has finished, so the console reads like a sequential run and
 * the output does not depend on timing. A boot that crashes or hangs (killed at `--timeout`) fails only
 * its own suite.
 */

import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent } from '../events/types.js';
import type { TreeBuilder } from '../ktap/tree.js';
import { VmunitError } from '../util/errors.js';
import { BootMerger } from './boot-merge.js';
import { listingOutput, openRootRun, ROOT_ID, type RootRun } from './boot-session.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import { type BootRecord, isolatedBoot, isolatedDir, scratchDir } from './isolated-boot.js';
import {
  type BootTiming,
  type IsolatedCache,
  listingKey,
  loadIsolatedCache,
  saveIsolatedCache,
} from './isolated-cache.js';
import { BootPlan, type PlannedJob, type Reconciliation } from './isolated-plan.js';
import { isolatedGlobs, testNamesFromListing } from './listing.js';
import { mergeBootLogs } from './merged-log.js';
import { timestampPrefix } from './printer.js';
import type { ExecDeps, ExecRequest, IsolationMode } from './types.js';

/** Console text of a boot, held back while the boot is predicted (its place in the list is unknown). */
class OutputGate {
  #held: string[] | undefined = [];
  #dropped = false;
  readonly #sink: (text: string) => void;

  constructor(sink: (text: string) => void) {
    this.#sink = sink;
  }

  readonly out = (text: string): void => {
    if (this.#dropped) return;
    if (this.#held) this.#held.push(text);
    else this.#sink(text);
  };

  /** Prints `first`, then what was held, and lets later text through. */
  open(first: string): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const text of [first, ...held]) this.#sink(text);
  }

  drop(): void {
    this.#dropped = true;
    this.#held = undefined;
  }
}

/** Releases finished boots to `emit` strictly in list order, whatever order they finish in. */
class OrderedRelease {
  readonly #records: (BootRecord | undefined)[];
  readonly #merger: BootMerger;
  readonly #emit: (event: RunEvent) => void;
  #next = 0;

  constructor(count: number, merger: BootMerger, emit: (event: RunEvent) => void) {
    this.#records = new Array<BootRecord | undefined>(count).fill(undefined);
    this.#merger = merger;
    this.#emit = emit;
  }

  done(i: number, record: BootRecord): void {
    this.#records[i] = record;
    for (let r = this.#records[this.#next]; r !== undefined; r = this.#records[this.#next]) {
      for (const event of this.#merger.addBoot(r.events, r.summary)) this.#emit(event);
      r.events.length = 0;
      this.#next++;
    }
  }

  get records(): readonly (BootRecord | undefined)[] {
    return this.#records;
  }
}

/** The boots a listing gives: one glob per suite or test, then the shard's part of them. */
async function bootGlobs(req: ExecRequest, mode: IsolationMode, tests: readonly string[]): Promise<string[]> {
  const all = isolatedGlobs(mode, tests, req.filterGlob);
  return req.selectBoots === undefined ? all : [...(await req.selectBoots(all))];
}

/** One started boot. */
interface Started {
  readonly glob: string;
  readonly seq: number;
  readonly gate: OutputGate;
  readonly stop: AbortController;
  readonly startMs: number;
  readonly predicted: boolean;
  index: number | undefined;
  cancelled: boolean;
  record: BootRecord | undefined;
}

/** After the listing: the root run, its merger and the list-order release. */
interface Listed {
  readonly tests: readonly string[];
  readonly globs: readonly string[];
  readonly root: RootRun;
  readonly merger: BootMerger;
  readonly release: OrderedRelease;
}

/** One isolated run: the listing boot and the suite/test boots, at most `-j` at once. */
class IsolatedRun {
  readonly #deps: ExecDeps;
  readonly #req: ExecRequest;
  readonly #tree: TreeBuilder;
  readonly #mode: IsolationMode;
  readonly #plan: BootPlan;
  readonly #t0: number;
  readonly #boots: Started[] = [];
  readonly #timings: BootTiming[] = [];
  listed: Listed | undefined;

  constructor(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder, mode: IsolationMode, plan: BootPlan) {
    this.#deps = deps;
    this.#req = req;
    this.#tree = tree;
    this.#mode = mode;
    this.#plan = plan;
    this.#t0 = deps.io.now();
  }

  /** Runs every job; no slot idles while a job is ready. A boot that cannot start stops the others. */
  async drive(): Promise<void> {
    const running = new Set<Promise<void>>();
    try {
      for (;;) {
        for (let job = this.#nextJob(running.size); job; job = this.#nextJob(running.size)) {
          const p: Promise<void> = this.#start(job).finally(() => running.delete(p));
          running.add(p);
        }
        if (running.size === 0) return;
        await Promise.race(running);
      }
    } catch (error) {
      for (const boot of this.#boots) boot.stop.abort();
      await Promise.allSettled(running);
      throw error;
    }
  }

  /** Boots that ran to their place in the list, in list order. */
  get records(): BootRecord[] {
    return (this.listed?.release.records ?? []).filter((r): r is BootRecord => r !== undefined);
  }

  #nextJob(running: number): PlannedJob | undefined {
    return running < this.#req.parallel ? this.#plan.next() : undefined;
  }

  async #start(job: PlannedJob): Promise<void> {
    if (job.kind === 'listing') return this.#listing();
    const deps = this.#deps;
    const seq = this.#boots.length + 1;
    const stop = new AbortController();
    const signal = deps.io.signal ? AbortSignal.any([deps.io.signal, stop.signal]) : stop.signal;
    const gate = new OutputGate(deps.io.out);
    const startMs = deps.io.now() - this.#t0;
    const predicted = job.index === undefined;
    const boot: Started = {
      glob: job.glob,
      seq,
      gate,
      stop,
      startMs,
      predicted,
      index: undefined,
      cancelled: false,
      record: undefined,
    };
    this.#boots.push(boot);
    if (job.index !== undefined) this.#place(boot, job.index);
    const record = await isolatedBoot(
      { ...deps, io: { ...deps.io, out: gate.out, signal } },
      this.#req,
      job.glob,
      seq,
    );
    boot.record = record;
    if (boot.cancelled) await this.#forget(boot);
    else if (boot.index !== undefined) this.listed?.release.done(boot.index, record);
  }

  /** A cancelled boot leaves nothing behind but its time in the timeline. */
  async #forget(boot: Started): Promise<void> {
    await rm(scratchDir(this.#req, boot.seq), { recursive: true, force: true });
  }

  /** Every boot of the run, listing included, with its start and length. */
  get timings(): BootTiming[] {
    return [
      ...this.#timings,
      ...this.#boots.map((b) => ({
        glob: b.glob,
        startMs: b.startMs,
        ms: b.record?.elapsedMs ?? 0,
        predicted: b.predicted,
        cancelled: b.cancelled,
      })),
    ];
  }

  async #listing(): Promise<void> {
    const { io } = this.#deps;
    const start = io.now();
    const listing = await listingOutput(this.#deps, this.#req, 'list');
    const ms = io.now() - start;
    this.#timings.push({
      glob: '(listing)',
      startMs: start - this.#t0,
      ms,
      predicted: false,
      cancelled: false,
    });
    const tests = testNamesFromListing(listing.ktap);
    const globs = await bootGlobs(this.#req, this.#mode, tests);
    const reconciled = this.#plan.listed(globs);
    this.listed = this.#openRoot(tests, globs);
    // kunit.py stops on a listing without KTAP (a kernel that hung or died while listing) with a Python
    // traceback; here its console goes through the parser, which reports the missing KTAP as an error.
    if (listing.ktap.length === 0) this.#parseLost(listing.console);
    await this.#reconcile(reconciled);
  }

  /** The root run, announced once the listing is known. */
  #openRoot(tests: readonly string[], globs: readonly string[]): Listed {
    const perSuite = new Map<string, number>();
    for (const t of tests) {
      const suite = t.split('.')[0] as string;
      perSuite.set(suite, (perSuite.get(suite) ?? 0) + 1);
    }
    const root = openRootRun(this.#deps, this.#req, this.#tree);
    const count = this.#mode === 'suite' ? globs.length : perSuite.size;
    root.emit({ type: 'test:plan', id: ROOT_ID, count });
    const merger = new BootMerger(ROOT_ID, this.#mode, (suite) => perSuite.get(suite));
    return { tests, globs, root, merger, release: new OrderedRelease(globs.length, merger, root.emit) };
  }

  #parseLost(console: readonly string[]): void {
    const emit = this.listed?.root.emit ?? (() => {});
    const rules = this.#req.target.rules;
    const parser = this.#deps.createParser({
      idPrefix: 'list:',
      parentId: ROOT_ID,
      depth: 0,
      ...(rules ? { rules } : {}),
    });
    for (const line of console) for (const event of parser.push(line)) emit(event);
    for (const event of parser.end()) emit(event);
  }

  /** Predicted boots: the listing keeps them (they take their place) or cancels them. */
  async #reconcile({ cancel, placed }: Reconciliation): Promise<void> {
    const cancelled = new Set(cancel);
    for (const boot of this.#boots) {
      const index = placed.get(boot.glob);
      if (cancelled.has(boot.glob)) {
        boot.cancelled = true;
        boot.gate.drop();
        boot.stop.abort();
        if (boot.record) await this.#forget(boot);
      } else if (index !== undefined) {
        this.#place(boot, index);
        if (boot.record) this.listed?.release.done(index, boot.record);
      }
    }
  }

  /** The boot's place in the list is known: print its start line and what it held back. */
  #place(boot: Started, index: number): void {
    boot.index = index;
    const n = this.#plan.list?.length ?? 0;
    boot.gate.open(`${timestampPrefix(this.#deps.io.now())}Starting KUnit Kernel (${index + 1}/${n})...\n`);
  }
}

/** Runs the isolated boots; returns how many there were. Events go to `tree` and the reporter. */
export async function runIsolated(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder): Promise<number> {
  const mode = req.runIsolated ?? 'suite';
  const buildDir = req.target.buildDir;
  const cache = await loadIsolatedCache(buildDir);
  const key = listingKey(req);
  const predicted = await bootGlobs(req, mode, cache.listings.get(key) ?? []);
  await rm(isolatedDir(buildDir), { recursive: true, force: true });
  const run = new IsolatedRun(deps, req, tree, mode, new BootPlan(predicted, cache.times, req.parallel));
  const t0 = deps.io.now();
  await run.drive();
  const listed = run.listed;
  if (listed === undefined) throw new VmunitError('INTERNAL', 'isolated run ended before its listing boot');
  const records = run.records;
  for (const event of listed.merger.finish()) listed.root.emit(event);
  const interrupted = deps.io.signal?.aborted === true;
  listed.root.finish(records.some((r) => r.timedOut) || interrupted);
  await concatenateLogs(req, records);
  // An interrupted run's times and listing are cut short: they would mislead the next run.
  if (!interrupted) await remember(buildDir, cache, key, listed.tests, run, deps.io.now() - t0, req.parallel);
  return listed.globs.length;
}

async function remember(
  buildDir: string,
  cache: IsolatedCache,
  key: string,
  tests: readonly string[],
  run: IsolatedRun,
  wallMs: number,
  jobs: number,
): Promise<void> {
  for (const r of run.records) if (!r.timedOut) cache.times.set(r.glob, r.elapsedMs);
  // A listing that printed nothing (the kernel hung or died) predicts nothing: keep the last good one.
  if (tests.length > 0) cache.listings.set(key, tests);
  cache.last = { jobs, wallMs, boots: run.timings };
  await saveIsolatedCache(buildDir, cache);
}

/**
 * `<build_dir>/test.log` gets every boot's output in list order as one KTAP document (merged-log.ts), so it
 * re-parses to every test (kunit.py keeps only the last boot's).
 */
async function concatenateLogs(req: ExecRequest, records: readonly BootRecord[]): Promise<void> {
  const target = join(req.target.buildDir, BUILD_DIR_FILES.testLog);
  const logs = await Promise.all(records.map((r) => readFile(r.logPath, 'utf8').catch(() => '')));
  await writeFile(target, mergeBootLogs(logs));
}
