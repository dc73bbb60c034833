/**
 * arm64 guest SDK examples beside kvm-unit-tests' arm64 guests for the same subsystems, booted alike under
 * QEMU TCG (arm/run's command line as `vmunit run` builds it: virt, cpu max, chr-testdev, pci-testdev): the median boot-to-exit time of RUNS boots
 * and the image size of each side, with the ratios. Each pair runs side by side in the same loop, so host
 * load hits both alike.
 *
 *   KUT_DIR=/path/to/built/kvm-unit-tests-arm64 node --import tsx bench/guest-sdk-boot-arm64.ts [RUNS]   (5)
 *
 * KUT_DIR must be an arm64 build (its config.mak says ARCH=arm64). kvm-unit-tests' guests check more than
 * ours (gic's ipi test sends rounds of IPIs; psci races CPU_ON from every CPU), so those ratios bound our
 * cost from above; selftest's smp and vectors-* subtests are the closest like-for-like pairs.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { archProfile } from '../src/guest/qemu/arch/index.js';
import { buildQemuArgv } from '../src/guest/qemu/args.js';
import { qemuPlatform } from '../src/guest/qemu/platform.js';

const SDK = fileURLToPath(new URL('../guest-sdk/', import.meta.url));
const RUNS = Number(process.argv[2] ?? 5);
const KUT = process.env.KUT_DIR;

/** One guest: its flat file under arm/, -smp, and what its cfg adds to QEMU's command line. */
interface Guest {
  readonly file: string;
  readonly smp: number;
  readonly extra: readonly string[];
}
/** Our example and kvm-unit-tests' cfg entry for the same subsystem. */
const PAIRS: readonly { readonly label: string; readonly ours: Guest; readonly theirs: Guest }[] = [
  {
    label: 'smp vs selftest-smp',
    ours: { file: 'smp', smp: 4, extra: [] },
    theirs: { file: 'selftest', smp: 4, extra: ['-append', 'smp'] },
  },
  {
    label: 'sync_exceptions vs selftest-vectors-kernel',
    ours: { file: 'sync_exceptions', smp: 1, extra: [] },
    theirs: { file: 'selftest', smp: 1, extra: ['-append', 'vectors-kernel'] },
  },
  {
    label: 'user_mode vs selftest-vectors-user',
    ours: { file: 'arm64_user_mode', smp: 1, extra: [] },
    theirs: { file: 'selftest', smp: 1, extra: ['-append', 'vectors-user'] },
  },
  {
    label: 'gic_ipi vs gicv2-ipi',
    ours: { file: 'gic_ipi', smp: 4, extra: [] },
    theirs: { file: 'gic', smp: 4, extra: ['-machine', 'gic-version=2', '-append', 'ipi'] },
  },
  {
    label: 'gic_ipi_gicv3 vs gicv3-ipi',
    ours: { file: 'gic_ipi', smp: 4, extra: ['-machine', 'gic-version=3'] },
    theirs: { file: 'gic', smp: 4, extra: ['-machine', 'gic-version=3', '-append', 'ipi'] },
  },
  {
    // Both find pci-testdev (arm/run adds it) through ECAM, assign its BARs and run its tests on each BAR.
    label: 'pci_testdev vs pci-test',
    ours: { file: 'pci_testdev', smp: 1, extra: [] },
    theirs: { file: 'pci-test', smp: 1, extra: [] },
  },
  {
    label: 'timer vs timer',
    ours: { file: 'timer', smp: 1, extra: [] },
    theirs: { file: 'timer', smp: 1, extra: [] },
  },
  {
    label: 'psci vs psci',
    ours: { file: 'psci', smp: 4, extra: [] },
    theirs: { file: 'psci', smp: 4, extra: [] },
  },
];

/** arm/run's command line for a kernel, TCG, built by vmunit's own argv builder (no environ initrd). */
const PLATFORM = qemuPlatform(
  {
    profile: archProfile('arm64'),
    tree: { targetCpu: '', defaultCpu: 'max', firmware: '' },
    host: 'x86_64',
    accel: 'tcg',
    accelProps: '',
    machine: '',
  },
  'qemu-system-aarch64',
  true,
);

/** Wall time of one boot, and QEMU's exit status. */
function boot(dir: string, g: Guest): [ms: number, status: number | null] {
  const kernel = join(dir, 'arm', `${g.file}.flat`);
  const [qemu = '', ...argv] = buildQemuArgv(PLATFORM, {
    kernel,
    vmmArgs: ['-smp', String(g.smp), ...g.extra],
  });
  const t0 = performance.now();
  const r = spawnSync(qemu, argv, { stdio: 'ignore', timeout: 60_000 });
  return [performance.now() - t0, r.status];
}

const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const kib = (dir: string, g: Guest): number => statSync(join(dir, 'arm', `${g.file}.flat`)).size / 1024;

if (KUT === undefined || !/^ARCH=arm64$/m.test(readFileSync(join(KUT, 'config.mak'), 'utf8'))) {
  console.log('KUT_DIR is not set to a built arm64 kvm-unit-tests tree: nothing to compare against');
  process.exit(0);
}
const out = mkdtempSync(join(tmpdir(), 'vmunit-bench-arm64-'));
try {
  const make = spawnSync('make', ['-C', SDK, '-j2', 'ARCH=arm64', `O=${out}`], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make ARCH=arm64 failed:\n${make.stderr}`);
  console.log(`median of ${RUNS} boots each, TCG, arm/run's command line; vmunit | kvm-unit-tests`);
  for (const p of PAIRS) {
    if (!existsSync(join(KUT, 'arm', `${p.theirs.file}.flat`))) continue;
    const ours: number[] = [];
    const theirs: number[] = [];
    let status: (number | null)[] = [];
    for (let i = 0; i < RUNS; i++) {
      const [a, sa] = boot(out, p.ours);
      const [b, sb] = boot(KUT, p.theirs);
      ours.push(a);
      theirs.push(b);
      status = [sa, sb]; // the last run's
    }
    const [t1, t2, s1, s2] = [mid(ours), mid(theirs), kib(out, p.ours), kib(KUT, p.theirs)];
    console.log(
      `${p.label.padEnd(44)} ${t1.toFixed(0).padStart(5)} ms ${s1.toFixed(0).padStart(4)} KiB (exit ${status[0]}) | ` +
        `${t2.toFixed(0).padStart(5)} ms ${s2.toFixed(0).padStart(4)} KiB (exit ${status[1]})  ` +
        `time ${(t1 / t2).toFixed(2)}, size ${(s1 / s2).toFixed(2)}`,
    );
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
