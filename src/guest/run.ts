/**
 * The test loop of `vmunit run` for one tree (runTree in run-tree.ts prepares it): decide every cfg entry
 * (select.ts), report the harness skips, resolve the accelerator and QEMU binary once, write the environ
 * file once per accelerator into the results folder, run the remaining tests on the `-j` pool, and stream
 * everything as RunEvents. It never prints: result lines and progress are reporters on those events.
 */

import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TestStatus } from '../events/types.js';
import { aggregateStatus } from '../ktap/status.js';
import { runPool, startOrder } from '../util/pool.js';
import type { GuestTestSpec, ResolvedGuestTest } from './cfg/spec.js';
import {
  type EfiArch,
  type EfiCase,
  efiArch,
  efiCase,
  efiSettings,
  efiTakesInitrd,
  prepareEfiCase,
} from './efi.js';
import type { Verdict } from './exit-code.js';
import { ResultsFile, TestLog } from './logs.js';
import { resultText } from './progress.js';
import { chooseAccel } from './qemu/accel.js';
import { formatCommandLine } from './qemu/args.js';
import { buildEnviron } from './qemu/environ.js';
import { resolvePlatform } from './qemu/platform.js';
import type { QemuInfo } from './qemu/probe.js';
import { runOneTest, testArgv } from './run-one.js';
import type { GuestRunOptions, GuestRunSummary, GuestSelection, TreeFacts } from './run-options.js';
import { timeoutHint, verboseCommandLine } from './select.js';
import { testFirmware } from './test-firmware.js';

export type { GuestRunOptions, GuestRunSummary, GuestSelection, TreeFacts } from './run-options.js';

const ROOT_ID = 'guest';

interface Runnable {
  readonly spec: GuestTestSpec;
  readonly sel: Extract<GuestSelection, { kind: 'run' | 'pending' }>;
  /** Position among the selected tests (cfg order), 1-based: test:start's index, whatever -j does. */
  readonly index: number;
  readonly accel: string;
  readonly props: string;
}

type Kept = { spec: GuestTestSpec; sel: Exclude<GuestSelection, { kind: 'filtered' }>; index: number };

/** Selection is cheap (no QEMU, no expansion), so it runs first: the progress line then knows the total. */
async function selectAll(o: GuestRunOptions): Promise<Kept[]> {
  const kept: Kept[] = [];
  for (const spec of o.specs) {
    const sel = await o.select(spec);
    if (sel.kind !== 'filtered') kept.push({ spec, sel, index: kept.length + 1 });
  }
  return kept;
}

/** The test's values, expanded now (a pending test's `$(…)` runs when the test starts). */
function resolveNow(sel: Runnable['sel']): Promise<ResolvedGuestTest> {
  return sel.kind === 'run' ? Promise.resolve(sel.test) : sel.expand();
}

/** Runs (or, with dryRun, prints) the selected tests of one tree. */
export async function runGuestTests(o: GuestRunOptions): Promise<GuestRunSummary> {
  const started = performance.now();
  const selections = await selectAll(o);
  o.emit({
    type: 'run:start',
    producer: 'guest',
    name: o.treeDir,
    meta: { ...o.meta, arch: o.profile.arch, tests: String(o.dryRun ? 0 : selections.length) },
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
  for (const { spec, sel, index } of selections) {
    if (o.signal?.aborted) break;
    if (sel.kind === 'skip') {
      await state.harnessSkip(spec.name, index, sel.reason, undefined);
      continue;
    }
    const accel = chooseAccel({
      requested: sel.kind === 'run' ? sel.test.accelRequested : sel.accelRequested,
      host: o.tree.host,
      profile: o.profile,
      kvmDevice: o.kvmDevice,
    });
    if (!accel.ok) {
      // Upstream: the run script exits 2 with this message, the premature-failure probe turns it into SKIP.
      await state.harnessSkip(spec.name, index, accel.message, accel.message);
      continue;
    }
    const r: Runnable = { spec, sel, index, accel: accel.accel, props: accel.props };
    // -j 1 keeps run_tests.sh's order exactly: each test runs where it stands in the cfg (a dry run too, so
    // its command lines and `# SKIP` lines come in cfg order).
    if (o.jobs <= 1 || o.dryRun) await state.run(r);
    else runnables.push(r);
  }
  const order = startOrder(
    runnables.map((r) => r.spec.name),
    o.previousDurations,
    o.dryRun ? 1 : o.jobs,
    runnables.map((r) => timeoutHint(r.spec)),
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
  readonly #results: ResultsFile | undefined;
  readonly #environ = new Map<string, Promise<string | undefined>>();
  readonly #platforms = new Map<string, ReturnType<typeof resolvePlatform>>();
  /** performance.now() (ms since the process started) when the first test's QEMU was about to start. */
  #firstSpawnMs: number | undefined;
  counts = { passed: 0, failed: 0, skipped: 0 };

  constructor(o: GuestRunOptions) {
    this.#o = o;
    this.#results = o.resultsDir && !o.dryRun ? new ResultsFile(o.resultsDir) : undefined;
  }

  /** test:start with the test's cfg position as index, so reports keep cfg order whatever -j starts first. */
  #start(name: string, index: number): string {
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
  async harnessSkip(name: string, index: number, reason: string, logText: string | undefined): Promise<void> {
    if (this.#o.dryRun) {
      this.#o.print(`# SKIP ${name} (${reason})`);
      return;
    }
    const id = this.#start(name, index);
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
      resultText: resultText(reason, ''),
    });
    this.#record(name, 'SKIP', reason, 0);
  }

  #record(name: string, verdict: Verdict, reason: string, durationMs: number): void {
    if (verdict === 'PASS') this.counts.passed++;
    else if (verdict === 'FAIL') this.counts.failed++;
    else this.counts.skipped++;
    this.#results?.add({ name, verdict, reason, durationMs: Math.round(durationMs) });
  }

  /** QEMU binary, capabilities and platform for one accelerator and machine, found once per run. */
  #qemuFor(accel: string, props: string, machine: string): ReturnType<typeof resolvePlatform> {
    const key = `${accel}\0${props}\0${machine}`;
    let found = this.#platforms.get(key);
    if (found === undefined) {
      const { profile, tree, env, treeDir, prober } = this.#o;
      const base = { profile, tree, host: tree.host, accel, accelProps: props, machine };
      found = resolvePlatform(prober, base, { env, cwd: treeDir });
      this.#platforms.set(key, found);
    }
    return found;
  }

  /**
   * The environ file for one accelerator, written once into the results folder (`environ-<accel>`), so
   * the command at the top of each log runs as it stands, as long as the folder is kept. A dry run writes
   * nothing and prints the command without it.
   */
  #environFor(accel: string, info: QemuInfo): Promise<string | undefined> {
    let file = this.#environ.get(accel);
    if (file === undefined) {
      const o = this.#o;
      const dir = o.resultsDir;
      const text = buildEnviron({
        target: o.tree.target,
        accel,
        qemuVersionString: info.versionString,
        kernelRelease: o.kernelRelease,
        env: o.env,
        ...(o.userEnv === undefined ? {} : { userEnv: o.userEnv }),
        errata: { path: o.tree.errataPath, text: o.tree.errataText },
      });
      file =
        dir === undefined || o.dryRun
          ? Promise.resolve(undefined)
          : writeFile(join(dir, `environ-${accel}`), text).then(() => join(dir, `environ-${accel}`));
      this.#environ.set(accel, file);
    }
    return file;
  }

  async run(r: Runnable): Promise<void> {
    const o = this.#o;
    const name = r.spec.name;
    const test = await resolveNow(r.sel);
    const { platform: base, info } = await this.#qemuFor(r.accel, r.props, test.machine);
    const firmware = o.firmware && (await this.#firmwareOf(test));
    const platform = firmware?.bios ? { ...base, bios: firmware.bios } : base;
    if (info.missing !== undefined) {
      await this.harnessSkip(name, r.index, info.missing, info.missing);
      return;
    }
    let efi: EfiCase | undefined;
    const arch = efiArch(o.profile.arch);
    if (o.tree.efi !== undefined && arch !== undefined) {
      efi = await this.#efiCase(test, r.index, arch, o.tree.efi);
      if (efi === undefined) return;
    }
    // The EFI run scripts set ENVIRON_DEFAULT=n: without -kernel QEMU refuses -initrd.
    const environ = o.tree.environDefault && (!efi || efiTakesInitrd(efi));
    const initrd = environ ? await this.#environFor(r.accel, info) : undefined;
    if (o.dryRun) {
      const line = formatCommandLine(testArgv({ test, platform, initrd: undefined, efi }));
      o.print(environ ? `${line} # -initrd <environ file>` : line);
      return;
    }
    // -v prints run_tests.sh's own line; the exact QEMU command is the first line of the test's log.
    if (o.verbose) o.print(verboseCommandLine(test, o.tree.runScript));
    const id = this.#start(name, r.index);
    if (firmware) {
      o.emit({ type: 'test:attr', id, key: 'firmware', value: firmware.name });
      if (firmware.reason) o.emit({ type: 'test:attr', id, key: 'firmware.reason', value: firmware.reason });
    }
    const log = o.resultsDir ? new TestLog(o.resultsDir, name, o.logCapBytes) : undefined;
    this.#firstSpawnMs ??= performance.now();
    const outcome = await runOneTest({
      test,
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
      ...(o.waitTimeouts ? { waitTimeouts: true } : {}),
      ...(o.tree.addr2line === undefined ? {} : { addr2line: o.tree.addr2line }),
      ...(efi ? { efi } : {}),
    });
    await log?.close();
    this.#record(name, outcome.verdict, outcome.reason, outcome.durationMs);
  }

  #firmwareOf(test: ResolvedGuestTest) {
    const setup = this.#o.firmware;
    if (setup === undefined) return undefined;
    const image = resolve(this.#o.treeDir, test.kernel);
    return testFirmware(setup, { name: test.spec.name, image, vmmArgs: test.vmmArgs });
  }

  /** The test's EFI boot folder, or undefined after reporting the EFI run script's failure as a SKIP. */
  async #efiCase(
    test: ResolvedGuestTest,
    index: number,
    arch: EfiArch,
    tree: NonNullable<TreeFacts['efi']>,
  ): Promise<EfiCase | undefined> {
    const settings = efiSettings(arch, this.#o.env, tree.testDir, tree.direct);
    const c = efiCase(settings, test.kernel, test.spec.name, test.vmmArgs);
    try {
      await prepareEfiCase(this.#o.treeDir, c);
      return c;
    } catch (error) {
      const lines = (error as Error).message.split('\n');
      await this.harnessSkip(test.spec.name, index, lines.at(-1) ?? '', lines.join('\n'));
      return undefined;
    }
  }

  rootStatus(): TestStatus {
    return aggregateStatus({ ...this.counts, crashed: 0, errors: 0 });
  }

  /** `elapsedMs`: wall time of the run, stored so benchmarks can separate harness time from QEMU time. */
  async finish(elapsedMs: number): Promise<void> {
    await this.#results?.finish(!this.#o.signal?.aborted, elapsedMs, this.#firstSpawnMs);
  }
}
