/**
 * Typed requests and results of the kernel tool's stages (kunit.py's KunitConfigRequest, KunitBuildRequest,
 * KunitExecRequest, KunitResult), and the injected outside world every stage uses.
 */

import type { ChildProcess, SpawnOptions } from 'node:child_process';
import type { RunEvent } from '../events/types.js';
import type { KunitRules } from '../ktap/rules.js';
import type { Reporter } from '../reporters/types.js';
import type { VmunitError } from '../util/errors.js';
import type { KunitArchProfile } from './arch-profiles.js';
import type { Kconfig } from './kconfig.js';

/** kunit.py's KunitStatus. */
export type KunitStatus = 'SUCCESS' | 'CONFIG_FAILURE' | 'BUILD_FAILURE' | 'TEST_FAILURE';

/** What one stage returns. A failed config/build stage carries the typed error that ended it. */
export interface StageResult {
  readonly status: KunitStatus;
  readonly elapsedMs: number;
  readonly error?: VmunitError;
}

/** The outside world, injected so that stages run in tests with a fake clock and captured output. */
export interface KernelIo {
  /** Starts a child in its own process group (src/util/process-group.ts): `kill()` stops the group. */
  readonly spawn: (file: string, args: readonly string[], options: SpawnOptions) => ChildProcess;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes text to stdout as is (callers add newlines). */
  readonly out: (text: string) => void;
  /** Writes text to stderr as is. */
  readonly err: (text: string) => void;
  /** Wall clock in epoch milliseconds (timestamps and elapsed times). */
  readonly now: () => number;
  /** The CLI's cancellation (SIGINT/SIGTERM/SIGHUP): running kernels and make are stopped. */
  readonly signal?: AbortSignal;
}

/** Where the kernel is and which architecture it is built for. */
export interface KernelTarget {
  /** Kernel source root; make runs here and tree-relative configs are read from here. */
  readonly kernelRoot: string;
  /** Absolute build directory (make's O=). */
  readonly buildDir: string;
  /** The build dir as the user wrote it (kunit.py reports it this way in JSON and the crash hint). */
  readonly buildDirArg: string;
  readonly profile: KunitArchProfile;
  readonly crossCompile: string | undefined;
  /** How the tree's kunit.py reads logs (src/kernel/kunit-version.ts); mainline's when absent. */
  readonly rules?: KunitRules;
}

/** `config`: make the build dir's .config a superset of the kunitconfig. */
export interface ConfigRequest {
  readonly target: KernelTarget;
  /** The user's merged kunitconfig (before the arch fragment is put under it). */
  readonly kunitconfig: Kconfig;
  readonly makeOptions: readonly string[];
}

/** `build`: run make. */
export interface BuildRequest extends ConfigRequest {
  readonly jobs: number;
}

/** How `--run_isolated` splits the run. */
export type IsolationMode = 'suite' | 'test';

/** `exec`: boot the built kernel and parse what it prints. */
export interface ExecRequest {
  readonly target: KernelTarget;
  /** `--qemu_args`, already split into words. */
  readonly extraQemuArgs: readonly string[];
  /** Per-boot timeout in seconds. */
  readonly timeoutSec: number;
  readonly filterGlob: string;
  readonly filter: string;
  readonly filterAction: string | undefined;
  readonly kernelArgs: readonly string[];
  readonly runIsolated: IsolationMode | undefined;
  /** Boots run at once in isolated mode (vmunit's -j; kunit.py boots one at a time). */
  readonly parallel: number;
  readonly listTests: boolean;
  readonly listTestsAttr: boolean;
  /** `--list_suites`: print the suites a boot would run (also cached for shell completion). */
  readonly listSuites?: boolean;
  /** `--raw_output`: print the kernel's output (all of it, or its KTAP part) instead of parsing it. */
  readonly rawOutput: 'all' | 'kunit' | undefined;
  /** Isolated runs: which of the boots (suite or test globs, in list order) this process runs (a shard). */
  readonly selectBoots?: (globs: readonly string[]) => Promise<readonly string[]>;
}

/** The KTAP core's streaming parser, as the kernel tool drives it: one instance per boot. */
export interface KtapLineParser {
  push(line: string): RunEvent[];
  end(): RunEvent[];
}

/**
 * Options of one parser instance. With `parentId` set, the document's top-level tests are attached to that
 * node (isolated boots merge into one tree) and `depth` is that node's depth; ids are prefixed so that boots
 * never collide. The parser must not emit run:start/run:end (the exec stage emits them, with metadata).
 */
export interface BootParserOptions {
  readonly idPrefix: string;
  readonly parentId: string | null;
  readonly depth: number;
  readonly rules?: KunitRules;
}

/** What the exec stage needs besides the outside world: the KTAP core and where events go. */
export interface ExecDeps {
  readonly io: KernelIo;
  readonly createParser: (options: BootParserOptions) => KtapLineParser;
  /** kunit.py's extract_tap_lines: the KTAP part of a kernel's output, prefixes stripped. */
  readonly extractKtap: (lines: readonly string[]) => string[];
  /**
   * Receives every event of the run (console, JSON, JUnit reporters fanned out by the caller). The exec
   * stage closes it when the boots end; the caller makes a second close a no-op.
   */
  readonly reporter: Reporter;
}
