/**
 * CONFIG_EFI=y trees: x86/efi/run's settings, command line and boot folder.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_OVMF, efiArgs, efiCaseName, efiSettings, prepareEfiCase } from '../../src/guest/efi.js';
import { VmunitError } from '../../src/util/errors.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-efi-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'x86'));
  writeFileSync(join(dir, 'x86', 'setjmp.efi'), 'MZ…');
  writeFileSync(join(dir, 'OVMF.fd'), '');
  return dir;
}

describe('EFI boots (x86/efi/run)', () => {
  it('defaults: Debian OVMF, efi-tests, TEST_DIR, one vCPU, the binary name as case', () => {
    const s = efiSettings({}, 'x86');
    assert.deepEqual(s, {
      firmware: DEFAULT_OVMF,
      testFolder: 'efi-tests',
      source: 'x86',
      smp: '1',
      caseName: undefined,
    });
    assert.equal(efiCaseName(s, 'x86/setjmp.efi'), 'setjmp');
    const forced = efiSettings({ EFI_UEFI: '/fw.fd', EFI_TEST: 't', EFI_SMP: '4', EFI_CASE: 'dummy' }, 'x86');
    assert.equal(efiCaseName(forced, 'x86/setjmp.efi'), 'dummy');
    assert.equal(forced.smp, '4');
  });

  it('builds the command-line tail with EFI_SMP last, overriding the test smp', () => {
    const args = efiArgs(efiSettings({}, 'x86'), 'setjmp', ['-smp', '2', '-append', 'x']);
    assert.deepEqual(args, [
      '-drive',
      `file=${DEFAULT_OVMF},format=raw,if=pflash,readonly=on`,
      '-drive',
      'file.dir=efi-tests/setjmp/,file.driver=vvfat,file.rw=on,format=raw,if=virtio',
      ...['-net', 'none', '-nographic', '-m', '256'],
      ...['-smp', '2', '-append', 'x', '-smp', '1'],
    ]);
  });

  it('copies the binary to EFI/BOOT/BOOTX64.EFI inside the tree', async () => {
    const dir = tree();
    const s = efiSettings({ EFI_UEFI: 'OVMF.fd' }, 'x86');
    await prepareEfiCase(dir, s, 'setjmp');
    assert.equal(readFileSync(join(dir, 'efi-tests', 'setjmp', 'EFI', 'BOOT', 'BOOTX64.EFI'), 'utf8'), 'MZ…');
  });

  it('missing firmware gives x86/efi/run message; a case name cannot leave its folders', async () => {
    const dir = tree();
    await assert.rejects(prepareEfiCase(dir, efiSettings({ EFI_UEFI: '/nonexistent.fd' }, 'x86'), 'setjmp'), {
      message:
        'UEFI firmware not found: /nonexistent.fd\nPlease install the UEFI firmware to this path\n' +
        'Or specify the correct path with the env variable EFI_UEFI',
    });
    await assert.rejects(
      prepareEfiCase(dir, efiSettings({ EFI_UEFI: 'OVMF.fd' }, 'x86'), '../../escape'),
      (e: unknown) => e instanceof VmunitError && e.code === 'PATH_ESCAPE',
    );
  });
});
