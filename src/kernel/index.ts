/**
 * `vmunit/kernel`: the kunit.py-compatible kernel tool (config, build, exec, run).
 * Must not import: guest, unit, scale, cli.
 *
 * `runKunit(request, { signal, sinks })` is the whole `vmunit kunit config|build|exec|run`: kunit.py's
 * stages in order, its own lines to your print/note sinks, the tests as RunEvents to the reporter you open,
 * make and the kernels stopped on your AbortSignal. Also exported: the arch profiles (data) and the Kconfig
 * model. Internals (stages, boot sessions, isolation scheduling) stay private.
 */

export type { KunitArchProfile, KunitQemuProfile, UmlProfile } from './arch-profiles.js';
export { knownArches, profileForArch, QEMU_PROFILES, UML_PROFILE } from './arch-profiles.js';
export type { Kconfig, KconfigEntry } from './kconfig.js';
export { formatKconfig, parseKconfig } from './kconfig.js';
export type { PipelineResult } from './pipeline.js';
export {
  type KunitConfigOptions,
  type KunitRequest,
  type KunitSinks,
  type KunitTargetOptions,
  resolveKernelTarget,
  runKunit,
} from './run-kunit.js';
export type { KernelTarget, KunitStatus } from './types.js';
