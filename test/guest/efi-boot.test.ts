/**
 * An OVMF boot through the real entry point: a CONFIG_EFI=y tree whose one test is a tiny UEFI application
 * (test/fixtures/guests/efi-pass.S, linked as PE32+ at test time), run by `node bin/vmunit.js run` and
 * `node bin/vmunit.js exec` under TCG. Needs Debian's `ovmf` (/usr/share/ovmf/OVMF.fd).
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_OVMF } from '../../src/guest/efi.js';
import { qemuSkip } from '../requirements.js';
import { CONFIG_MAK, findQemu, GUEST_SRC } from './e2e-helpers.js';
import { tempDir } from './sdk-tree.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const skip =
  (findQemu() === undefined && 'qemu-system-x86_64 not installed') ||
  (!existsSync(DEFAULT_OVMF) && `no ${DEFAULT_OVMF} (Debian package ovmf)`) ||
  (!built && 'dist/ not built (npm run build)');
if (skip && process.env.VMUNIT_REQUIRE?.includes('qemu')) throw new Error(`VMUNIT_REQUIRE=qemu: ${skip}`);

// OVMF under TCG on a loaded 2-core host can take a minute before it starts the application.
const CFG = '[efi_pass]\nfile = efi-pass.flat\ntimeout = 240\n';

describe('CONFIG_EFI=y: OVMF boots the test', { skip }, () => {
  let tree = '';
  before(() => {
    tree = tempDir('efi-boot');
    mkdirSync(join(tree, 'x86'));
    const obj = join(tree, 'efi-pass.o');
    execFileSync('as', ['--64', '-o', obj, join(GUEST_SRC, 'efi-pass.S')]);
    execFileSync('ld', [
      '-m',
      'i386pep',
      '--subsystem',
      '10',
      '-e',
      'efi_main',
      '-o',
      join(tree, 'x86', 'efi-pass.efi'),
      obj,
    ]);
    const config = CONFIG_MAK.replace('TEST_SUBDIR=x86', 'TEST_SUBDIR=x86/efi').replace(
      'CONFIG_EFI=',
      'CONFIG_EFI=y',
    );
    writeFileSync(join(tree, 'config.mak'), config);
    writeFileSync(join(tree, 'x86', 'unittests.cfg'), CFG);
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it('vmunit run: PASS with the summary, the x86/efi/run command line, the boot folder', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '-C', tree], {
      env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.stdout, 'PASS efi_pass (1 tests)\n', r.stderr);
    assert.equal(r.status, 0);
    const log = readFileSync(join(tree, 'logs', 'efi_pass.log'), 'utf8');
    const first = log.split('\n')[0] ?? '';
    assert.match(
      first,
      / -machine accel=tcg -drive file=\/usr\/share\/ovmf\/OVMF\.fd,format=raw,if=pflash,readonly=on /,
    );
    assert.match(
      first,
      / file\.dir=efi-tests\/efi-pass\/,file\.driver=vvfat,.* -net none -nographic -m 256 -smp 1 -smp 1$/,
    );
    assert.doesNotMatch(first, /-kernel|-initrd/);
    assert.ok(existsSync(join(tree, 'efi-tests', 'efi-pass', 'EFI', 'BOOT', 'BOOTX64.EFI')));
  });

  it('vmunit standalone: the script boots the test through OVMF itself (no tree, no -kernel)', () => {
    const out = join(tree, 'standalone');
    const gen = spawnSync(process.execPath, [BIN, 'standalone', '-C', tree, '--output', out], {
      encoding: 'utf8',
    });
    assert.equal(gen.status, 0, gen.stderr);
    const r = spawnSync('bash', [join(out, 'efi_pass')], {
      cwd: '/',
      env: { ...process.env, ACCEL: 'tcg' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^PASS: booted by UEFI firmware\r?$/m);
    assert.match(r.stdout, /\n\x1b\[32mPASS\x1b\[0m efi_pass \(1 tests\)\n$/);
    assert.match(r.stdout, / -drive file=\/usr\/share\/ovmf\/OVMF\.fd,format=raw,if=pflash,readonly=on /);
    assert.doesNotMatch(r.stdout, /-kernel|-initrd/);
    const missing = spawnSync('bash', [join(out, 'efi_pass')], {
      env: { ...process.env, ACCEL: 'tcg', EFI_UEFI: '/nonexistent.fd' },
      encoding: 'utf8',
    });
    assert.equal(missing.status, 77);
    assert.match(
      missing.stdout,
      /SKIP\x1b\[0m efi_pass \(Or specify the correct path with the env variable EFI_UEFI\)\n$/,
    );
  });

  it('vmunit exec FILE.efi boots the same way', () => {
    const r = spawnSync(process.execPath, [BIN, 'exec', 'x86/efi-pass.efi'], {
      cwd: tree,
      env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^PASS: booted by UEFI firmware\r?$/m);
    assert.match(r.stdout, /-drive file\.dir=efi-tests\/efi-pass\/,file\.driver=vvfat/);
  });
});

// arm64 EFI through the real entry point: the command lines arm/efi/run builds (no firmware boot here: the
// UEFI shell under TCG takes minutes; e2e/kut-arch.sh arm64 runs a real --enable-efi tree).
describe('CONFIG_EFI=y on arm64: arm/efi/run command lines', {
  skip: qemuSkip('qemu-system-aarch64'),
}, () => {
  let tree = '';
  before(() => {
    tree = tempDir('efi-arm64');
    mkdirSync(join(tree, 'arm'));
    writeFileSync(join(tree, 'arm', 'selftest.efi'), 'MZ');
    writeFileSync(join(tree, 'fw.fd'), '');
    const config = CONFIG_MAK.replace('ARCH=x86_64', 'ARCH=arm64')
      .replace('ARCH_NAME=x86_64', 'ARCH_NAME=aarch64')
      .replace('TEST_DIR=x86', 'TEST_DIR=arm')
      .replace('TEST_SUBDIR=x86', 'TEST_SUBDIR=arm/efi')
      .replace('DEFAULT_QEMU_CPU=', 'DEFAULT_QEMU_CPU=max')
      .replace('CONFIG_EFI=', 'CONFIG_EFI=y');
    writeFileSync(join(tree, 'config.mak'), config);
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  const exec = (env: Record<string, string>) =>
    spawnSync(
      process.execPath,
      [BIN, 'exec', '--dry-run', 'arm/selftest.efi', '-smp', '2', '-append', 'setup smp=2'],
      {
        cwd: tree,
        env: { ...process.env, ACCEL: 'tcg', EFI_UEFI: 'fw.fd', ...env },
        encoding: 'utf8',
      },
    );

  it('UEFI shell: -bios, the vvfat folder named after TESTNAME, acpi=off, no chr-testdev, startup.nsh', () => {
    const r = exec({ TESTNAME: 'selftest-setup' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      / -cpu max -device pci-testdev -display none -serial stdio -bios fw\.fd -drive file\.dir=efi-tests\/selftest-setup\/,file\.driver=vvfat,file\.rw=on,format=raw,if=virtio -smp 2 -machine acpi=off\n$/,
    );
    assert.doesNotMatch(r.stdout, /testdev,id=ctd|-kernel|-initrd/);
    assert.equal(
      readFileSync(join(tree, 'efi-tests', 'selftest-setup', 'startup.nsh'), 'utf8'),
      '@echo -off\nsetvar fdtfile -guid 97ef3e03-7329-4a6a-b9ba-6c1fdcc5f823 -rt =L"dtb"\nselftest.efi setup smp=2\n',
    );
    assert.ok(existsSync(join(tree, 'efi-tests', 'selftest-setup', 'selftest.efi')));
  });

  it('missing firmware: arm/efi/run words on stderr, exit 2', () => {
    const r = exec({ EFI_UEFI: 'nonexistent.fd' });
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /UEFI firmware not found\.\nPlease specify the path with the env variable EFI_UEFI/,
    );
  });
});
