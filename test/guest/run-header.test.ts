import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ARCH_PROFILES } from '../../src/guest/qemu/arch/index.js';
import {
  accelReason,
  formatRunHeader,
  headerMeta,
  headerRecordMeta,
  type RunHeaderFacts,
  slowKvmNote,
} from '../../src/guest/run-header.js';

const facts: RunHeaderFacts = {
  treeDir: '/k',
  treeHead: '1da1819e',
  arch: 'x86_64',
  accel: 'tcg',
  accelReason: 'ACCEL=tcg',
  qemuPath: '/usr/bin/qemu-system-x86_64',
  qemuVersion: 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)',
  maxSmp: '2',
  jobs: 2,
  resultsDir: '/k/logs',
  kernelRelease: '6.1.0',
};

describe('run header', () => {
  it('one line with tree, arch, accelerator and why, QEMU and version, MAX_SMP, -j, results', () => {
    assert.equal(
      formatRunHeader(facts),
      'vmunit: tree /k (HEAD 1da1819e), arch x86_64, accel tcg (ACCEL=tcg), qemu /usr/bin/qemu-system-x86_64 7.2.22, MAX_SMP 2, -j 2, results /k/logs',
    );
  });

  it('names the firmware after QEMU when the arch has a choice, in the meta and the record too', () => {
    const fw = { ...facts, firmware: 'auto (qboot /usr/share/qemu/qboot.rom)' };
    assert.match(
      formatRunHeader(fw),
      /7\.2\.22, firmware auto \(qboot \/usr\/share\/qemu\/qboot\.rom\), MAX_SMP 2,/,
    );
    assert.equal(headerMeta(fw).firmware, fw.firmware);
    assert.equal(headerRecordMeta(fw).firmware, fw.firmware);
    assert.equal(headerRecordMeta(facts).firmware, undefined);
  });

  it('says why each accelerator was chosen', () => {
    const x86 = ARCH_PROFILES.x86_64;
    assert.equal(accelReason('tcg', 'tcg', true, x86, 'x86_64'), 'ACCEL=tcg');
    assert.equal(accelReason('', 'kvm', true, x86, 'x86_64'), '/dev/kvm opened');
    assert.equal(accelReason('', 'tcg', false, x86, 'x86_64'), '/dev/kvm not usable, fell back to TCG');
    assert.equal(
      accelReason('', 'tcg', true, x86, 'aarch64'),
      'no KVM for x86_64 guests on a aarch64 host, TCG',
    );
  });

  it('the same facts in run:start meta and in the record metadata', () => {
    assert.equal(headerMeta(facts)['qemu.path'], facts.qemuPath);
    assert.equal(headerMeta(facts).accelReason, 'ACCEL=tcg');
    const meta = headerRecordMeta(facts);
    assert.deepEqual(meta.qemu, { path: facts.qemuPath, version: facts.qemuVersion });
    assert.deepEqual(meta.tree, { dir: '/k', head: '1da1819e' });
    assert.equal(meta.maxSmp, 2);
    assert.equal(meta.jobs, 2);
  });

  it('names PVM and nested KVM once with the ACCEL=tcg hint, and nothing on bare metal', () => {
    const pvm = slowKvmNote({ modules: 'kvm_pvm 139264 0 - Live 0x0\nkvm 1 1 kvm_pvm, Live\n', cpuinfo: '' });
    assert.match(pvm ?? '', /^vmunit: note: \/dev\/kvm is PVM \(module kvm_pvm\).*; ACCEL=tcg /);
    const nested = slowKvmNote({ modules: 'kvm_intel 1 0\n', cpuinfo: 'flags\t\t: fpu vme hypervisor lm\n' });
    assert.match(nested ?? '', /is nested/);
    assert.equal(slowKvmNote({ modules: 'kvm_intel 1 0\n', cpuinfo: 'flags\t\t: fpu vme lm\n' }), undefined);
  });
});
