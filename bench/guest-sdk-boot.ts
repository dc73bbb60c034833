/**
 * Boot-to-exit time of the guest SDK's examples under QEMU TCG (x86_64, and arm64 when the cross compiler is
 * there), beside kvm-unit-tests' smallest comparable guest (x86/setjmp.flat) booted the same way, with image
 * sizes.
 *
 *   node --import tsx bench/guest-sdk-boot.ts [KUT_TREE] [RUNS]   (default $KUT_DIR, 5 runs)
 *
 * Each example is built into a temporary O= tree and booted RUNS times with kvm-unit-tests' x86 command line
 * (`-machine accel=tcg`); the median wall time from spawn to QEMU's exit is printed. Without a built
 * kvm-unit-tests tree only our side is printed. The time is dominated by QEMU start-up and SeaBIOS, so the
 * ratio mostly shows that the SDK's own boot path (page tables, long mode, IDT) adds nothing measurable.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SDK = fileURLToPath(new URL('../guest-sdk/', import.meta.url));
const KUT = process.argv[2] ?? process.env.KUT_DIR ?? '';
if (KUT === '') {
  console.error('usage: bench/guest-sdk-boot.ts KUT_TREE [RUNS]   (or set KUT_DIR)');
  process.exit(2);
}
const RUNS = Number(process.argv[3] ?? 5);
const ARGS: Readonly<Record<string, string>> = { args: 'alpha 42 --flag=x' };

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

function bootMs(kernel: string, append: string | undefined): { ms: number; status: number | null } {
  const line = kernel.includes('/arm/') ? QEMU_LINES.arm : QEMU_LINES.x86;
  if (line === undefined) throw new Error('no QEMU line');
  const argv = [
    ...line.args,
    ...['-kernel', kernel, '-smp', '1', ...(append === undefined ? [] : ['-append', append])],
  ];
  const started = performance.now();
  const r = spawnSync(line.qemu, argv, { stdio: 'ignore', timeout: 60_000 });
  return { ms: performance.now() - started, status: r.status };
}

function median(kernel: string, append?: string): { ms: number; status: number | null } {
  const runs = Array.from({ length: RUNS }, () => bootMs(kernel, append));
  runs.sort((a, b) => a.ms - b.ms);
  return runs[Math.floor(runs.length / 2)] ?? { ms: Number.NaN, status: null };
}

function row(name: string, kernel: string, append?: string): number {
  const m = median(kernel, append);
  const kib = (statSync(kernel).size / 1024).toFixed(0);
  console.log(
    `${name.padEnd(28)} ${m.ms.toFixed(0).padStart(6)} ms  status ${String(m.status).padStart(3)}  ${kib.padStart(4)} KiB`,
  );
  return m.ms;
}

const out = mkdtempSync(join(tmpdir(), 'vmunit-bench-sdk-'));
try {
  const make = spawnSync('make', ['-C', SDK, '-j2', `O=${out}`], { encoding: 'utf8' });
  if (make.status !== 0) throw new Error(`make failed:\n${make.stderr}`);
  console.log(`median of ${RUNS} boots, TCG, kvm-unit-tests' x86 command line`);
  const ours: Record<string, number> = {};
  for (const f of readdirSync(join(out, 'x86'))
    .filter((n) => n.endsWith('.flat'))
    .sort()) {
    const name = f.slice(0, -'.flat'.length);
    ours[name] = row(`vmunit ${name}`, join(out, 'x86', f), ARGS[name]);
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
  const kutSetjmp = join(KUT, 'x86', 'setjmp.flat');
  if (existsSync(kutSetjmp)) {
    const theirs = row('kvm-unit-tests setjmp', kutSetjmp);
    const arith = ours.arith ?? Number.NaN;
    console.log(`ratio vmunit arith / kvm-unit-tests setjmp: ${(arith / theirs).toFixed(2)}`);
  } else {
    console.log(`(no ${kutSetjmp}: kvm-unit-tests side skipped)`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
