/**
 * The arm64 guest SDK under `vmunit run` through bin/vmunit.js, as a user runs it (TCG): every example of
 * unittests.arm64.cfg's default groups passes (paging, user mode, GICv2 and GICv3, SMP with -smp 4,
 * virtio-rng on both virtio-mmio transports, PCI: pci-testdev and edu with INTx and MSI on either GIC), and the negative examples of the expected-fail group fail
 * with a STACK: line resolved to the faulting function and source line in the log and the KTAP report.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import { distSkip, qemuSkip } from '../requirements.js';
import { archTreeHooks, runNegative, vmunitRun } from './arch-tree.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CFG = join(ROOT, 'guest-sdk/examples/unittests.arm64.cfg');

const skip =
  distSkip() ||
  qemuSkip('qemu-system-aarch64', 'make', 'aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-addr2line');

/** The negative examples (their source file) in cfg order, each with the frames its resolved STACK: must name. */
const NEGATIVE: readonly {
  readonly name: string;
  readonly file: string;
  readonly frames: readonly RegExp[];
}[] = [
  {
    name: 'crash_demo',
    file: 'crash_demo',
    frames: [
      /^0x[0-9a-f]{16}: crash at \S*examples\/crash_demo\.c:\d+$/m,
      /^0x[0-9a-f]{16}: main at \S*examples\/crash_demo\.c:\d+$/m,
    ],
  },
  {
    name: 'user_crash_demo',
    file: 'arm64_user_crash_demo',
    frames: [
      /^0x[0-9a-f]{16}: read_at at \S*examples\/arm64_user_crash_demo\.c:\d+$/m,
      /^0x[0-9a-f]{16}: user_main at \S*examples\/arm64_user_crash_demo\.c:\d+$/m,
    ],
  },
  {
    name: 'ro_write_demo',
    file: 'ro_write_demo',
    frames: [
      /^0x[0-9a-f]{16}: scribble at \S*examples\/ro_write_demo\.c:\d+$/m,
      /^0x[0-9a-f]{16}: main at \S*examples\/ro_write_demo\.c:\d+$/m,
    ],
  },
  {
    name: 'stray_irq_demo',
    file: 'arm64_stray_irq_demo',
    frames: [/^ \(inlined by\) main at \S*examples\/arm64_stray_irq_demo\.c:\d+$/m],
  },
];

describe('arm64 guest SDK examples under vmunit run (TCG)', { skip }, () => {
  const built = archTreeHooks('arm64');

  it('passes every default-group example; the nodefault ones are skipped', () => {
    const specs = parseUnittestsCfg(readFileSync(CFG, 'utf8'), CFG);
    const r = vmunitRun(built().tree, []);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const expected = specs.map((s) =>
      s.groups.includes('nodefault')
        ? `SKIP ${s.name} (test marked as manual run only)`
        : s.name === 'skip_demo'
          ? /^SKIP skip_demo \(\d+ tests, \d+ skipped\)$/
          : new RegExp(`^PASS ${s.name} \\(\\d+ tests\\)$`),
    );
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, expected.length, r.stdout);
    expected.forEach((e, i) => {
      if (typeof e === 'string') assert.equal(lines[i], e);
      else assert.match(lines[i] ?? '', e);
    });
    assert.match(r.stderr, /arch arm64, accel tcg/);
    assert.match(r.stderr, /\d+ tests \(\d+ passed, \d+ skipped\)/);
    assert.ok(!r.stderr.includes('failed'), r.stderr);
    // Each edu run took its GIC's own routes to the CPU it names (the second one in the _smp entries): INTx on
    // the SPI the interrupt-map gives slot 2 (edu, after pci-testdev) pin A, SPI 5 = INTID 37; the MSI on a
    // GICv2m SPI (GICv2) or an ITS LPI (GICv3, from 8192).
    const routed = (name: string, how: string): [irq: number, cpu: number] => {
      const log = readFileSync(join(built().tree, 'logs', `${name}.log`), 'utf8');
      const m = new RegExp(`^# edu: ${how}: interrupt (\\d+) to CPU (\\d+)$`, 'm').exec(log);
      return [Number(m?.[1]), Number(m?.[2])];
    };
    for (const [name, cpu, lpi] of [
      ['edu', 0, false],
      ['edu_gicv3', 0, true],
      ['edu_smp', 1, false],
      ['edu_smp_gicv3', 1, true],
    ] as const) {
      assert.deepEqual(routed(name, 'on INTx'), [37, cpu], name);
      const [msi, msiCpu] = routed(name, 'as an MSI');
      assert.equal(msiCpu, cpu, name);
      assert.ok(lpi ? msi >= 8192 : msi >= 32 && msi < 1020, `${name}: MSI on INTID ${msi}`);
    }
  });

  it('fails the negative examples with a resolved stack in the log and the KTAP report', () => {
    const logs = runNegative(built(), NEGATIVE);
    for (const n of NEGATIVE) {
      const log = logs.get(n.name) ?? '';
      assert.match(log, /^# Unhandled exception .* at ip 0x[0-9a-f]{16}$/m, n.name);
      assert.match(log, /^\tSTACK: @[0-9a-f]+( [0-9a-f]+)+$/m, n.name);
      for (const frame of n.frames) assert.match(log, frame, n.name);
    }
    assert.match(logs.get('user_crash_demo') ?? '', / in user mode \(EL0\) /);
  });
});
