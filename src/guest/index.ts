/**
 * `vmunit/guest`: the kvm-unit-tests runner (unittests.cfg, selection, QEMU profiles, verdicts) as a library.
 * Must not import: kernel, unit, cli.
 *
 * Parse a tree's unittests.cfg, select tests with run_tests.sh's rules, build QEMU command lines from
 * per-arch data, decode exit statuses, and run a whole tree as a stream of RunEvents.
 */

export { parseJobs, runPool, startOrder } from '../util/pool.js';
export { parseUnittestsCfg } from './cfg/parse.js';
export type { GuestTestSpec, ResolvedGuestTest } from './cfg/spec.js';
export { readTreeConfig, type TreeConfig } from './config-mak.js';
export { resolveGuestEnv } from './env.js';
export {
  classifyStartupFailure,
  type DecodedExit,
  type DecodeInput,
  decodeExit,
  type ProcessEnd,
  type Verdict,
} from './exit-code.js';
export { GuestOutputAdapter, type KtapSinkFactory } from './guest-output.js';
export { logFileName, prepareResultsDir, readPreviousDurations, TestLog } from './logs.js';
export { Progress } from './progress.js';
export { chooseAccel, kvmDeviceUsable } from './qemu/accel.js';
export { ARCH_PROFILES, archProfile } from './qemu/arch/index.js';
export type { ArchName, GuestArchProfile } from './qemu/arch/types.js';
export { buildQemuArgv, formatCommandLine, type QemuPlatform, type QemuTestArgs } from './qemu/args.js';
export { buildEnviron } from './qemu/environ.js';
export { QemuProber } from './qemu/probe.js';
export { type GuestRunOptions, type GuestRunSummary, runGuestTests, type TreeFacts } from './run.js';
export { type Selection, selectTest } from './select.js';
export { type SuperviseOptions, supervise } from './supervise.js';
export { Tap13Reporter } from './tap13.js';
