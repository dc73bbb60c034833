/**
 * CONFIG_EFI=y trees: x86/efi/run's and arm/efi/run's settings, command lines and boot folders.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  DEFAULT_OVMF,
  dumpDtbArgs,
  efiArgs,
  efiCase,
  efiPlatform,
  efiSettings,
  efiStatus,
  efiTakesInitrd,
  prepareEfiCase,
  startupScript,
} from '../../src/guest/efi.js';
import { arm64 } from '../../src/guest/qemu/arch/arm.js';
import { buildFixedArgs, type QemuPlatform } from '../../src/guest/qemu/args.js';
import { VmunitError } from '../../src/util/errors.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(sub: string, binary: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-efi-'));
  dirs.push(dir);
  mkdirSync(join(dir, sub));
  writeFileSync(join(dir, sub, binary), 'MZ…');
  writeFileSync(join(dir, 'fw.fd'), '');
  return dir;
}

const QEMU_EFI = '/usr/share/qemu-efi-aarch64/QEMU_EFI.fd';
const SELFTEST_ARGS = ['-smp', '2', '-append', 'setup smp=2 mem=256', '-m', '256'];

describe('EFI boots: x86/efi/run', () => {
  it('defaults: Debian OVMF, efi-tests, TEST_DIR, one vCPU, the binary name as case', () => {
    const s = efiSettings('x86_64', {}, 'x86');
    assert.equal(s.firmware, DEFAULT_OVMF);
    assert.equal(s.testFolder, 'efi-tests');
    assert.equal(s.source, 'x86');
    assert.equal(s.smp, '1');
    assert.equal(efiCase(s, 'x86/setjmp.efi', 'setjmp', []).dirName, 'setjmp');
    const forced = efiSettings(
      'x86_64',
      { EFI_UEFI: '/fw.fd', EFI_TEST: 't', EFI_SMP: '4', EFI_CASE: 'dummy' },
      'x86',
    );
    assert.equal(efiCase(forced, 'x86/setjmp.efi', 'setjmp', []).dirName, 'dummy');
    assert.equal(forced.smp, '4');
  });

  it('builds the command-line tail with EFI_SMP last, overriding the test smp; no initrd', () => {
    const c = efiCase(efiSettings('x86_64', {}, 'x86'), 'x86/setjmp.efi', 'setjmp', [
      '-smp',
      '2',
      '-append',
      'x',
    ]);
    assert.deepEqual(efiArgs(c, 'x86/setjmp.efi'), [
      '-drive',
      `file=${DEFAULT_OVMF},format=raw,if=pflash,readonly=on`,
      '-drive',
      'file.dir=efi-tests/setjmp/,file.driver=vvfat,file.rw=on,format=raw,if=virtio',
      ...['-net', 'none', '-nographic', '-m', '256'],
      ...['-smp', '2', '-append', 'x', '-smp', '1'],
    ]);
    assert.equal(dumpDtbArgs(c), undefined);
    assert.equal(efiStatus(c, 'debug-exit'), 'debug-exit');
    assert.equal(efiTakesInitrd(c), false);
  });

  it('copies the binary to EFI/BOOT/BOOTX64.EFI inside the tree', async () => {
    const dir = tree('x86', 'setjmp.efi');
    const c = efiCase(efiSettings('x86_64', { EFI_UEFI: 'fw.fd' }, 'x86'), 'x86/setjmp.efi', 'setjmp', []);
    await prepareEfiCase(dir, c);
    assert.equal(readFileSync(join(dir, 'efi-tests', 'setjmp', 'EFI', 'BOOT', 'BOOTX64.EFI'), 'utf8'), 'MZ…');
  });

  it('missing firmware gives x86/efi/run message; a case name cannot leave its folders', async () => {
    const dir = tree('x86', 'setjmp.efi');
    const missing = efiCase(
      efiSettings('x86_64', { EFI_UEFI: '/nonexistent.fd' }, 'x86'),
      'x86/setjmp.efi',
      's',
      [],
    );
    await assert.rejects(prepareEfiCase(dir, missing), {
      message:
        'UEFI firmware not found: /nonexistent.fd\nPlease install the UEFI firmware to this path\n' +
        'Or specify the correct path with the env variable EFI_UEFI',
    });
    const outside = efiCase(
      efiSettings('x86_64', { EFI_UEFI: 'fw.fd', EFI_CASE: '../../escape' }, 'x86'),
      'x86/setjmp.efi',
      'e',
      [],
    );
    await assert.rejects(
      prepareEfiCase(dir, outside),
      (e: unknown) => e instanceof VmunitError && e.code === 'PATH_ESCAPE',
    );
  });
});

describe('EFI boots: arm/efi/run', () => {
  const settings = (env: Record<string, string> = {}, direct = false) =>
    efiSettings('arm64', env, 'arm', direct, (p) => p === QEMU_EFI);

  it('firmware: the first of the run script candidates that exists, else none', () => {
    assert.equal(settings().firmware, QEMU_EFI);
    assert.equal(efiSettings('arm64', {}, 'arm', false, () => false).firmware, '');
  });

  it('UEFI shell: a folder per test name, dumpdtb first, -bios and the disk, acpi=off last, EXIT: status', () => {
    const c = efiCase(settings(), 'arm/selftest.efi', 'selftest-setup', SELFTEST_ARGS);
    assert.equal(c.dirName, 'selftest-setup');
    assert.deepEqual(dumpDtbArgs(c), [
      ...['-machine', 'dumpdtb=efi-tests/selftest-setup/dtb', '-smp', '2', '-m', '256'],
      ...['-machine', 'acpi=off'],
    ]);
    assert.deepEqual(efiArgs(c, 'arm/selftest.efi'), [
      ...['-bios', QEMU_EFI, '-drive'],
      'file.dir=efi-tests/selftest-setup/,file.driver=vvfat,file.rw=on,format=raw,if=virtio',
      ...['-smp', '2', '-m', '256', '-machine', 'acpi=off'],
    ]);
    assert.equal(
      startupScript(c),
      '@echo -off\nsetvar fdtfile -guid 97ef3e03-7329-4a6a-b9ba-6c1fdcc5f823 -rt =L"dtb"\n' +
        'selftest.efi setup smp=2 mem=256\n',
    );
    assert.equal(efiStatus(c, 'debug-exit'), 'exit-line');
    assert.equal(efiTakesInitrd(c), false);
  });

  it('the shell boot has no chr-testdev (arm/run with UEFI_SHELL_RUN=y)', () => {
    const platform: QemuPlatform = {
      profile: arm64,
      qemu: 'qemu-system-aarch64',
      accel: 'tcg',
      accelProps: '',
      host: 'x86_64',
      targetCpu: '',
      defaultCpu: 'max',
      firmware: '',
      machine: '',
      hasPciTestdev: true,
    };
    const c = efiCase(settings(), 'arm/selftest.efi', 'selftest-setup', SELFTEST_ARGS);
    assert.deepEqual(buildFixedArgs(efiPlatform(platform, c)), [
      ...['-nodefaults', '-machine', 'virt', '-accel', 'tcg', '-cpu', 'max', '-device', 'pci-testdev'],
      ...['-display', 'none', '-serial', 'stdio'],
    ]);
    const direct = efiCase(settings({}, true), 'arm/selftest.efi', 'selftest-setup', SELFTEST_ARGS);
    assert.ok(buildFixedArgs(efiPlatform(platform, direct)).includes('testdev,id=ctd'));
  });

  it('EFI_USE_ACPI=y: no device tree, no acpi=off, no setvar', () => {
    const c = efiCase(settings({ EFI_USE_ACPI: 'y' }), 'arm/timer.efi', 'timer', ['-smp', '1']);
    assert.equal(dumpDtbArgs(c), undefined);
    assert.deepEqual(efiArgs(c, 'arm/timer.efi').slice(-2), ['-smp', '1']);
    assert.equal(startupScript(c), '@echo -off\ntimer.efi\n');
  });

  it('EFI_DIRECT=y: -kernel, -append "<name>.efi <args>", -bios; chr-testdev status and the environ', () => {
    const c = efiCase(settings({}, true), 'arm/selftest.efi', 'selftest-setup', SELFTEST_ARGS);
    assert.deepEqual(efiArgs(c, 'arm/selftest.efi'), [
      ...['-kernel', 'arm/selftest.efi', '-append', 'selftest.efi setup smp=2 mem=256', '-bios', QEMU_EFI],
      ...['-smp', '2', '-m', '256', '-machine', 'acpi=off'],
    ]);
    assert.equal(dumpDtbArgs(c), undefined);
    assert.equal(efiStatus(c, 'debug-exit'), 'debug-exit');
    assert.equal(efiTakesInitrd(c), true);
  });

  it('lays out the case folder: the binary and startup.nsh; EFI_TESTNAME names the folder', async () => {
    const dir = tree('arm', 'selftest.efi');
    const c = efiCase(
      efiSettings('arm64', { EFI_UEFI: 'fw.fd', EFI_TESTNAME: 'mine' }, 'arm'),
      'arm/selftest.efi',
      'selftest-setup',
      ['-append', 'setup'],
    );
    await prepareEfiCase(dir, c);
    assert.equal(readFileSync(join(dir, 'efi-tests', 'mine', 'selftest.efi'), 'utf8'), 'MZ…');
    assert.match(
      readFileSync(join(dir, 'efi-tests', 'mine', 'startup.nsh'), 'utf8'),
      /\nselftest\.efi setup\n$/,
    );
    const none = efiCase(
      efiSettings('arm64', {}, 'arm', false, () => false),
      'arm/selftest.efi',
      's',
      [],
    );
    await assert.rejects(prepareEfiCase(dir, none), {
      message: 'UEFI firmware not found.\nPlease specify the path with the env variable EFI_UEFI',
    });
  });
});
