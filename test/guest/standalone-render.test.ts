/**
 * Standalone script rendering without a guest: cfg values round-trip through bash byte for byte (nothing
 * is executed), the payload decodes with base64/gzip to the same bytes and checksum, the fixed QEMU
 * arguments are the arch builder's, the errata rule matches environ.ts, and — with qemu-system-aarch64 —
 * the arm64 command line is arm/run's.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GuestTestSpec } from '../../src/guest/cfg/spec.js';
import { x86_64 } from '../../src/guest/qemu/arch/x86.js';
import { buildFixedArgs } from '../../src/guest/qemu/args.js';
import { readRuntime } from '../../src/guest/standalone/build.js';
import {
  kernelFileName,
  renderStandalone,
  type StandaloneTree,
} from '../../src/guest/standalone/generate.js';
import { encodePayload, PAYLOAD_DELIMITER, sha256Hex } from '../../src/guest/standalone/payload.js';
import { VmunitError } from '../../src/util/errors.js';
import { qemuSkip } from '../requirements.js';
import { tempDir } from './sdk-tree.js';
import { guestSpec } from './spec-helpers.js';

const spec = (over: Partial<GuestTestSpec>): GuestTestSpec => guestSpec('t', over);

const TREE: StandaloneTree = {
  arch: 'x86_64',
  archName: 'x86_64',
  target: '',
  targetCpu: '',
  defaultCpu: '',
  firmware: '',
  environDefault: true,
  errata: [],
  buildHead: '',
  efi: '',
};

const HOSTILE = `it's "$(touch PWNED)" \`id\` \\ $HOME\n  ; rm -rf / # é`;

/** Sources a script without running it and prints the named variables, one per line, NUL-separated. */
function sourcedValues(script: string, names: readonly string[]): string[] {
  const body = script.replace(/\nvmunit_main\nexit \$\?\n$/, '\n');
  assert.notEqual(body, script, 'the script ends with vmunit_main');
  const dir = tempDir('sa-src');
  try {
    writeFileSync(join(dir, 's.bash'), body);
    const show = names.map((n) => `printf '%s\\0' "$${n}"`).join('; ');
    const r = spawnSync('bash', ['-c', `source ./s.bash; ${show}`], { cwd: dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(spawnSync('test', ['-e', join(dir, 'PWNED')]).status, 1, 'nothing was executed');
    return r.stdout.split('\0').slice(0, -1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('standalone script rendering (no QEMU)', () => {
  let runtime = '';
  before(async () => {
    runtime = await readRuntime();
  });

  it('parses as bash and round-trips every cfg value byte for byte', () => {
    const s = spec({
      name: 'n',
      testArgs: HOSTILE,
      qemuParams: HOSTILE,
      check: HOSTILE,
      disabledIf: HOSTILE,
    });
    const { text } = renderStandalone({
      spec: { ...s, groups: ['a', HOSTILE] },
      tree: TREE,
      profile: x86_64,
      kernel: new Uint8Array([1, 2, 3]),
      runtime,
      harness: '',
      generator: 'vmunit test',
    });
    assert.equal(spawnSync('bash', ['-n'], { input: text }).status, 0);
    const values = sourcedValues(text, [
      'vmunit_test_args',
      'vmunit_qemu_params',
      'vmunit_cfg_check',
      'vmunit_disabled_if',
      'vmunit_groups',
    ]);
    assert.deepEqual(values, [HOSTILE, HOSTILE, HOSTILE, HOSTILE, `a ${HOSTILE}`]);
  });

  it('embeds gzip+base64 that base64 -d | gzip -dc turns back into the binary, with its sha256', () => {
    const bytes = new Uint8Array(5000).map((_, i) => (i * 7919) % 251);
    const payload = encodePayload(bytes);
    assert.equal(payload.sha256, sha256Hex(bytes));
    assert.ok(payload.lines.every((l) => l.length <= 76 && !l.includes(PAYLOAD_DELIMITER)));
    const r = spawnSync('bash', ['-c', 'base64 -d | gzip -dc'], { input: `${payload.lines.join('\n')}\n` });
    assert.equal(r.status, 0);
    assert.deepEqual(new Uint8Array(r.stdout), bytes);
  });

  it('carries the arch builder’s fixed arguments for KVM and TCG, with and without pci-testdev', () => {
    const { text } = renderStandalone({
      spec: spec({}),
      tree: TREE,
      profile: x86_64,
      kernel: new Uint8Array([0]),
      runtime,
      harness: '',
      generator: 'g',
    });
    const platform = {
      profile: x86_64,
      qemu: '',
      accel: 'tcg',
      accelProps: '@VMUNIT_ACCEL_PROPS@',
      host: 'x86_64',
      targetCpu: '',
      defaultCpu: '',
      firmware: '',
      machine: '@VMUNIT_MACHINE@',
      hasPciTestdev: false,
    };
    const tcg = buildFixedArgs(platform);
    assert.ok(tcg.includes('accel=tcg@VMUNIT_ACCEL_PROPS@'));
    assert.ok(text.includes(`tcg:nopci) vmunit_fixed=(${tcg.join(' ')}) ;;`));
    assert.match(
      text,
      /kvm:x86_64:pci\) vmunit_fixed=\(.*-device pci-testdev -machine accel=kvm@VMUNIT_ACCEL_PROPS@\)/,
    );
  });

  it('decides errata in bash exactly as the TypeScript environ builder does', async () => {
    const { kernelHasFix, parseKernelVersion } = await import('../../src/guest/qemu/environ.js');
    const versions = [
      '4.9',
      '4.9.0',
      '4.9.1',
      '4.8.99',
      '4.10',
      '5.6',
      '5.6.0-1',
      '4.9.2-3',
      '4.9.2-4',
      '6.18.44-fc-v657',
    ];
    const pairs = versions.flatMap((h) => versions.map((m) => [h, m] as const));
    const fns = runtime.match(
      /^vmunit_split_version\(\) \{[\s\S]*?^\}\n\n[\s\S]*?^vmunit_has_fix\(\) \{[\s\S]*?^\}$/m,
    )?.[0];
    assert.ok(fns, 'runtime.bash defines vmunit_split_version and vmunit_has_fix');
    const script = `${fns}
while read -r h m; do
  vmunit_split_version "$h"; host=("\${vmunit_ver[@]}"); vmunit_split_version "$m"
  if vmunit_has_fix "\${host[@]}" "\${vmunit_ver[@]}"; then echo y; else echo n; fi
done`;
    const r = spawnSync('bash', ['-c', script], {
      input: pairs.map((p) => p.join(' ')).join('\n') + '\n',
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const expected = pairs.map(([h, m]) =>
      kernelHasFix(parseKernelVersion(h), parseKernelVersion(m)) ? 'y' : 'n',
    );
    assert.deepEqual(r.stdout.trim().split('\n'), expected);
  });

  it('writes kvm-unit-tests’ "test kernel not present" script when the binary is missing', () => {
    const r = renderStandalone({
      spec: spec({ name: 'gone' }),
      tree: TREE,
      profile: x86_64,
      kernel: undefined,
      runtime,
      harness: '',
      generator: 'g',
    });
    const run = spawnSync('bash', ['-c', r.text], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.equal(run.stdout, 'skip gone (test kernel not present)\n');
  });

  it('refuses a tree with FIRMWARE (it would not travel with the script)', () => {
    assert.throws(
      () =>
        renderStandalone({
          spec: spec({}),
          tree: { ...TREE, firmware: '/x/fw.bin' },
          profile: x86_64,
          kernel: new Uint8Array([0]),
          runtime,
          harness: '',
          generator: 'g',
        }),
      (e: unknown) => e instanceof VmunitError && e.code === 'CONFIG_INVALID',
    );
  });

  it('keeps only a safe file name for the extracted binary', () => {
    assert.equal(kernelFileName('msr.flat'), 'msr.flat');
    assert.equal(kernelFileName('sub/dir/a b$.flat'), 'a_b_.flat');
    assert.equal(kernelFileName(''), 'kernel');
    assert.equal(kernelFileName('..'), 'kernel');
  });
});

describe('standalone script for arm64 (qemu-system-aarch64, TCG)', {
  skip: qemuSkip('qemu-system-aarch64'),
}, () => {
  it('builds arm/run’s command line (mach-virt, chr-testdev, -cpu max) and times out a guest that never exits', async () => {
    const { arm64 } = await import('../../src/guest/qemu/arch/arm.js');
    const s = spec({
      name: 'selftest-setup',
      kernel: 'selftest.flat',
      smp: '2',
      testArgs: "'setup smp=2 mem=256'",
      qemuParams: '-m 256',
    });
    const { text } = renderStandalone({
      spec: s,
      tree: { ...TREE, arch: 'arm64', archName: 'aarch64', target: 'qemu', defaultCpu: 'max' },
      profile: arm64,
      // Zeros are not a guest: the vCPU spins on them, so only the timeout can end the run.
      kernel: new Uint8Array(4096),
      runtime: await readRuntime(),
      harness: '',
      generator: 'g',
    });
    const dir = tempDir('sa-arm');
    try {
      writeFileSync(join(dir, 't'), text);
      const r = spawnSync('bash', ['t'], {
        cwd: dir,
        env: { PATH: process.env.PATH, TIMEOUT: '1s' },
        encoding: 'utf8',
      });
      assert.equal(r.status, 124, r.stdout + r.stderr);
      assert.match(
        r.stdout,
        /qemu-system-aarch64 -nodefaults -machine virt -accel tcg -cpu max -device virtio-serial-device -device virtconsole,chardev=ctd -chardev testdev,id=ctd -device pci-testdev -display none -serial stdio -kernel \S+\/selftest\.flat -smp 2 -append setup smp=2 mem=256 -m 256 # -initrd \S+\n/,
      );
      assert.match(r.stdout, /FAIL\x1b\[0m selftest-setup \(timeout; duration=1s\)\n$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
