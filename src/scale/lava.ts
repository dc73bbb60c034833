/**
 * LAVA v2 job definitions for kvm-unit-tests guests on a LAVA `qemu` device: one job per test, since each
 * test is its own boot. Pure: resolved tests and platform facts in, job objects out (yaml.ts writes them).
 *
 * - `deploy` to tmpfs: the guest binary is the `kernel` image, fetched from `--artifacts URL` + its path in
 *   the tree (`x86/setjmp.flat`); its `image_arg` carries `-kernel {kernel}` and the test's own words
 *   (`-smp`, `-append`, `qemu_params`). LAVA splits the command line itself (no shell), so the words are
 *   the already-expanded ones, quoted for that split.
 * - `boot` method `qemu`; the arch's fixed arguments (test devices, exit device, `-machine accel=`) go in
 *   `context.extra_options`, `context.arch` is config.mak's ARCH, `no_kvm` follows the accelerator.
 * - `test` with one monitor: it starts at the first result line (a look-ahead, so that line is kept), turns
 *   every `PASS:`/`FAIL:`/`SKIP:`/`XFAIL:`/`XPASS:` line, or KTAP `ok`/`not ok` line, into a LAVA test
 *   case, and ends at the `SUMMARY:` line kvm-unit-tests and the guest SDK print last.
 *
 * Not carried over: the environ file (`-initrd`, ENVIRON_DEFAULT) — tests that read errata variables see
 * none; and the pci-testdev probe — the device is assumed present, as in QEMU ≥ 1.5 on x86.
 */

import type { ResolvedGuestTest } from '../guest/cfg/spec.js';
import type { GuestArchProfile } from '../guest/qemu/arch/types.js';
import { buildFixedArgs, type QemuPlatform, shellQuote } from '../guest/qemu/args.js';

export interface LavaJobInput {
  readonly test: ResolvedGuestTest;
  readonly profile: GuestArchProfile;
  /** Platform facts without a local QEMU: accelerator, CPU and machine choices as the run script makes them. */
  readonly platform: Omit<QemuPlatform, 'qemu' | 'profile' | 'hasPciTestdev' | 'machine'>;
  /** Base URL where the tree's binaries are published (`https://ci/job/42/artifacts`). */
  readonly artifacts: string;
  readonly deviceType: string;
  /** Extra job metadata (tree HEAD, shard). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Result-line pattern: group names and semantics as LAVA's test monitor expects them. */
export const LAVA_RESULT_PATTERN =
  '(?P<result>XPASS|XFAIL|PASS|FAIL|SKIP|not ok|ok)(?:: | [0-9]+ (?:- )?)(?P<test_case_id>[^#\\r\\n]+)';

/** Start monitoring at the first result line without consuming it. */
export const LAVA_START_PATTERN = '(?=(?:XPASS|XFAIL|PASS|FAIL|SKIP): |(?:not )?ok [0-9]+ )';

export const LAVA_END_PATTERN = 'SUMMARY: ';

const FIXUP: Readonly<Record<string, 'pass' | 'fail' | 'skip'>> = {
  PASS: 'pass',
  FAIL: 'fail',
  SKIP: 'skip',
  XFAIL: 'pass',
  XPASS: 'fail',
  ok: 'pass',
  'not ok': 'fail',
};

/** Minutes LAVA may spend fetching the binary and starting QEMU before the test's own timeout runs. */
const DEPLOY_MINUTES = 5;
const BOOT_MINUTES = 2;

/** LAVA's monitor and job names allow `[-_a-zA-Z0-9.]`. */
export function lavaName(name: string): string {
  const clean = name.replace(/[^-_a-zA-Z0-9.]/g, '_');
  return clean === '' ? '_' : clean;
}

/** The binary's URL: the artifacts base plus the kernel's path inside the tree, each segment encoded. */
export function artifactUrl(base: string, kernel: string): string {
  return `${base.replace(/\/+$/, '')}/${kernel.split('/').map(encodeURIComponent).join('/')}`;
}

/** A test timeout in whole seconds, at least 1; TIMEOUT=0 (no limit) becomes one hour. */
function testSeconds(test: ResolvedGuestTest): number {
  if (test.timeoutMs <= 0) return 3600;
  return Math.max(1, Math.ceil(test.timeoutMs / 1000));
}

/** One LAVA job for one test. */
export function lavaJob(input: LavaJobInput): Record<string, unknown> {
  const { test, profile, platform } = input;
  const full: QemuPlatform = { ...platform, qemu: '', profile, hasPciTestdev: true, machine: test.machine };
  const fixed = buildFixedArgs(full);
  const seconds = testSeconds(test);
  const jobMinutes = DEPLOY_MINUTES + BOOT_MINUTES + Math.ceil(seconds / 60) + 1;
  const name = lavaName(test.spec.name);
  return {
    device_type: input.deviceType,
    job_name: `kvm-unit-tests ${profile.arch} ${test.spec.name}`.slice(0, 200),
    timeouts: { job: { minutes: jobMinutes }, connection: { minutes: BOOT_MINUTES } },
    priority: 'medium',
    visibility: 'public',
    context: {
      arch: profile.arch,
      no_kvm: platform.accel !== 'kvm',
      extra_options: fixed,
    },
    metadata: { 'vmunit.test': test.spec.name, 'vmunit.kernel': test.kernel, ...input.metadata },
    actions: [
      {
        deploy: {
          to: 'tmpfs',
          timeout: { minutes: DEPLOY_MINUTES },
          images: {
            kernel: {
              url: artifactUrl(input.artifacts, test.kernel),
              image_arg: ['-kernel', '{kernel}', ...test.vmmArgs.map(shellQuote)].join(' '),
            },
          },
        },
      },
      { boot: { method: 'qemu', media: 'tmpfs', timeout: { minutes: BOOT_MINUTES } } },
      {
        test: {
          timeout: { seconds },
          monitors: [
            {
              name,
              start: LAVA_START_PATTERN,
              end: LAVA_END_PATTERN,
              pattern: LAVA_RESULT_PATTERN,
              fixupdict: FIXUP,
            },
          ],
        },
      },
    ],
  };
}
