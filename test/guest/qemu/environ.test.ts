import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chooseAccel } from '../../../src/guest/qemu/accel.js';
import { ARCH_PROFILES } from '../../../src/guest/qemu/arch/index.js';
import {
  buildEnviron,
  generateErrata,
  kernelHasFix,
  parseKernelVersion,
} from '../../../src/guest/qemu/environ.js';
import {
  type CaptureFn,
  parseQemuVersion,
  QemuProber,
  qemuArchFor,
  qemuCandidates,
} from '../../../src/guest/qemu/probe.js';

const QEMU_LINE = 'QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)';
const ERRATA = [
  '# commit : minimum kernel : summary',
  '9e3f7a296940 : 4.9  : arm64: KVM: invalidate icache on guest exit',
  '7b6b46311a85 : 4.11 : KVM: arm/arm64: Emulate the EL1 phys timer registers',
  '6c7a5dce22b3 : 4.12 : KVM: arm/arm64: fix races in kvm_psci_vcpu_on',
  '8c58be34494b : 5.6 : KVM: arm/arm64: vgic-its: Fix restoration of unmapped collections',
].join('\n');

describe('buildEnviron (initrd_create)', () => {
  it('reproduces the file run_tests.sh wrote on the reference host (x86_64, ACCEL=tcg)', () => {
    const text = buildEnviron({
      target: '',
      accel: 'tcg',
      qemuVersionString: QEMU_LINE,
      kernelRelease: '6.18.44-fc-v669',
      env: {},
      errata: { path: '/kut/errata.txt', text: ERRATA },
    });
    assert.equal(
      text,
      [
        'TARGET=',
        'QEMU_ACCEL=tcg',
        `QEMU_VERSION_STRING=${QEMU_LINE}`,
        'QEMU_MAJOR=7',
        'QEMU_MINOR=2',
        'QEMU_MICRO=22',
        'KERNEL_VERSION_STRING=6.18.44-fc-v669',
        'KERNEL_VERSION=6',
        'KERNEL_PATCHLEVEL=18',
        'KERNEL_SUBLEVEL=44',
        'KERNEL_EXTRAVERSION=',
        'ERRATA_FORCE=y',
        '',
      ].join('\n'),
    );
  });

  it('under KVM generates sorted ERRATA_<commit> from errata.txt and the host kernel', () => {
    const text = buildEnviron({
      target: '',
      accel: 'kvm',
      qemuVersionString: QEMU_LINE,
      kernelRelease: '4.11.0-rc1',
      env: { ERRATA_8c58be34494b: 'y' },
      errata: { path: '/kut/errata.txt', text: ERRATA },
    });
    const tail = text.split('\n').slice(11, -1);
    assert.deepEqual(tail, [
      'ERRATA_6c7a5dce22b3=n',
      'ERRATA_7b6b46311a85=y',
      'ERRATA_8c58be34494b=y',
      'ERRATA_9e3f7a296940=y',
    ]);
  });

  it('merges the user KVM_UNIT_TESTS_ENV lines whose names are new', () => {
    const text = buildEnviron({
      target: 'qemu',
      accel: 'tcg',
      qemuVersionString: QEMU_LINE,
      kernelRelease: '6.1.0',
      userEnv: 'FOO=foo\n  BAR="bar baz"\nQEMU_ACCEL=nope\n# comment\n9X=no\n',
      env: {},
    });
    assert.match(text, /^TARGET=qemu\n/);
    assert.match(text, /\nFOO=foo\nBAR=bar baz\nERRATA_FORCE=y\n$/);
    assert.ok(!text.includes('nope'));
  });

  it('a configured but missing errata file is an error (upstream: return 2)', () => {
    assert.throws(
      () =>
        buildEnviron({
          target: '',
          accel: 'kvm',
          qemuVersionString: QEMU_LINE,
          kernelRelease: '6.1.0',
          env: {},
          errata: { path: '/x/errata.txt', text: undefined },
        }),
      /\/x\/errata.txt not found. \(ERRATATXT=\/x\/errata.txt\)/,
    );
  });
});

describe('kernel version rules', () => {
  it('parses uname -r like the bash reads', () => {
    assert.deepEqual(parseKernelVersion('6.18.44-fc-v669'), {
      version: '6',
      patchlevel: '18',
      sublevel: '44',
      extraversion: '',
    });
    assert.deepEqual(parseKernelVersion('5.10.0-21-amd64'), {
      version: '5',
      patchlevel: '10',
      sublevel: '0',
      extraversion: '21',
    });
  });
  it('compares like env_generate_errata', () => {
    const v = parseKernelVersion;
    assert.equal(kernelHasFix(v('4.9.0'), v('4.9')), true);
    assert.equal(kernelHasFix(v('4.8.9'), v('4.9')), false);
    assert.equal(kernelHasFix(v('4.9.3'), v('4.9.4')), false);
    assert.equal(kernelHasFix(v('4.9.4-2'), v('4.9.4-1')), true);
    assert.equal(kernelHasFix(v('4.9'), v('4.9.1')), false);
  });
  it('rejects a bad minimum version', () => {
    assert.throws(
      () => generateErrata('abc : x.y', 'e.txt', parseKernelVersion('6.1.0'), {}),
      /Bad minimum kernel version/,
    );
  });
});

describe('accelerator choice (set_qemu_accelerator)', () => {
  const x86 = ARCH_PROFILES.x86_64;
  it('auto: KVM when usable and the host matches, else TCG', () => {
    assert.deepEqual(chooseAccel({ requested: '', host: 'x86_64', profile: x86, kvmDevice: true }), {
      ok: true,
      accel: 'kvm',
      props: '',
    });
    assert.deepEqual(chooseAccel({ requested: '', host: 'x86_64', profile: x86, kvmDevice: false }), {
      ok: true,
      accel: 'tcg',
      props: '',
    });
    const arm = chooseAccel({ requested: '', host: 'x86_64', profile: ARCH_PROFILES.arm64, kvmDevice: true });
    assert.deepEqual(arm, { ok: true, accel: 'tcg', props: '' });
  });
  it('explicit kvm without KVM is refused with upstream message; props are kept', () => {
    assert.deepEqual(chooseAccel({ requested: 'kvm', host: 'x86_64', profile: x86, kvmDevice: false }), {
      ok: false,
      message: 'KVM is needed, but not available on this host',
    });
    assert.deepEqual(
      chooseAccel({ requested: 'kvm,kernel_irqchip=on', host: 'x86_64', profile: x86, kvmDevice: true }),
      {
        ok: true,
        accel: 'kvm',
        props: ',kernel_irqchip=on',
      },
    );
  });
});

describe('QemuProber caches per binary', () => {
  it('spawns --help once and each listing once however many tests ask', async () => {
    const calls: string[] = [];
    const capture: CaptureFn = async (file, args) => {
      calls.push([file, ...args].join(' '));
      if (args[0] === '--help') return { stdout: `${QEMU_LINE}\nusage: qemu`, stderr: '', code: 0 };
      return { stdout: 'name "pc-testdev", bus ISA\nname "pci-testdev", bus PCI\n', stderr: '', code: 0 };
    };
    const prober = new QemuProber(capture);
    for (let i = 0; i < 5; i++) {
      const b = await prober.findBinary([process.execPath], '', '/');
      const info = await prober.info(b.path, b.help, ARCH_PROFILES.x86_64);
      assert.equal(info.hasPciTestdev, true);
      assert.equal(info.missing, undefined);
      assert.equal(info.major, '7');
    }
    assert.equal(prober.spawned, 2);
    assert.equal(calls.length, 2);
  });
  it('reports a missing test device with the run script message', async () => {
    const prober = new QemuProber(async () => ({ stdout: 'QEMU\nname "virtio-net"', stderr: '', code: 0 }));
    const info = await prober.info('/q', 'QEMU emulator version 8.0.0', ARCH_PROFILES.x86_64);
    assert.equal(info.missing, 'No Qemu test device support found');
  });
  it('candidate list and version fields', () => {
    assert.deepEqual(qemuCandidates(undefined, 'x86_64'), ['qemu-system-x86_64', 'qemu-kvm']);
    assert.deepEqual(qemuCandidates(' /a/qemu  b ', 'x86_64'), ['/a/qemu', 'b']);
    assert.deepEqual(parseQemuVersion(QEMU_LINE), { major: '7', minor: '2', micro: '22' });
  });
  it("QEMU_ARCH: the environment's, else ARCH_NAME; $HOST under KVM on arm (arm/run forces it)", () => {
    assert.equal(qemuArchFor(ARCH_PROFILES.x86_64, 'tcg', 'x86_64', undefined), 'x86_64');
    assert.equal(qemuArchFor(ARCH_PROFILES.x86_64, 'kvm', 'x86_64', 'i386'), 'i386');
    assert.equal(qemuArchFor(ARCH_PROFILES.x86_64, 'kvm', 'x86_64', ''), 'x86_64');
    assert.equal(qemuArchFor(ARCH_PROFILES.arm, 'tcg', 'x86_64', undefined), 'arm');
    assert.equal(qemuArchFor(ARCH_PROFILES.arm, 'kvm', 'aarch64', 'arm'), 'aarch64');
  });
  it('no binary → QEMU_NOT_FOUND with upstream text', async () => {
    const prober = new QemuProber(async () => ({ stdout: '', stderr: '', code: 1 }));
    await assert.rejects(
      prober.findBinary(['no-such-qemu-xyz'], '/nonexistent', '/'),
      /A QEMU binary was not found/,
    );
  });
});
