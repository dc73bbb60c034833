/**
 * `vmunit run` orchestration for a kvm-unit-tests tree: select every cfg entry (guest-A's select.ts),
 * report the harness skips, resolve the accelerator and QEMU binary once, build the environ file once per
 * accelerator, run the remaining tests on the `-j` pool, and stream everything as RunEvents. The console
 * lines, the results folder and the exit status follow from the outcomes.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent, TestStatus } from '../events/types.js';
import { aggregateStatus } from '../ktap/status.js';
import { runPool, startOrder } from '../util/pool.js';
import type { GuestTestSpec, ResolvedGuestTest } from './cfg/spec.js';
import type { QemuTreeFacts } from './config-mak.js';
import type { Verdict } from './exit-code.js';
import type { KtapSinkFactory } from './guest-output.js';
import { type StoredResult, TestLog, writeResultsJson } from './logs.js';
import type { Progress } from './progress.js';
import { chooseAccel } from './qemu/accel.js';
import type { GuestArchProfile } from './qemu/arch/types.js';
import type { QemuPlatform } from './qemu/args.js';
import { formatCommandLine } from './qemu/args.js';
import { buildEnviron } from './qemu/environ.js';
import { type QemuInfo, type QemuProber, qemuArchFor, qemuCandidates } from './qemu/probe.js';
import { runOneTest, testArgv } from './run-one.js';
import { verboseCommandLine } from './select.js';
import type { ChildLike, SpawnFn } from './supervise.js';

/** What selection decided for one cfg entry (structurally select.ts's `Selection`). */
export type GuestSelection =
  | { readonly kind: 'filtered' }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'run'; readonly test: ResolvedGuestTest };

/** config.mak facts the QEMU side needs, plus what `vmunit run` adds for the environ file and logs. */
export interface TreeFacts extends QemuTreeFacts {
  /** config.mak ERRATATXT ('' = none) and its text (undefined = file missing). */
  readonly errataPath: string;
  readonly errataText: string | undefined;
  readonly buildHead: string;
  /** `./$TEST_SUBDIR/run`, named in `-v` lines as run_tests.sh prints them. */
  readonly runScript: string;
}

export interface GuestRunOptions {
  readonly treeDir: string;
  readonly profile: GuestArchProfile;
  readonly tree: TreeFacts;
  readonly specs: readonly GuestTestSpec[];
  readonly select: (spec: GuestTestSpec) => Promise<GuestSelection>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly jobs: number;
  readonly verbose: boolean;
  readonly dryRun: boolean;
  /** Results folder (absolute), already prepared (`prepareResultsDir`); undefined with --dry-run. */
  readonly resultsDir: string | undefined;
  /** Test durations of the previous run (`readPreviousDurations`), for longest-first scheduling. */
  readonly previousDurations: ReadonlyMap<string, number>;
  readonly emit: (event: RunEvent) => void;
  readonly progress: Progress;
  /** Dry-run command lines and `-v` lines go here. */
  readonly print: (line: string) => void;
  readonly prober: QemuProber;
  readonly kvmDevice: boolean;
  readonly kernelRelease: string;
  /** Contents of the user's KVM_UNIT_TESTS_ENV file, merged into the environ file. */
  readonly userEnv?: string;
  readonly graceMs: number;
  readonly logCapBytes?: number;
  readonly signal?: AbortSignal;
  readonly spawn?: SpawnFn;
  /** Filled with the running QEMU processes, so the CLI can SIGKILL them if it must exit at once. */
  readonly live?: Set<ChildLike>;
  readonly ktap?: KtapSinkFactory;
}

export interface GuestRunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly interrupted: boolean;
}

const ROOT_ID = 'guest';

/** Groups whose tests need harness cooperation vmunit lacks (QMP migration, panic events). */
const UNSUPPORTED_GROUPS: ReadonlySet<string> = new Set(['migration', 'panic']);

interface Runnable {
  readonly test: ResolvedGuestTest;
  readonly accel: string;
  readonly props: string;
}

type Kept = { spec: GuestTestSpec; sel: Exclude<GuestSelection, { kind: 'filtered' }> };

/** Selection is cheap (no QEMU), so it runs first: the progress line then knows the total. */
async function selectAll(o: GuestRunOptions): Promise<Kept[]> {
  const kept: Kept[] = [];
  for (const spec of o.specs) {
    const sel = await o.select(spec);
    if (sel.kind !== 'filtered') kept.push({ spec, sel });
  }
  return kept;
}

/** Runs (or, with dryRun, prints) the selected tests of one tree. */
export async function runGuestTests(o: GuestRunOptions): Promise<GuestRunSummary> {
  const started = performance.now();
  o.emit({
    type: 'run:start',
    producer: 'guest',
    name: o.treeDir,
    meta: { arch: o.profile.arch },
    time: Date.now(),
  });
  o.emit({
    type: 'test:start',
    id: ROOT_ID,
    parentId: null,
    name: o.profile.arch,
    index: 1,
    depth: 0,
    isSuite: true,
  });
  const state = new RunState(o);
  const runnables: Runnable[] = [];
  const selections = await selectAll(o);
  o.progress.setTotal(selections.length);
  for (const { spec, sel } of selections) {
    if (o.signal?.aborted) break;
    if (sel.kind === 'skip') {
      await state.harnessSkip(spec.name, sel.reason, undefined);
      continue;
    }
    const unsupported = spec.groups.find((g) => UNSUPPORTED_GROUPS.has(g));
    if (unsupported !== undefined) {
      // Without the QMP dance these guests would wait for a key press until their timeout.
      const reason = `vmunit does not run '${unsupported}' tests yet`;
      await state.harnessSkip(spec.name, reason, reason);
      continue;
    }
    const accel = chooseAccel({
      requested: sel.test.accelRequested,
      host: o.tree.host,
      profile: o.profile,
      kvmDevice: o.kvmDevice,
    });
    if (!accel.ok) {
      // Upstream: the run script exits 2 with this message, the premature-failure probe turns it into SKIP.
      await state.harnessSkip(spec.name, accel.message, accel.message);
      continue;
    }
    const r = { test: sel.test, accel: accel.accel, props: accel.props };
    // -j 1 keeps run_tests.sh's order exactly: each test runs where it stands in the cfg (a dry run too, so
    // its command lines and `# SKIP` lines come in cfg order).
    if (o.jobs <= 1 || o.dryRun) await state.run(r);
    else runnables.push(r);
  }
  const order = startOrder(
    runnables.map((r) => r.test.spec.name),
    o.previousDurations,
    o.dryRun ? 1 : o.jobs,
  );
  await runPool(runnables, order, o.dryRun ? 1 : o.jobs, (r) => state.run(r), o.signal);
  await state.finish(performance.now() - started);
  const interrupted = o.signal?.aborted ?? false;
  o.emit({ type: 'test:result', id: ROOT_ID, name: o.profile.arch, status: state.rootStatus() });
  o.emit({
    type: 'run:end',
    interrupted,
    elapsedMs: Math.round(performance.now() - started),
    time: Date.now(),
  });
  return { ...state.counts, interrupted };
}

/** Mutable per-run bookkeeping, kept out of module scope. */
class RunState {
  readonly #o: GuestRunOptions;
  readonly #results: StoredResult[] = [];
  readonly #qemu = new Map<string, Promise<QemuInfo>>();
  readonly #environ = new Map<string, Promise<string>>();
  #tmpDir: Promise<string> | undefined;
  #index = 0;
  #write: Promise<void> = Promise.resolve();
  counts = { passed: 0, failed: 0, skipped: 0 };

  constructor(o: GuestRunOptions) {
    this.#o = o;
  }

  #start(name: string): string {
    const index = ++this.#index;
    const id = `${ROOT_ID}/${index}`;
    this.#o.emit({
      type: 'test:start',
      id,
      parentId: ROOT_ID,
      name,
      index,
      depth: 1,
      isSuite: false,
      time: Date.now(),
    });
    return id;
  }

  /** A SKIP decided before QEMU ran (selection, accelerator, missing QEMU feature). */
  async harnessSkip(name: string, reason: string, logText: string | undefined): Promise<void> {
    if (this.#o.dryRun) {
      this.#o.print(`# SKIP ${name} (${reason})`);
      return;
    }
    const id = this.#start(name);
    if (logText !== undefined && this.#o.resultsDir) {
      const log = new TestLog(this.#o.resultsDir, name, this.#o.logCapBytes);
      log.line(logText);
      log.line('');
      await log.close();
    }
    this.#o.emit({
      type: 'test:result',
      id,
      name,
      status: 'SKIPPED',
      directive: { kind: 'SKIP', reason },
      reason,
    });
    this.#record(name, 'SKIP', `(${reason})`, reason, 0);
  }

  #record(name: string, verdict: Verdict, text: string, reason: string, durationMs: number): void {
    this.#o.progress.finished(name, verdict, text);
    if (verdict === 'PASS') this.counts.passed++;
    else if (verdict === 'FAIL') this.counts.failed++;
    else this.counts.skipped++;
    this.#results.push({ name, verdict, reason, durationMs: Math.round(durationMs) });
    const dir = this.#o.resultsDir;
    if (dir && !this.#o.dryRun) {
      const snapshot = [...this.#results];
      this.#write = this.#write.then(() => writeResultsJson(dir, snapshot, false)).catch(() => undefined);
    }
  }

  /** QEMU binary and capabilities for one accelerator, probed once. */
  #qemuFor(accel: string): Promise<QemuInfo> {
    const { profile, tree, env, treeDir, prober } = this.#o;
    const arch = qemuArchFor(profile, accel, tree.host, env.QEMU_ARCH);
    let info = this.#qemu.get(arch);
    if (info === undefined) {
      info = prober
        .findBinary(qemuCandidates(env.QEMU, arch), env.PATH ?? '', treeDir)
        .then((b) => prober.info(b.path, b.help, profile));
      this.#qemu.set(arch, info);
    }
    return info;
  }

  /** The environ file for one accelerator, written once. */
  #environFor(accel: string, info: QemuInfo): Promise<string> {
    let file = this.#environ.get(accel);
    if (file === undefined) {
      const o = this.#o;
      const text = buildEnviron({
        target: o.tree.target,
        accel,
        qemuVersionString: info.versionString,
        kernelRelease: o.kernelRelease,
        env: o.env,
        ...(o.userEnv === undefined ? {} : { userEnv: o.userEnv }),
        errata: { path: o.tree.errataPath, text: o.tree.errataText },
      });
      this.#tmpDir ??= mkdtemp(join(tmpdir(), 'vmunit-environ-'));
      file = this.#tmpDir.then(async (dir) => {
        const path = join(dir, `environ-${accel}`);
        await writeFile(path, text);
        return path;
      });
      this.#environ.set(accel, file);
    }
    return file;
  }

  async run(r: Runnable): Promise<void> {
    const o = this.#o;
    const name = r.test.spec.name;
    const info = await this.#qemuFor(r.accel);
    if (info.missing !== undefined) {
      await this.harnessSkip(name, info.missing, info.missing);
      return;
    }
    const platform: QemuPlatform = {
      profile: o.profile,
      qemu: info.path,
      accel: r.accel,
      accelProps: r.props,
      host: o.tree.host,
      targetCpu: o.tree.targetCpu,
      defaultCpu: o.tree.defaultCpu,
      firmware: o.tree.firmware,
      machine: r.test.machine,
      hasPciTestdev: info.hasPciTestdev,
    };
    const initrd = o.tree.environDefault ? await this.#environFor(r.accel, info) : undefined;
    if (o.dryRun) {
      o.print(`${formatCommandLine(testArgv({ test: r.test, platform, initrd }))}`);
      return;
    }
    // -v prints run_tests.sh's own line; the exact QEMU command is the first line of the test's log.
    if (o.verbose) o.print(verboseCommandLine(r.test, o.tree.runScript));
    const id = this.#start(name);
    o.progress.started(name);
    const log = o.resultsDir ? new TestLog(o.resultsDir, name, o.logCapBytes) : undefined;
    const outcome = await runOneTest({
      test: r.test,
      id,
      depth: 1,
      profile: o.profile,
      platform,
      initrd,
      cwd: o.treeDir,
      graceMs: o.signal?.aborted ? Math.min(o.graceMs, 1000) : o.graceMs,
      log,
      emit: o.emit,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.spawn ? { spawn: o.spawn } : {}),
      ...(o.live ? { live: o.live } : {}),
      ...(o.ktap ? { ktap: o.ktap } : {}),
    });
    await log?.close();
    this.#record(name, outcome.verdict, outcome.text, outcome.reason, outcome.durationMs);
  }

  rootStatus(): TestStatus {
    return aggregateStatus({ ...this.counts, crashed: 0, errors: 0 });
  }

  /** `elapsedMs`: wall time of the run, stored so benchmarks can separate harness time from QEMU time. */
  async finish(elapsedMs: number): Promise<void> {
    this.#o.progress.close();
    await this.#write;
    const dir = this.#o.resultsDir;
    if (dir && !this.#o.dryRun)
      await writeResultsJson(dir, this.#results, !this.#o.signal?.aborted, elapsedMs);
    // Dry runs print command lines that refer to the environ file, so it stays for the user to paste them.
    if (this.#tmpDir && !this.#o.dryRun) await rm(await this.#tmpDir, { recursive: true, force: true });
  }
}
