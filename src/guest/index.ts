/**
 * `vmunit/guest`: the kvm-unit-tests runner as a library.
 * Must not import: kernel, unit, scale, cli.
 * One entry per command, each `(request, { signal, sinks })`, never printing on its own:
 * - `runTree` runs a configured and built tree as `vmunit run` does (run_tests.sh's selection, verdicts,
 *   logs folder), streaming RunEvents to your reporters; `ResultLinesReporter` prints run_tests.sh's
 *   result lines from those events;
 * - `execGuest` runs one guest binary as `vmunit exec` (`<arch>/run FILE …`) does;
 * - `writeStandaloneTests` writes `make standalone`'s scripts as `vmunit standalone` does.
 * Each stops on your AbortSignal. The pieces below them are pure: parse a unittests.cfg, select tests
 * with run_tests.sh's rules, build QEMU command lines from per-arch data, decode exit statuses.
 */

export { parseJobs } from '../util/pool.js';
export { parseUnittestsCfg } from './cfg/parse.js';
export type { GuestTestSpec, ResolvedGuestTest } from './cfg/spec.js';
export { readTreeConfig, type TreeConfig } from './config-mak.js';
export { resolveGuestEnv } from './env.js';
export { type ExecRequest, type ExecSinks, execGuest } from './exec.js';
export {
  classifyStartupFailure,
  type DecodedExit,
  type DecodeInput,
  decodeExit,
  type ProcessEnd,
  type Verdict,
} from './exit-code.js';
export { GuestOutputAdapter, type KtapSinkFactory } from './guest-output.js';
export { logFileName } from './logs.js';
export { ResultLinesReporter } from './progress.js';
export { chooseAccel, kvmDeviceUsable } from './qemu/accel.js';
export { ARCH_PROFILES, archProfile } from './qemu/arch/index.js';
export type { ArchName, GuestArchProfile } from './qemu/arch/types.js';
export { buildQemuArgv, formatCommandLine, type QemuPlatform, type QemuTestArgs } from './qemu/args.js';
export { buildEnviron } from './qemu/environ.js';
export { qemuPlatform, resolvePlatform } from './qemu/platform.js';
export type { GuestRunSummary } from './run.js';
export type { RunHeaderFacts } from './run-header.js';
export {
  type RunTreeRequest,
  type RunTreeResult,
  type RunTreeSinks,
  runTree,
} from './run-tree.js';
export { decideTest, type Selection, selectTest } from './select.js';
export {
  type StandaloneEntry,
  type StandaloneRequest,
  type StandaloneSinks,
  writeStandaloneTests,
} from './standalone/build.js';
export { type LoadedTree, loadTree } from './tree.js';
