/**
 * The subcommands' flows (kunit.py's run/config/build/exec handlers): stages in order, stopping at the
 * first failure, each stage's typed error reported, and kunit.py's `Elapsed time` lines.
 */

import { buildStage } from './build-stage.js';
import { configStage } from './config-stage.js';
import { type ExecOutcome, execStage } from './exec-stage.js';
import { printTimestamped, seconds } from './printer.js';
import type { BuildRequest, ExecDeps, ExecRequest, KernelIo, StageResult } from './types.js';

/** Results of every stage that ran, and the overall status. */
export interface PipelineResult {
  readonly status: StageResult['status'];
  readonly config?: StageResult;
  readonly build?: StageResult;
  readonly exec?: ExecOutcome;
}

/** Reports a failed stage's error as kunit.py's logging.error does (stderr, `ERROR:root:` prefix). */
export function reportStageError(io: KernelIo, result: StageResult): void {
  if (result.error) io.err(`ERROR:root:${result.error.message}\n`);
}

/** `config`: configure only. */
export async function kunitConfig(io: KernelIo, req: BuildRequest): Promise<PipelineResult> {
  const config = await configStage(io, req);
  reportStageError(io, config);
  printTimestamped(io, `Elapsed time: ${seconds(config.elapsedMs)}s\n`);
  return { status: config.status, config };
}

/** `build`: configure, then build if that worked; the elapsed time printed is the last stage's. */
export async function kunitBuild(io: KernelIo, req: BuildRequest): Promise<PipelineResult> {
  const config = await configStage(io, req);
  reportStageError(io, config);
  if (config.status !== 'SUCCESS') {
    printTimestamped(io, `Elapsed time: ${seconds(config.elapsedMs)}s\n`);
    return { status: config.status, config };
  }
  const build = await buildStage(io, req);
  reportStageError(io, build);
  printTimestamped(io, `Elapsed time: ${seconds(build.elapsedMs)}s\n`);
  return { status: build.status, config, build };
}

/** `exec`: boot and parse. */
export async function kunitExec(deps: ExecDeps, req: ExecRequest, argv0?: string): Promise<PipelineResult> {
  const exec = await execStage(deps, req, argv0);
  printTimestamped(deps.io, `Elapsed time: ${seconds(exec.elapsedMs)}s\n`);
  return { status: exec.status, exec };
}

/** `run`: config → build → exec, stopping at the first failing stage (no elapsed line then, as kunit.py). */
export async function kunitRun(
  deps: ExecDeps,
  build: BuildRequest,
  exec: ExecRequest,
  argv0?: string,
): Promise<PipelineResult> {
  const io = deps.io;
  const start = io.now();
  const config = await configStage(io, build);
  reportStageError(io, config);
  if (config.status !== 'SUCCESS') return { status: config.status, config };
  const built = await buildStage(io, build);
  reportStageError(io, built);
  if (built.status !== 'SUCCESS') return { status: built.status, config, build: built };
  const ran = await execStage(deps, exec, argv0);
  const total = io.now() - start;
  printTimestamped(
    io,
    `Elapsed time: ${seconds(total)}s total, ${seconds(config.elapsedMs)}s configuring, ` +
      `${seconds(built.elapsedMs)}s building, ${seconds(ran.elapsedMs)}s running\n`,
  );
  return { status: ran.status, config, build: built, exec: ran };
}
