/**
 * One kernel boot as the exec stage and isolated runs use it: the boot command line (echoed as kunit.py
 * does), listing boots (`kunit.action=list`), and the root node every boot's KTAP is embedded under, with
 * kunit.py's rules for the root's final status.
 */

import { join } from 'node:path';
import type { RunEvent } from '../events/types.js';
import type { TreeBuilder } from '../ktap/tree.js';
import { type Argv, bootArgv, formatBootCommand, kernelArgs } from './argv.js';
import { type BootOutcome, bootKernel } from './boot.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import { testNamesFromListing } from './listing.js';
import type { ExecDeps, ExecRequest, KernelIo } from './types.js';

/** One boot's specifics on top of the request. */
export interface BootSpec {
  readonly filterGlob: string;
  /** Arguments put before the user's `--kernel_args` (kunit.action=…, per-boot UML umid/uml_dir). */
  readonly leadingArgs: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logPath: string;
}

/** The command line of one boot of the request. */
export function bootCommand(req: ExecRequest, spec: Pick<BootSpec, 'filterGlob' | 'leadingArgs'>): Argv {
  const args = kernelArgs({
    kernelArgs: [...spec.leadingArgs, ...req.kernelArgs],
    filterGlob: spec.filterGlob,
    filter: req.filter,
    filterAction: req.filterAction,
  });
  return bootArgv(req.target.profile, req.target.buildDirArg, args, req.extraQemuArgs);
}

/** Boots once, echoing the command line as kunit.py does. */
export function runBoot(
  io: KernelIo,
  req: ExecRequest,
  spec: BootSpec,
  onLine: (line: string) => void,
): Promise<BootOutcome> {
  const argv = bootCommand(req, spec);
  io.out(`Running tests with:\n$ ${formatBootCommand(req.target.profile, argv)}\n`);
  return bootKernel(io, {
    argv,
    cwd: req.target.kernelRoot,
    env: spec.env,
    logPath: spec.logPath,
    timeoutMs: req.timeoutSec * 1000,
    onLine,
  });
}

/** `<build_dir>/test.log`. */
export function testLogPath(req: ExecRequest): string {
  return join(req.target.buildDir, BUILD_DIR_FILES.testLog);
}

/** The argument that turns a boot into a listing. */
export function actionArg(action: 'list' | 'list_attr'): string {
  return `kunit.action=${action}`;
}

/** Boots with `kunit.action=<action>`: the whole console and its KTAP-extracted part. */
export async function listingOutput(
  deps: ExecDeps,
  req: ExecRequest,
  action: 'list' | 'list_attr',
): Promise<{ console: string[]; ktap: string[] }> {
  const lines: string[] = [];
  await runBoot(
    deps.io,
    req,
    {
      filterGlob: req.filterGlob,
      leadingArgs: [actionArg(action)],
      env: deps.io.env,
      logPath: testLogPath(req),
    },
    (line) => lines.push(line),
  );
  return { console: lines, ktap: deps.extractKtap(lines) };
}

/** Boots with `kunit.action=<action>` and returns the KTAP-extracted output. */
export async function listingBoot(deps: ExecDeps, req: ExecRequest, action: 'list' | 'list_attr') {
  return (await listingOutput(deps, req, action)).ktap;
}

/** `suite.test` names the kernel would run with the request's filters. */
export async function listTests(deps: ExecDeps, req: ExecRequest): Promise<string[]> {
  return testNamesFromListing(await listingBoot(deps, req, 'list'));
}

/** run:start with the metadata kunit.py's JSON carries. */
function runStartEvent(req: ExecRequest, now: number): RunEvent {
  return {
    type: 'run:start',
    producer: 'kernel',
    name: req.target.buildDirArg,
    meta: {
      arch: req.target.profile.linuxArch,
      defconfig: 'kunit_defconfig',
      build_dir: req.target.buildDirArg,
    },
    time: now,
    ...(req.target.rules ? { rules: req.target.rules } : {}),
  };
}

/** Id of the root node the exec stage owns (the boots' KTAP is embedded under it). */
export const ROOT_ID = 'root';

/**
 * Watches the root's events to give it kunit.py's final status: FAILURE_TO_PARSE_TESTS when no KTAP was
 * found, NO_TESTS when nothing ran, else the counts' status (the tree builder derives it from 'SUCCESS').
 */
class RootWatch {
  #children = 0;
  #noKtap = false;
  #noTests = false;

  see(event: RunEvent): void {
    if (event.type === 'test:start' && event.parentId === ROOT_ID) this.#children++;
    if (event.type === 'parse:issue' && event.id === ROOT_ID) {
      if (event.kind === 'no-ktap') this.#noKtap = true;
      if (event.kind === 'no-tests') this.#noTests = true;
    }
  }

  result(): RunEvent {
    let status: 'SUCCESS' | 'NO_TESTS' | 'FAILURE_TO_PARSE_TESTS' = 'SUCCESS';
    if (this.#children === 0) status = this.#noKtap ? 'FAILURE_TO_PARSE_TESTS' : 'NO_TESTS';
    else if (this.#noTests) status = 'NO_TESTS';
    return {
      type: 'test:result',
      id: ROOT_ID,
      name: this.#noKtap && this.#children === 0 ? '<missing>' : 'main',
      status,
    };
  }
}

/** The root's test:start: the console prints its opening divider here, before the kernel starts. */
function rootStartEvent(): RunEvent {
  return { type: 'test:start', id: ROOT_ID, parentId: null, name: 'main', index: 1, depth: 0, isSuite: true };
}

/** The stage's root as a single boot and isolated boots both open and close it. */
export interface RootRun {
  /** Sends an event to the tree and the reporter (and watches it for the root's final status). */
  readonly emit: (event: RunEvent) => void;
  /** The root's result and run:end. */
  readonly finish: (interrupted: boolean) => void;
}

/** Emits run:start and the root's test:start now; the boots' events go through `emit`. */
export function openRootRun(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder): RootRun {
  const watch = new RootWatch();
  const emit = (event: RunEvent) => {
    watch.see(event);
    tree.push(event);
    deps.reporter.onEvent(event);
  };
  const start = deps.io.now();
  emit(runStartEvent(req, start));
  emit(rootStartEvent());
  return {
    emit,
    finish: (interrupted) => {
      emit(watch.result());
      emit({ type: 'run:end', interrupted, elapsedMs: deps.io.now() - start });
    },
  };
}
