/**
 * `vmunit/kernel`: the kunit.py-compatible kernel tool (config, build, exec, parse stages).
 * Must not import: guest, unit, cli.
 *
 * Exported: the stage pipeline, the arch profiles (data) and the Kconfig model. Internals (boot sessions,
 * isolation scheduling) stay private.
 */

export type { KunitArchProfile, KunitQemuProfile, UmlProfile } from './arch-profiles.js';
export { knownArches, profileForArch, QEMU_PROFILES, UML_PROFILE } from './arch-profiles.js';
export type { Kconfig, KconfigEntry } from './kconfig.js';
export { formatKconfig, parseKconfig } from './kconfig.js';
export type { PipelineResult } from './pipeline.js';
export { kunitBuild, kunitConfig, kunitExec, kunitRun } from './pipeline.js';
