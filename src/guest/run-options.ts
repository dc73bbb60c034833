/**
 * What the test loop of `vmunit run` (run.ts) is given and gives back: the tree's facts, the options of one
 * run, and its summary.
 */

import type { RunEvent } from '../events/types.js';
import type { GuestTestSpec, ResolvedGuestTest } from './cfg/spec.js';
import type { QemuTreeFacts } from './config-mak.js';
import type { KtapSinkFactory } from './guest-output.js';
import type { GuestArchProfile } from './qemu/arch/types.js';
import type { QemuProber } from './qemu/probe.js';
import type { PendingTest } from './select.js';
import type { ChildLike, SpawnFn } from './supervise.js';
import type { FirmwareSetup } from './test-firmware.js';

/**
 * What selection decided for one cfg entry (select.ts's `Selection` or `Decision`): a test to run comes
 * resolved, or pending, expanded when it starts.
 */
export type GuestSelection =
  | { readonly kind: 'filtered' }
  | { readonly kind: 'skip'; readonly reason: string }
  | { readonly kind: 'run'; readonly test: ResolvedGuestTest }
  | PendingTest;

/** config.mak facts the QEMU side needs, plus what `vmunit run` adds for the environ file and logs. */
export interface TreeFacts extends QemuTreeFacts {
  /** config.mak ERRATATXT ('' = none) and its text (undefined = file missing). */
  readonly errataPath: string;
  readonly errataText: string | undefined;
  readonly buildHead: string;
  /** `./$TEST_SUBDIR/run`, named in `-v` lines as run_tests.sh prints them. */
  readonly runScript: string;
  /** CONFIG_EFI=y: TEST_DIR (the EFI run scripts' default EFI_SRC) and EFI_DIRECT=y; undefined without EFI. */
  readonly efi?: { readonly testDir: string; readonly direct: boolean };
  /** PRETTY_PRINT_STACKS=yes: the addr2line that resolves `STACK:` lines in logs (config.mak ADDR2LINE). */
  readonly addr2line?: string;
}

export interface GuestRunOptions {
  readonly treeDir: string;
  readonly profile: GuestArchProfile;
  readonly tree: TreeFacts;
  readonly specs: readonly GuestTestSpec[];
  readonly select: (spec: GuestTestSpec) => Promise<GuestSelection>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly jobs: number;
  readonly verbose: boolean;
  readonly dryRun: boolean;
  /** Results folder (absolute), already prepared (`prepareResultsDir`); undefined with --dry-run. */
  readonly resultsDir: string | undefined;
  /** Test durations of the previous run (`readPreviousDurations`), for longest-first scheduling. */
  readonly previousDurations: ReadonlyMap<string, number>;
  readonly emit: (event: RunEvent) => void;
  /** Facts for run:start's meta (the run header's); the runner adds `arch` and `tests`. */
  readonly meta?: Readonly<Record<string, string>>;
  /** Dry-run command lines and `-v` lines go here. */
  readonly print: (line: string) => void;
  readonly prober: QemuProber;
  readonly kvmDevice: boolean;
  readonly kernelRelease: string;
  /** Contents of the user's KVM_UNIT_TESTS_ENV file, merged into the environ file. */
  readonly userEnv?: string;
  readonly graceMs: number;
  readonly logCapBytes?: number;
  readonly signal?: AbortSignal;
  readonly spawn?: SpawnFn;
  /** Filled with the running QEMU processes, so the CLI can SIGKILL them if it must exit at once. */
  readonly live?: Set<ChildLike>;
  readonly ktap?: KtapSinkFactory;
  /** `--wait-timeouts`: a dead guest waits for its timeout, as under run_tests.sh. */
  readonly waitTimeouts?: boolean;
  /** `--firmware`, checked (x86 multiboot trees); each test's choice is recorded as its `firmware` attribute. */
  readonly firmware?: FirmwareSetup;
}

export interface GuestRunSummary {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly interrupted: boolean;
}
