/**
 * The environment variables kvm-unit-tests' harness honours (run_tests.sh, scripts/runtime.bash,
 * arch-run.bash, vmm.bash), resolved into one typed object. Pure: the env record and the host's CPU count
 * are passed in. Precedence follows run_tests.sh: the environment first, then `source config.mak` overrides
 * the keys config.mak sets (TARGET on arm/riscv, ERRATATXT, GEN_SE_HEADER…), then MAX_SMP gets its default.
 *
 * Deliberate differences: `only_group` is NOT read from the environment (run_tests.sh leaks it in because it
 * never initialises it); `ACCEL_PROPS` is reported but ignored, exactly as run_tests.sh overwrites it from
 * `ACCEL` (use `ACCEL=kvm,prop=val`).
 */

import { cpus } from 'node:os';
import type { TreeConfig } from './config-mak.js';

export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** The harness environment, resolved. '' means "not set" wherever run_tests.sh tests with `-n`/`:-`. */
export interface GuestEnv {
  /** `QEMU`: binary to use instead of searching `qemu-system-$QEMU_ARCH qemu-kvm`. */
  readonly qemu: string | undefined;
  /** `QEMU_ARCH`: overrides ARCH_NAME in the binary search. */
  readonly qemuArch: string | undefined;
  /** `KVMTOOL`: kvmtool binary (default search `lkvm vm lkvm-static`). */
  readonly kvmtool: string | undefined;
  /** `KVMTOOL_DEFAULT_OPTS`, default `--nodefaults --network mode=none --loglevel=warning`. */
  readonly kvmtoolDefaultOpts: string;
  /** `ACCEL` as given, props included (`kvm,kernel_irqchip=on`); '' = unset (the run script picks). */
  readonly accelRaw: string;
  /** Name part of `ACCEL` (`kvm`). */
  readonly accel: string;
  /** Props part of `ACCEL` with its leading comma (`,kernel_irqchip=on`), as set_qemu_accelerator splits it. */
  readonly accelProps: string;
  /** `ACCEL_PROPS` if the user set it: documented by run_tests.sh but overwritten from ACCEL, so ignored. */
  readonly ignoredAccelProps: string | undefined;
  /** `MACHINE`: filters cfg `machine` and replaces it; '' = unset. */
  readonly machine: string;
  /** `TIMEOUT`: overrides every cfg `timeout`; '' = unset. */
  readonly timeout: string;
  /** `CHECK`: replaces every cfg `check`; '' = unset. */
  readonly check: string;
  /** `MAX_SMP`, default the number of online CPUs (`getconf _NPROCESSORS_ONLN`). A string: it is eval'd. */
  readonly maxSmp: string;
  /** `TARGET` from the environment (config.mak wins when it sets one). */
  readonly target: string | undefined;
  /** `ERRATATXT` from the environment (config.mak normally sets it and wins). */
  readonly erratatxt: string | undefined;
  /** `ERRATA_FORCE` and every `ERRATA_<commit>` variable, forwarded into the guest environ file. */
  readonly errata: Readonly<Record<string, string>>;
  /** `KVM_UNIT_TESTS_ENV`: user environ file merged into the generated one. */
  readonly kvmUnitTestsEnv: string | undefined;
  /** `EL2` (arm): `1|y|Y` runs at EL2. */
  readonly el2: boolean;
  /** `unittest_log_dir`, default `logs`. */
  readonly logDir: string;
  /** `unittest_run_queues` (run_tests.sh's -j default), undefined when unset. */
  readonly runQueues: string | undefined;
  /** `KUT_STANDALONE=yes`. */
  readonly standalone: boolean;
  /** EFI variables for the run scripts (`EFI_UEFI`, `EFI_SRC`, `EFI_TEST`, `EFI_SMP`, `EFI_CASE`, `EFI_USE_ACPI`, `UEFI_SHELL_RUN`). */
  readonly efi: Readonly<Record<string, string>>;
}

export const DEFAULT_KVMTOOL_OPTS = '--nodefaults --network mode=none --loglevel=warning';
const EFI_KEYS = ['EFI_UEFI', 'EFI_SRC', 'EFI_TEST', 'EFI_SMP', 'EFI_CASE', 'EFI_USE_ACPI', 'UEFI_SHELL_RUN'];

/** Splits `kvm,prop=val` into `kvm` and `,prop=val` (`${ACCEL%%,*}` / `${ACCEL#"${ACCEL%%,*}"}`). */
export function splitAccel(value: string): { name: string; props: string } {
  const comma = value.indexOf(',');
  return comma < 0 ? { name: value, props: '' } : { name: value.slice(0, comma), props: value.slice(comma) };
}

/** `${VAR:-default}`: empty counts as unset. */
function nonEmpty(env: EnvRecord, key: string): string | undefined {
  const v = env[key];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * Resolves the harness environment. `onlineCpus` is the MAX_SMP default (see `hostOnlineCpus`).
 */
export function resolveGuestEnv(env: EnvRecord, host: { readonly onlineCpus: number }): GuestEnv {
  const accelRaw = env.ACCEL ?? '';
  const { name, props } = splitAccel(accelRaw);
  const errata: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v !== undefined && (k === 'ERRATA_FORCE' || /^ERRATA_[0-9a-f]{12}$/.test(k))) errata[k] = v;
  }
  const efi: Record<string, string> = {};
  for (const k of EFI_KEYS) {
    const v = env[k];
    if (v !== undefined) efi[k] = v;
  }
  return {
    qemu: nonEmpty(env, 'QEMU'),
    qemuArch: nonEmpty(env, 'QEMU_ARCH'),
    kvmtool: nonEmpty(env, 'KVMTOOL'),
    kvmtoolDefaultOpts: nonEmpty(env, 'KVMTOOL_DEFAULT_OPTS') ?? DEFAULT_KVMTOOL_OPTS,
    accelRaw,
    accel: name,
    accelProps: props,
    ignoredAccelProps: nonEmpty(env, 'ACCEL_PROPS'),
    machine: env.MACHINE ?? '',
    timeout: env.TIMEOUT ?? '',
    check: env.CHECK ?? '',
    maxSmp: nonEmpty(env, 'MAX_SMP') ?? String(Math.max(1, host.onlineCpus)),
    target: env.TARGET,
    erratatxt: env.ERRATATXT,
    errata,
    kvmUnitTestsEnv: nonEmpty(env, 'KVM_UNIT_TESTS_ENV'),
    el2: /^[1yY]/.test(env.EL2 ?? ''),
    logDir: nonEmpty(env, 'unittest_log_dir') ?? 'logs',
    runQueues: nonEmpty(env, 'unittest_run_queues'),
    standalone: env.KUT_STANDALONE === 'yes',
    efi,
  };
}

/** The VMM a tree targets: config.mak's TARGET if it sets one, else the env's, else `qemu` (vmm_get_target). */
export function effectiveTarget(tree: TreeConfig, env: GuestEnv): string {
  const t = tree.target ?? env.target ?? '';
  return t === '' ? 'qemu' : t;
}

/**
 * The variables an evaluated cfg value or `disabled_if` sees, as in run_tests.sh's shell: the environment,
 * overridden by config.mak's variables (sourced), plus MAX_SMP with its default and, with `-a`,
 * ERRATA_FORCE=y. TARGET stays unset when neither config.mak nor the env sets it (x86), as there.
 */
export function harnessShellVars(
  env: EnvRecord,
  tree: TreeConfig,
  guestEnv: GuestEnv,
  runAll = false,
): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) vars[k] = v;
  Object.assign(vars, tree.vars);
  vars.MAX_SMP = guestEnv.maxSmp;
  if (runAll) vars.ERRATA_FORCE = 'y';
  return vars;
}

/** Number of online CPUs (the MAX_SMP default). Impure; kept apart so resolveGuestEnv stays pure. */
export function hostOnlineCpus(): number {
  return cpus().length || 1;
}
