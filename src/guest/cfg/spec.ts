/**
 * unittests.cfg entries, as parsed (raw values, unexpanded) and as resolved for one run. The parser
 * (cfg/parse.ts) produces `GuestTestSpec`s; selection (select.ts) and shell expansion (cfg/expand.ts) turn
 * them into `ResolvedGuestTest`s that the QEMU side runs. Field docs give run_tests.sh's defaults.
 */

/** One `[name]` section of unittests.cfg, values raw as written (after trimming), not shell-expanded. */
export interface GuestTestSpec {
  /** Section name; also the log file name (sanitised by logs.ts). */
  readonly name: string;
  /** Where the section header stands, for error messages. */
  readonly file: string;
  readonly line: number;
  /** `file =`: binary relative to the arch dir (`x86/`); '' when missing (→ SKIP "Test file '' not found": run_tests.sh leaves the kernel empty, not `x86/`). */
  readonly kernel: string;
  /** `smp =` raw; '' means the default 1. May need shell expansion (`$MAX_SMP`). */
  readonly smp: string;
  /** `test_args =` raw; '' means no `-append`. */
  readonly testArgs: string;
  /** `qemu_params =`/`extra_params =` raw (multi-line `"""` values joined with '\n'). */
  readonly qemuParams: string;
  /** `kvmtool_params =` raw. */
  readonly kvmtoolParams: string;
  /** `groups =` split on blanks. */
  readonly groups: readonly string[];
  /** `arch =`; '' = any. */
  readonly arch: string;
  /** `machine =`; '' = any. */
  readonly machine: string;
  /** `check =` raw `path=value` words. */
  readonly check: string;
  /** `accel =`; '' = any. */
  readonly accel: string;
  /** `timeout =` raw (`30`, `10s`); '' = default 90s. */
  readonly timeout: string;
  /** `disabled_if =` raw bash condition; '' = never. */
  readonly disabledIf: string;
}

/** A test that selection kept, with its values expanded, ready to build a QEMU command line. */
export interface ResolvedGuestTest {
  readonly spec: GuestTestSpec;
  /** Absolute path of the guest binary. */
  readonly kernelPath: string;
  /** The binary as run_tests.sh passes it to the run script: `$TEST_DIR/<file>` (`x86/setjmp.flat`), `.efi` under EFI. */
  readonly kernel: string;
  /** Leading vCPU count of the expanded `smp` (`8` for `8,threads=4`; 1 when it is not a number). */
  readonly smp: number;
  /** Words after `-smp` (QEMU) / `--cpus` (kvmtool) after shell expansion: usually one, e.g. `['8,threads=4']`. */
  readonly smpArgs: readonly string[];
  /** Guest arguments after shell word splitting (empty: no `-append`). */
  readonly testArgs: readonly string[];
  /** Extra QEMU (or, for `target: 'kvmtool'`, kvmtool) arguments after shell word splitting. */
  readonly qemuParams: readonly string[];
  /**
   * Exactly the words run_tests.sh's `eval` hands to `<arch>/run` after the kernel:
   * `-smp <smp…> [-append <test_args…>] <params…>`. Prefer this over re-assembling the fields above: an
   * unquoted multi-word `test_args` puts only its first word after `-append` (the rest become VMM arguments),
   * and a trailing `# comment` in one value swallows everything after it, as in run_tests.sh.
   */
  readonly vmmArgs: readonly string[];
  /** Which VMM the tree targets (config.mak/env `TARGET`): selects `qemu_params` vs `kvmtool_params`. */
  readonly target: 'qemu' | 'kvmtool';
  /** Accelerator name (`kvm`, `tcg`, `hvf`), '' = let the run script pick (kvm if available, else tcg). */
  readonly accel: string;
  /** Properties after the name, with their leading comma (`,kernel_irqchip=on`), '' if none. */
  readonly accelProps: string;
  /** What run_tests.sh passes as `ACCEL=`: the `ACCEL` env value if set (props included), else cfg `accel`. */
  readonly accelRequested: string;
  /** `MACHINE` env if set, else cfg `machine`; '' = the arch default. */
  readonly machine: string;
  /** Timeout in milliseconds; 0 means no timeout (`TIMEOUT=0`, as timeout(1) treats a zero duration). */
  readonly timeoutMs: number;
  /** The timeout as written (`90s`), for the `timeout; duration=…` reason string. */
  readonly timeoutText: string;
}

/** Why a test was not run: run_tests.sh's exact reason strings (see select.ts). */
export interface SkippedGuestTest {
  readonly spec: GuestTestSpec;
  readonly reason: string;
}
