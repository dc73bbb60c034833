/** The firmware rules (pure): the request grammar, why a test keeps SeaBIOS, and ELF load addresses. */

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSegments } from '../../../src/guest/elf.js';
import { chooseFirmware, parseFirmware, seabiosReason } from '../../../src/guest/qemu/firmware.js';
import { VmunitError } from '../../../src/util/errors.js';
import { qemuSkip } from '../../requirements.js';
import { buildGuest } from '../e2e-helpers.js';

const QBOOT = '/usr/share/qemu/qboot.rom';
const high = [{ start: 0x40_0000, end: 0x41_8000 }];
const plain = { name: 'setjmp', vmmArgs: ['-smp', '1'], segments: high };

describe('parseFirmware', () => {
  it('reads the four forms; unset is SeaBIOS, as run_tests.sh', () => {
    assert.deepEqual(parseFirmware(undefined, 'VMUNIT_FIRMWARE'), { mode: 'seabios' });
    assert.deepEqual(parseFirmware('', 'VMUNIT_FIRMWARE'), { mode: 'seabios' });
    assert.deepEqual(parseFirmware('qboot', '--firmware'), { mode: 'qboot' });
    assert.deepEqual(parseFirmware('auto', '--firmware'), { mode: 'auto' });
    assert.deepEqual(parseFirmware('./bios.bin', '--firmware'), { mode: 'path', path: './bios.bin' });
  });

  it('refuses an unknown name, naming where it came from', () => {
    assert.throws(
      () => parseFirmware('ovmf', 'VMUNIT_FIRMWARE'),
      (e: unknown) =>
        e instanceof VmunitError && e.code === 'USAGE' && /^VMUNIT_FIRMWARE: .*'ovmf'/.test(e.message),
    );
  });
});

describe('seabiosReason and chooseFirmware', () => {
  it('keeps SeaBIOS for each test whose verdict differs under qboot, with the reason', () => {
    // The three x86 tests seen to change verdict under qboot (TCG and KVM), by the fact that decides.
    const realmode = {
      name: 'realmode',
      vmmArgs: ['-smp', '1'],
      segments: [
        { start: 0x8000, end: 0xa86c },
        { start: 0xb000, end: 0xda30 },
      ],
    };
    const s3 = { name: 's3', vmmArgs: ['-smp', '1'], segments: high };
    const iommu = {
      name: 'intel_iommu',
      vmmArgs: [
        '-smp',
        '4',
        '-M',
        'q35,kernel-irqchip=split',
        '-device',
        'intel-iommu,intremap=on,eim=off',
        '-device',
        'edu',
      ],
      segments: high,
    };
    assert.match(seabiosReason(realmode) ?? '', /loads at 0x8000-0xa86c, over 0x9000/);
    // Low, but clear of QEMU's multiboot information: qboot boots it intact.
    assert.equal(seabiosReason({ ...plain, segments: [{ start: 0x7000, end: 0x8100 }] }), undefined);
    assert.match(seabiosReason(s3) ?? '', /S3 resume/);
    assert.match(seabiosReason(iommu) ?? '', /PCI BARs/);
    for (const facts of [realmode, s3, iommu]) {
      const choice = chooseFirmware({ mode: 'auto' }, facts, QBOOT);
      assert.equal(choice.name, 'seabios', facts.name);
      assert.equal(choice.bios, '');
    }
  });

  it('auto boots the rest with qboot; explicit choices are obeyed whatever the test', () => {
    assert.equal(seabiosReason(plain), undefined);
    assert.deepEqual(chooseFirmware({ mode: 'auto' }, plain, QBOOT), { name: 'qboot', bios: QBOOT });
    const realmode = { ...plain, name: 'realmode', segments: [{ start: 0x8000, end: 0xa86c }] };
    assert.deepEqual(chooseFirmware({ mode: 'qboot' }, realmode, QBOOT), { name: 'qboot', bios: QBOOT });
    assert.deepEqual(chooseFirmware({ mode: 'seabios' }, plain, QBOOT), { name: 'seabios', bios: '' });
    assert.deepEqual(chooseFirmware({ mode: 'path', path: '/x/bios.bin' }, plain, QBOOT), {
      name: '/x/bios.bin',
      bios: '/x/bios.bin',
    });
  });

  it('auto without a qboot.rom stays on SeaBIOS and says why', () => {
    assert.deepEqual(chooseFirmware({ mode: 'auto' }, plain, undefined), {
      name: 'seabios',
      bios: '',
      reason: 'QEMU has no qboot.rom',
    });
  });
});

describe('loadSegments', { skip: qemuSkip('as', 'ld') }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vmunit-elf-'));
    buildGuest('pass', dir);
    buildGuest('pass', dir, '0x9000', 'low');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the PT_LOAD segments of a multiboot ELF', () => {
    const segments = (file: string) => loadSegments(readFileSync(join(dir, file)).subarray(0, 4096)) ?? [];
    // The text where ld was told (-Ttext), after it sizes.
    assert.ok(segments('pass.flat').some((s) => s.start === 0x10_0000 && s.end > s.start));
    assert.ok(segments('low.flat').some((s) => s.start === 0x9000 && s.end > s.start));
  });

  it('is undefined for what is not an ELF image or is cut before its program headers', () => {
    assert.equal(
      loadSegments(new TextEncoder().encode('#!/bin/sh\necho not an image\n'.repeat(3))),
      undefined,
    );
    assert.equal(loadSegments(readFileSync(join(dir, 'pass.flat')).subarray(0, 60)), undefined);
  });
});
