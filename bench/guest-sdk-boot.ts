/**
 * Boot-to-exit time of the guest SDK's examples under QEMU TCG (x86_64, and arm64 when the cross compiler is
 * there), with image sizes, beside kvm-unit-tests' guests for the same subsystems booted the same way
 * (PAIRS: setjmp, smptest, apic, pcid, vmexit, ioapic), with the ratio of times and sizes.
 *
 *   KUT_DIR=/path/to/built/kvm-unit-tests node --import tsx bench/guest-sdk-boot.ts [RUNS]   (5 runs)
 *
 * Each example is built into a temporary O= tree and booted RUNS times with kvm-unit-tests' x86 command line
 * (`-machine accel=tcg`) and its cfg's -smp; the median wall time from spawn to QEMU's exit is printed.
 * Without KUT_DIR only our side is printed. kvm-unit-tests' apic and vmexit run many more checks than ours,
 * so those ratios bound our cost from above rather than compare like with like. The time is dominated by QEMU start-up and SeaBIOS, so the
 * ratio mostly shows that the SDK's own boot path (page tables, long mode, IDT) adds nothing measurable.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = fileURLToPath(new URL('../guest-sdk/', import.meta.url));
const KUT = process.env.KUT_DIR;
const RUNS = Number(process.argv[2] ?? 5);
const ARGS: Readonly<Record<string, string>> = { args: 'alpha 42 --flag=x' };
/** Our example, kvm-unit-tests' guest for the same subsystem, the -smp both boot with, and each side's
 * cfg qemu_params (ours: the `edu` device for INTx; theirs: its cfg's CPU model). */
const PAIRS: readonly {
  ours: string;
  theirs: string;
  smp: number;
  oursParams?: readonly string[];
  theirsParams?: readonly string[];
}[] = [
  { ours: 'arith', theirs: 'setjmp', smp: 1 },
  { ours: 'smp', theirs: 'smptest', smp: 4 },
  { ours: 'apic_timer', theirs: 'apic', smp: 1 },
  { ours: 'paging', theirs: 'pcid', smp: 1 },
  { ours: 'vmexit_bench', theirs: 'vmexit', smp: 1 },
  {
    ours: 'ioapic',
    theirs: 'ioapic',
    smp: 4,
    oursParams: ['-device', 'edu'],
    theirsParams: ['-cpu', 'qemu64,+x2apic'],
  },
];
const PARAMS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  PAIRS.map((p) => [p.ours, p.oursParams ?? []]),
);
const SMP: Readonly<Record<string, number>> = Object.fromEntries(PAIRS.map((p) => [p.ours, p.smp]));

/** kvm-unit-tests' x86/run and arm/run command lines (harness doc §3.5), TCG. */
const QEMU_LINES: Readonly<Record<string, { qemu: string; args: readonly string[] }>> = {
  x86: {
    qemu: 'qemu-system-x86_64',
    args: [
      ...['-nodefaults', '-device', 'pc-testdev', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4'],
      ...['-vnc', 'none', '-serial', 'stdio', '-device', 'pci-testdev', '-machine', 'accel=tcg'],
    ],
  },
  arm: {
    qemu: 'qemu-system-aarch64',
    args: [
      ...[
        '-nodefaults',
        '-machine',
        'virt',
        '-accel',
        'tcg',
        '-cpu',
        'max',
        '-device',
        'virtio-serial-device',
      ],
      ...['-device', 'virtconsole,chardev=ctd', '-chardev', 'testdev,id=ctd', '-device', 'pci-testdev'],
      ...['-display', 'none', '-serial', 'stdio'],
    ],
  },
};

function bootMs(
  kernel: string,
  append: string | undefined,
  smp: number,
  params: readonly string[],
): { ms: number; status: number | null } {
  const line = kernel.includes('/arm/') ? QEMU_LINES.arm : QEMU_LINES.x86;
  if (line === undefined) throw new Error('no QEMU line');
  const argv = [
    ...line.args,
    ...[
      '-kernel',
      kernel,
      '-smp',
      String(smp),
      ...params,
      ...(append === undefined ? [] : ['-append', append]),
    ],
  ];
  const started = performance.now();
  const r = spawnSync(line.qemu, argv, { stdio: 'ignore', timeout: 60_000 });
  return { ms: performance.now() - started, status: r.status };
}

function median(
  kernel: string,
  append: string | undefined,
  smp: number,
  params: readonly string[],
): { ms: number; status: number | null } {
  const runs = Array.from({ length: RUNS }, () => bootMs(kernel, append, smp, params));
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)] ?? { ms: Number.NaN, status: null };
}

interface Row {
  readonly ms: number;
  readonly bytes: number;
}

function row(name: string, kernel: string, append?: string, smp = 1, params: readonly string[] = []): Row {
  const m = median(kernel, append, smp, params);
  const bytes = statSync(kernel).size;
  const kib = (bytes / 1024).toFixed(0);
  console.log(
    `${name.padEnd(28)} ${m.ms.toFixed(0).padStart(6)} ms  status ${String(m.status).padStart(3)}  ${kib.padStart(4)} KiB`,
  );
  return { ms: m.ms, bytes };
}

const out = mkdtempSync(join(tmpdir(), 'vmunit-bench-sdk-'));
try {
  const make = spawnSync('make', ['-C', SDK, '-j2', `O=${out}`], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make failed:\n${make.stderr}`);
  console.log(`median of ${RUNS} boots, TCG, kvm-unit-tests' x86 command line`);
  const ours: Record<string, Row> = {};
  for (const f of readdirSync(join(out, 'x86'))
    .filter((n) => n.endsWith('.flat'))
    .sort()) {
    const name = f.slice(0, -'.flat'.length);
    ours[name] = row(`vmunit ${name}`, join(out, 'x86', f), ARGS[name], SMP[name] ?? 1, PARAMS[name]);
  }
  const arm = spawnSync('make', ['-C', SDK, '-j2', 'ARCH=arm64', `O=${join(out, 'arm64')}`], {
    encoding: 'utf8',
  });
  if (arm.status === 0) {
    for (const f of readdirSync(join(out, 'arm64', 'arm'))
      .filter((n) => n.endsWith('.flat'))
      .sort()) {
      const name = f.slice(0, -'.flat'.length);
      row(`vmunit arm64 ${name}`, join(out, 'arm64', 'arm', f), ARGS[name]);
    }
  } else {
    console.log('(arm64 build failed or no cross compiler: arm64 rows skipped)');
  }
  if (KUT === undefined) {
    console.log('(KUT_DIR not set: kvm-unit-tests side skipped)');
  } else {
    for (const pair of PAIRS) {
      const kernel = join(KUT, 'x86', `${pair.theirs}.flat`);
      const mine = ours[pair.ours];
      if (!existsSync(kernel) || mine === undefined) {
        console.log(`(no ${kernel}: ${pair.theirs} skipped)`);
        continue;
      }
      const theirs = row(`kvm-unit-tests ${pair.theirs}`, kernel, undefined, pair.smp, pair.theirsParams);
      console.log(
        `  ratio ${pair.ours} / ${pair.theirs}: time ${(mine.ms / theirs.ms).toFixed(2)}, size ${(mine.bytes / theirs.bytes).toFixed(2)}`,
      );
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
