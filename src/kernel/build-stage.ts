/**
 * The `build` stage (kunit_kernel.build_kernel): olddefconfig again (the kunitconfig may have changed),
 * `make all compile_commands.json … --jobs=N`, then the superset check. make's stdout is discarded and its
 * stderr kept: the error on failure, printed as warnings on success (as kunit.py).
 */

import { VmunitError } from '../util/errors.js';
import { buildArgv, formatMakeCommand } from './argv.js';
import { makeTarget, runOlddefconfig, timedStage, validateConfig, withArchFragment } from './config-stage.js';
import { printTimestamped } from './printer.js';
import { runCapture } from './process.js';
import type { BuildRequest, KernelIo, StageResult } from './types.js';

/** Runs make; throws BUILD_FAILED with make's stderr. */
export async function buildKernel(io: KernelIo, req: BuildRequest): Promise<void> {
  await runOlddefconfig(io, req.target, req.makeOptions);
  const argv = buildArgv(makeTarget(req.target, req.makeOptions), req.jobs);
  io.out(`Building with:\n$ ${formatMakeCommand(argv)}\n`);
  const run = await runCapture(io, argv, {
    cwd: req.target.kernelRoot,
    keepStdout: false,
    mergeStderr: false,
  });
  if (run.code !== 0) {
    const why = run.code === null ? `make killed by ${run.signal}` : `make exited with status ${run.code}`;
    throw new VmunitError('BUILD_FAILED', run.stderr.trimEnd() || why);
  }
  if (run.stderr) io.out(`${run.stderr}\n`);
  await validateConfig(req.target, await withArchFragment(req.target, req.kunitconfig));
}

/** The whole `build` stage, with kunit.py's start message. */
export async function buildStage(io: KernelIo, req: BuildRequest): Promise<StageResult> {
  printTimestamped(io, 'Building KUnit Kernel ...');
  return timedStage(io, 'BUILD_FAILURE', () => buildKernel(io, req));
}
