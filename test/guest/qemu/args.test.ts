import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { archProfile } from '../../../src/guest/qemu/arch/index.js';
import { buildQemuArgv, formatCommandLine, shellQuote } from '../../../src/guest/qemu/args.js';
import { tcgPlatform as platform } from '../spec-helpers.js';

const line = (argv: readonly string[]): string => formatCommandLine(argv);

// Golden command lines: the upstream run scripts' output (harness doc §3.5), without timeout(1).
describe('buildQemuArgv golden lines per arch', () => {
  it('x86_64 under KVM, as logged by run_tests.sh', () => {
    const argv = buildQemuArgv(platform('x86_64', { accel: 'kvm' }), {
      kernel: 'x86/setjmp.flat',
      vmmArgs: ['-smp', '1'],
      initrd: '/tmp/env',
    });
    assert.equal(
      line(argv),
      '/usr/bin/qemu-system-x86_64 --no-reboot -nodefaults -global kvm-pit.lost_tick_policy=discard ' +
        '-device pc-testdev -device isa-debug-exit,iobase=0xf4,iosize=0x4 -display none -serial stdio ' +
        '-device pci-testdev -machine accel=kvm -kernel x86/setjmp.flat -smp 1 -initrd /tmp/env',
    );
  });

  it('x86_64 keeps accel props and drops pci-testdev when QEMU lacks it', () => {
    const argv = buildQemuArgv(
      platform('x86_64', { accel: 'kvm', accelProps: ',kernel_irqchip=on', hasPciTestdev: false }),
      {
        kernel: 'x86/tsc.flat',
        vmmArgs: ['-smp', '2', '-append', 'a b', '-cpu', 'max'],
      },
    );
    assert.ok(!argv.includes('pci-testdev'));
    assert.deepEqual(argv.slice(-8), [
      '-kernel',
      'x86/tsc.flat',
      '-smp',
      '2',
      '-append',
      'a b',
      '-cpu',
      'max',
    ]);
    assert.ok(argv.includes('accel=kvm,kernel_irqchip=on'));
  });

  it('i386 uses qemu-system-i386 with the x86 devices', () => {
    const p = platform('i386');
    assert.equal(p.profile.qemuArch, 'i386');
    const argv = buildQemuArgv(p, { kernel: 'x86/setjmp.flat', vmmArgs: ['-smp', '1'] });
    assert.equal(argv[0], '/usr/bin/qemu-system-i386');
    assert.ok(line(argv).includes('-device isa-debug-exit,iobase=0xf4,iosize=0x4'));
  });

  it('arm64 on an x86 host (TCG), reproduced with a fake QEMU in the doc', () => {
    const argv = buildQemuArgv(platform('arm64', { qemu: 'qemu-system-aarch64', defaultCpu: 'max' }), {
      kernel: 'arm/selftest.flat',
      vmmArgs: ['-smp', '2', '-append', 'setup smp=2 mem=256', '-m', '256'],
      initrd: '/tmp/env',
    });
    assert.equal(
      line(argv),
      'qemu-system-aarch64 -nodefaults -machine virt -accel tcg -cpu max -device virtio-serial-device ' +
        '-device virtconsole,chardev=ctd -chardev testdev,id=ctd -device pci-testdev -display none ' +
        "-serial stdio -kernel arm/selftest.flat -smp 2 -append 'setup smp=2 mem=256' -m 256 -initrd /tmp/env",
    );
  });

  it('arm64 on an aarch64 KVM host: gic-version=host, cpu host', () => {
    const argv = buildQemuArgv(platform('arm64', { accel: 'kvm', host: 'aarch64', defaultCpu: 'max' }), {
      kernel: 'arm/selftest.flat',
      vmmArgs: ['-smp', '1'],
    });
    assert.ok(line(argv).includes('-machine virt,gic-version=host -accel kvm -cpu host '));
  });

  it('arm (32-bit) on an aarch64 KVM host: highmem=off, AArch32 host cpu', () => {
    const argv = buildQemuArgv(platform('arm', { accel: 'kvm', host: 'aarch64', defaultCpu: 'cortex-a15' }), {
      kernel: 'arm/selftest.flat',
      vmmArgs: ['-smp', '1'],
    });
    assert.ok(
      line(argv).includes('-machine virt,gic-version=host,highmem=off -accel kvm -cpu host,aarch64=off '),
    );
  });

  it('arm under TCG uses DEFAULT_QEMU_CPU, TARGET_CPU wins over it', () => {
    const tcg = buildQemuArgv(platform('arm', { defaultCpu: 'cortex-a15' }), { kernel: 'k', vmmArgs: [] });
    assert.ok(line(tcg).includes('-machine virt,highmem=off -accel tcg -cpu cortex-a15 '));
    const cpu = buildQemuArgv(platform('arm', { defaultCpu: 'cortex-a15', targetCpu: 'cortex-a7' }), {
      kernel: 'k',
      vmmArgs: [],
    });
    assert.ok(line(cpu).includes('-cpu cortex-a7 '));
  });

  it('ppc64 pseries under TCG', () => {
    const argv = buildQemuArgv(
      platform('ppc64', { qemu: 'qemu-system-ppc64', firmware: 'powerpc/boot_rom.bin' }),
      {
        kernel: 'powerpc/selftest.elf',
        vmmArgs: ['-smp', '1'],
      },
    );
    assert.equal(
      line(argv),
      'qemu-system-ppc64 -nodefaults -accel tcg -machine pseries,cap-cfpc=broken,cap-sbbc=broken,cap-ibs=broken,' +
        'cap-ccf-assist=off -bios powerpc/boot_rom.bin -display none -serial stdio -kernel powerpc/selftest.elf -smp 1',
    );
  });

  it('ppc64 pseries under KVM only turns cap-ccf-assist off', () => {
    const argv = buildQemuArgv(platform('ppc64', { accel: 'kvm', firmware: 'f' }), {
      kernel: 'k',
      vmmArgs: [],
    });
    assert.ok(argv.includes('pseries,cap-ccf-assist=off'));
  });

  it('ppc64 powernv (MACHINE=powernv9): IPMI BMC instead of SLOF and pseries caps', () => {
    const argv = buildQemuArgv(
      platform('ppc64', { qemu: 'qemu-system-ppc64', firmware: 'f', machine: 'powernv9' }),
      {
        kernel: 'powerpc/selftest.elf',
        vmmArgs: ['-smp', '1'],
      },
    );
    assert.equal(
      line(argv),
      'qemu-system-ppc64 -nodefaults -accel tcg -machine powernv9 -device ipmi-bmc-sim,id=bmc0 ' +
        '-device isa-ipmi-bt,bmc=bmc0,irq=10 -display none -serial stdio -kernel powerpc/selftest.elf -smp 1',
    );
  });

  it('s390x', () => {
    const argv = buildQemuArgv(platform('s390x', { qemu: 'qemu-system-s390x' }), {
      kernel: 's390x/selftest.elf',
      vmmArgs: ['-smp', '1'],
    });
    assert.equal(
      line(argv),
      'qemu-system-s390x -nodefaults -nographic -machine s390-ccw-virtio,accel=tcg -chardev stdio,id=con0 ' +
        '-device sclpconsole,chardev=con0 -kernel s390x/selftest.elf -smp 1',
    );
  });

  it('riscv64 with and without firmware', () => {
    const p = platform('riscv64', { qemu: 'qemu-system-riscv64', defaultCpu: 'max' });
    assert.equal(
      line(buildQemuArgv(p, { kernel: 'riscv/selftest.flat', vmmArgs: ['-smp', '1'] })),
      'qemu-system-riscv64 -nodefaults -nographic -serial mon:stdio -machine virt -accel tcg -cpu max ' +
        '-kernel riscv/selftest.flat -smp 1',
    );
    const fw = buildQemuArgv({ ...p, firmware: 'opensbi.bin' }, { kernel: 'k', vmmArgs: [] });
    assert.ok(line(fw).includes('-accel tcg -bios opensbi.bin -cpu max -kernel'));
  });

  it('every arch has a profile and unknown arches are refused', () => {
    for (const arch of ['x86_64', 'i386', 'arm64', 'arm', 'ppc64', 's390x', 'riscv64']) {
      assert.equal(archProfile(arch).arch, arch);
    }
    assert.throws(() => archProfile('mips'), /unsupported ARCH 'mips'/);
  });
});

describe('shellQuote', () => {
  it('leaves plain words and quotes the rest', () => {
    assert.equal(shellQuote('accel=kvm,kernel_irqchip=on'), 'accel=kvm,kernel_irqchip=on');
    assert.equal(shellQuote('a b'), "'a b'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('$(rm -rf /)'), "'$(rm -rf /)'");
  });
});
