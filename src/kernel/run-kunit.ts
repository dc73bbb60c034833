/**
 * `runKunit`: the one entry behind `vmunit kunit config|build|exec|run`, for the CLI and for library users.
 * It resolves the target (arch profile or --qemu_config file, the tree's kunit.py rules), assembles the
 * kunitconfig, and runs kunit.py's stages in order. It never prints on its own: kunit.py's own lines go to
 * the caller's `print`/`note` sinks, the test events to the reporter the caller opens, and the caller's
 * AbortSignal stops make and the kernels (own process groups).
 */

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Reporter } from '../reporters/types.js';
import { VmunitError } from '../util/errors.js';
import { spawnGroup } from '../util/process-group.js';
import { type KunitArchProfile, knownArches, profileForArch } from './arch-profiles.js';
import { shellSplit } from './argv.js';
import { extractKtapLines, ktapBootParser } from './ktap-wiring.js';
import { kunitRulesForTree } from './kunit-version.js';
import { assembleKunitconfig } from './kunitconfig.js';
import { kunitBuild, kunitConfig, kunitExec, kunitRun, type PipelineResult } from './pipeline.js';
import type { BuildRequest, ExecRequest, KernelIo, KernelTarget } from './types.js';

/** Where the kernel is and what it is built for, as kunit.py's common options say it. */
export interface KunitTargetOptions {
  /** Kernel source root (absolute): make runs here, relative paths are read from here. */
  readonly kernelRoot: string;
  /** `--build_dir` as typed, relative to the kernel root. */
  readonly buildDir: string;
  /** `--arch` (ignored when `qemuConfig` is set). */
  readonly arch: string;
  /** `--qemu_config`: a qemu_configs/*.py file, relative to the kernel root. */
  readonly qemuConfig: string | undefined;
  readonly crossCompile: string | undefined;
  /** `--qemu_args`, each still shell-quoted as typed. */
  readonly qemuArgs: readonly string[];
}

/** kunit.py's config/build options. */
export interface KunitConfigOptions {
  /** `--kunitconfig` paths (files or folders holding one). */
  readonly kunitconfig: readonly string[];
  readonly alltests: boolean;
  readonly kconfigAdd: readonly string[];
  readonly makeOptions: readonly string[];
  readonly jobs: number;
}

/** What `vmunit kunit <subcommand>` asks for, typed. */
export interface KunitRequest extends KunitTargetOptions, KunitConfigOptions {
  readonly subcommand: 'config' | 'build' | 'exec' | 'run';
  /** exec/run: the boot options (filters, isolation, listing, raw output, timeout). */
  readonly exec: Omit<ExecRequest, 'target' | 'extraQemuArgs'>;
  /** The environment make and the kernels see. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** What the crash hint tells the user to pipe into ('vmunit kunit' by default). */
  readonly argv0?: string;
}

/** Where a kunit run's output goes. */
export interface KunitSinks {
  /**
   * exec/run: opens the reporters once the target is known (its arch and build dir are the JSON's
   * metadata). runKunit closes what this returns when the stages end, even on an error.
   */
  readonly open: (target: KernelTarget) => Reporter;
  /** A line kunit.py prints on stdout (stage messages, make's and the kernel's command lines, listings). */
  readonly print: (line: string) => void;
  /** A line kunit.py prints on stderr (`ERROR:root:` lines, make's errors). */
  readonly note: (line: string) => void;
}

async function resolveProfile(o: KunitTargetOptions): Promise<KunitArchProfile> {
  if (o.qemuConfig) {
    // zod (the .py config's schema) costs ~0.1 s of start-up: loaded only for --qemu_config.
    const { loadQemuConfigFile } = await import('./qemu-config-file.js');
    return loadQemuConfigFile(resolve(o.kernelRoot, o.qemuConfig));
  }
  const profile = profileForArch(o.arch);
  if (profile) return profile;
  const options = knownArches().filter((a) => a !== 'um');
  throw new VmunitError(
    'USAGE',
    `${o.arch} is not a valid arch, options are [${options.map((a) => `'${a}'`).join(', ')}]`,
  );
}

function splitQemuArgs(values: readonly string[]): string[] {
  const words: string[] = [];
  for (const value of values) {
    try {
      words.push(...shellSplit(value));
    } catch (cause) {
      throw new VmunitError('USAGE', `--qemu_args: ${(cause as Error).message}`, { cause });
    }
  }
  return words;
}

/** The target the stages work on: arch profile, build folder, the tree's kunit.py rules. */
export async function resolveKernelTarget(o: KunitTargetOptions): Promise<KernelTarget> {
  return {
    kernelRoot: o.kernelRoot,
    buildDir: resolve(o.kernelRoot, o.buildDir),
    buildDirArg: o.buildDir,
    profile: await resolveProfile(o),
    crossCompile: o.crossCompile,
    rules: kunitRulesForTree(o.kernelRoot),
  };
}

async function buildRequest(o: KunitConfigOptions, target: KernelTarget): Promise<BuildRequest> {
  const kunitconfig = await assembleKunitconfig({
    kernelRoot: target.kernelRoot,
    buildDir: target.buildDir,
    paths: [...o.kunitconfig],
    alltests: o.alltests,
    kconfigAdd: [...o.kconfigAdd],
  });
  return { target, kunitconfig, makeOptions: o.makeOptions, jobs: o.jobs };
}

/** The stages write whole lines, several at a time: each goes to the sink on its own, without its newline. */
function byLine(sink: (line: string) => void): (text: string) => void {
  return (text) => {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    for (const line of body.split('\n')) sink(line);
  };
}

/** Runs exec or run with the caller's reporters open, closing them at the end. */
async function withReporter(
  io: KernelIo,
  target: KernelTarget,
  sinks: KunitSinks,
  body: (deps: Parameters<typeof kunitExec>[0]) => Promise<PipelineResult>,
): Promise<PipelineResult> {
  const opened = sinks.open(target);
  // The exec stage closes it early (kunit.py's order of lines); this close is for every other way out.
  let closing: Promise<void> | undefined;
  const reporter: Reporter = { onEvent: (e) => opened.onEvent(e), close: () => (closing ??= opened.close()) };
  try {
    return await body({ io, createParser: ktapBootParser, extractKtap: extractKtapLines, reporter });
  } finally {
    await reporter.close();
  }
}

/** Runs one kunit.py subcommand (config, build, exec or run); the result's status is kunit.py's. */
export async function runKunit(
  request: KunitRequest,
  { signal, sinks }: { signal?: AbortSignal; sinks: KunitSinks },
): Promise<PipelineResult> {
  // As kunit.py: --qemu_args is checked before the arch.
  const extraQemuArgs = splitQemuArgs(request.qemuArgs);
  const target = await resolveKernelTarget(request);
  const io: KernelIo = {
    spawn: spawnGroup,
    env: request.env,
    out: byLine(sinks.print),
    err: byLine(sinks.note),
    now: () => Date.now(),
    ...(signal === undefined ? {} : { signal }),
  };
  const exec = (): ExecRequest => ({ ...request.exec, target, extraQemuArgs });
  switch (request.subcommand) {
    case 'config':
      await mkdir(target.buildDir, { recursive: true });
      return kunitConfig(io, await buildRequest(request, target));
    case 'build':
      return kunitBuild(io, await buildRequest(request, target));
    case 'exec': {
      const req = exec();
      return withReporter(io, target, sinks, (deps) => kunitExec(deps, req, request.argv0));
    }
    case 'run': {
      const req = exec();
      await mkdir(target.buildDir, { recursive: true });
      const build = await buildRequest(request, target);
      return withReporter(io, target, sinks, (deps) => kunitRun(deps, build, req, request.argv0));
    }
  }
}
