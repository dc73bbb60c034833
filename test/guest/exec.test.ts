/**
 * `vmunit exec`: ELF arch detection, tree search, and — with QEMU (TCG) and guest-SDK binaries built at
 * test time — the run script's exit statuses (0 PASS, 77 SKIP, 3 FAIL, 127 abort, 124 timeout), the
 * echoed command line, --dry-run, and exit 2 with a clear message for bad input.
 */

import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { archFromElfHeader } from '../../src/guest/elf.js';
import { hostArch } from '../../src/guest/exec.js';
import { findTreeUpward } from '../../src/guest/tree.js';
import { runCli } from './cli-run.js';
import { buildSdkTree, sdkSkip, tempDir } from './sdk-tree.js';

function elfHeader(machine: number, bigEndian = false): Uint8Array {
  const h = new Uint8Array(20);
  h.set([0x7f, 0x45, 0x4c, 0x46, 1, bigEndian ? 2 : 1, 1]);
  h[bigEndian ? 19 : 18] = machine & 0xff;
  h[bigEndian ? 18 : 19] = machine >> 8;
  return h;
}

describe('exec: arch from the ELF header', () => {
  it('maps kvm-unit-tests arches, elf32-i386 x86 .flat files to x86_64', () => {
    const cases: [number, boolean, string][] = [
      [3, false, 'x86_64'],
      [62, false, 'x86_64'],
      [183, false, 'arm64'],
      [40, false, 'arm'],
      [243, false, 'riscv64'],
      [21, true, 'ppc64'],
      [22, true, 's390x'],
    ];
    for (const [machine, be, arch] of cases) {
      const got = archFromElfHeader(elfHeader(machine, be));
      assert.deepEqual(got, { ok: true, arch, machine });
    }
  });

  it('says why when it cannot tell', () => {
    assert.deepEqual(archFromElfHeader(new Uint8Array(64)), { ok: false, why: 'not an ELF file' });
    const sparc = archFromElfHeader(elfHeader(2));
    assert.equal(sparc.ok, false);
    assert.match(sparc.ok ? '' : sparc.why, /ELF machine 2 is not a kvm-unit-tests arch/);
  });

  it('normalises uname -m like configure', () => {
    assert.equal(hostArch('i686'), 'i386');
    assert.equal(hostArch('armv7l'), 'arm');
    assert.equal(hostArch('ppc64le'), 'ppc64');
    assert.equal(hostArch('x86_64'), 'x86_64');
  });

  it('finds config.mak upward', async () => {
    const dir = tempDir('exec-up');
    try {
      mkdirSync(join(dir, 'a', 'b'), { recursive: true });
      writeFileSync(join(dir, 'a', 'config.mak'), 'ARCH=x86_64\n');
      assert.equal(await findTreeUpward(join(dir, 'a', 'b')), join(dir, 'a'));
      assert.equal(await findTreeUpward(join(dir)), undefined);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('vmunit exec under QEMU (TCG)', { skip: sdkSkip }, () => {
  let dir = '';
  let tree = '';
  before(() => {
    dir = tempDir('exec');
    tree = buildSdkTree(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, status, extra, env] of [
    ['hello', 0, [], {}],
    ['skip_demo', 77, [], {}],
    ['fail_demo', 3, [], {}],
    ['crash_demo', 127, [], {}],
    // -S: QEMU starts paused, the guest never exits; TIMEOUT turns that into timeout(1)'s 124.
    ['hello', 124, ['-S'], { TIMEOUT: '1s' }],
  ] as const) {
    it(`${name} ${extra.join(' ')} → ${status}`, async () => {
      const r = await runCli(['exec', `x86/${name}.flat`, ...extra], tree, { ACCEL: 'tcg', ...env });
      assert.equal(r.status, status, r.stdout + r.stderr);
      const first = r.stdout.split('\n')[0] ?? '';
      assert.match(
        first,
        /qemu-system-x86_64 --no-reboot -nodefaults .* -machine accel=tcg -kernel x86\/\S+\.flat/,
      );
    });
  }

  it('passes QEMU options after FILE verbatim (-append, -smp) and finds the tree upward from FILE', async () => {
    const r = await runCli(
      ['exec', join(tree, 'x86', 'args.flat'), '-smp', '2', '-append', 'alpha 42 --flag=x'],
      dir,
      { ACCEL: 'tcg' },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /-kernel \S+args\.flat -smp 2 -append 'alpha 42 --flag=x' \n/);
    assert.match(r.stdout, /^ok 3 args: argv\[1\] is "alpha"/m);
  });

  it('without a tree, picks the x86_64 profile from the elf32 header', async () => {
    const lone = join(dir, 'lone');
    mkdirSync(lone);
    copyFileSync(join(tree, 'x86', 'fail_demo.flat'), join(lone, 'fail_demo.flat'));
    const r = await runCli(['exec', 'fail_demo.flat'], lone, { ACCEL: 'tcg' });
    assert.equal(r.status, 3, r.stdout + r.stderr);
    // No config.mak: ./configure's default ENVIRON_DEFAULT=yes, so an environ file is passed.
    assert.match(r.stdout.split('\n')[0] ?? '', / # -initrd \S+environ$/);
  });

  it('--dry-run prints the command line and runs nothing', async () => {
    const r = await runCli(['exec', '--dry-run', 'x86/hello.flat', '-cpu', 'max'], tree, { ACCEL: 'tcg' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\S+qemu-system-x86_64 .* -kernel x86\/hello\.flat -cpu max\n$/);
  });

  it('ACCEL=kvm on a host without usable KVM for this arch says so and exits 2', async () => {
    const r = await runCli(['exec', '--arch', 'arm64', 'x86/hello.flat'], tree, { ACCEL: 'kvm' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr, 'KVM is needed, but not available on this host\n');
  });

  it('QEMU= naming nothing: upstream’s two-line message, exit 2', async () => {
    const r = await runCli(['exec', 'x86/hello.flat'], tree, { ACCEL: 'tcg', QEMU: 'no-such-qemu' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^A QEMU binary was not found\.\nYou can set a custom location/);
  });
});

describe('vmunit exec: bad input exits 2 with a clear message', () => {
  it('missing binary', async () => {
    const dir = tempDir('exec-bad');
    try {
      const r = await runCli(['exec', 'nope.flat'], dir);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, 'vmunit: error: guest binary nope.flat not found\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that is neither in a tree nor an ELF', async () => {
    const dir = tempDir('exec-bad');
    try {
      writeFileSync(join(dir, 'raw.flat'), 'not elf at all, just bytes');
      const r = await runCli(['exec', 'raw.flat'], dir);
      assert.equal(r.status, 2);
      assert.match(
        r.stderr,
        /cannot tell which arch raw\.flat is for \(not an ELF file\).*use -C TREE or --arch/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
