import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { knownArches, profileForArch, QEMU_PROFILES, UML_PROFILE } from '../../src/kernel/arch-profiles.js';
import {
  bootArgv,
  buildArgv,
  formatBootCommand,
  formatMakeCommand,
  kernelArgs,
  olddefconfigArgv,
  quoteArg,
  shellSplit,
} from '../../src/kernel/argv.js';

const target = { linuxArch: 'um', buildDir: '/b', crossCompile: undefined, makeOptions: [] as string[] };
const noFilter = { kernelArgs: [], filterGlob: '', filter: '', filterAction: undefined };

describe('make command lines', () => {
  it('olddefconfig puts CROSS_COMPILE before the make options', () => {
    const argv = olddefconfigArgv({ ...target, crossCompile: 'x-', makeOptions: ['CC=clang', 'LLVM=1'] });
    assert.equal(formatMakeCommand(argv), 'make ARCH=um O=/b olddefconfig CROSS_COMPILE=x- CC=clang LLVM=1');
  });
  it('build puts CROSS_COMPILE after the make options', () => {
    const argv = buildArgv(
      { ...target, linuxArch: 'arm64', crossCompile: 'aarch64-linux-gnu-', makeOptions: ['W=1'] },
      2,
    );
    assert.deepEqual(argv.args, [
      'all',
      'compile_commands.json',
      'ARCH=arm64',
      'O=/b',
      '--jobs=2',
      'W=1',
      'CROSS_COMPILE=aarch64-linux-gnu-',
    ]);
  });
});

describe('kernel arguments', () => {
  it('is just kunit.enable=1 without filters', () => {
    assert.deepEqual(kernelArgs(noFilter), ['kunit.enable=1']);
  });
  it('orders user args, glob, attribute filter (double-quoted), action, enable', () => {
    assert.deepEqual(
      kernelArgs({
        kernelArgs: ['a=1', 'b=2'],
        filterGlob: 'list*.*del',
        filter: 'speed>slow',
        filterAction: 'skip',
      }),
      [
        'a=1',
        'b=2',
        'kunit.filter_glob=list*.*del',
        'kunit.filter="speed>slow"',
        'kunit.filter_action=skip',
        'kunit.enable=1',
      ],
    );
  });
  it('never mutates the caller list (repeated isolated boots do not accumulate)', () => {
    const user = ['x=1'];
    kernelArgs({ ...noFilter, kernelArgs: user, filterGlob: 's1' });
    assert.deepEqual(kernelArgs({ ...noFilter, kernelArgs: user, filterGlob: 's2' }), [
      'x=1',
      'kunit.filter_glob=s2',
      'kunit.enable=1',
    ]);
  });
});

describe('boot argv per arch (golden)', () => {
  const args = ['kunit.filter_glob=example', 'kunit.enable=1'];
  it('um', () => {
    const argv = bootArgv(UML_PROFILE, '/b', args, ['-smp', '2']);
    assert.equal(
      formatBootCommand(UML_PROFILE, argv),
      '/b/linux kunit.filter_glob=example kunit.enable=1 mem=1G console=tty kunit_shutdown=halt',
    );
  });
  const golden: Record<string, string> = {
    // mainline-only arches: argv captured from kunit.py's own start() on mainline's qemu_configs files
    armeb:
      "qemu-system-arm -nodefaults -m 1024 -kernel /b/arch/arm/boot/zImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttyAMA0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -smp 2",
    mips: "qemu-system-mips -nodefaults -m 1024 -kernel /b/vmlinuz -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M malta -smp 2",
    mips64:
      "qemu-system-mips64 -nodefaults -m 1024 -kernel /b/vmlinuz -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M malta -cpu 5KEc -smp 2",
    mips64el:
      "qemu-system-mips64el -nodefaults -m 1024 -kernel /b/vmlinuz -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M malta -cpu 5KEc -smp 2",
    mipsel:
      "qemu-system-mipsel -nodefaults -m 1024 -kernel /b/vmlinuz -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M malta -smp 2",
    or1k: "qemu-system-or1k -nodefaults -m 1024 -kernel /b/vmlinux -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -m 512 -smp 2",
    powerpc32:
      "qemu-system-ppc -nodefaults -m 1024 -kernel /b/vmlinux -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M g3beige -cpu max -smp 2",
    powerpcle:
      "qemu-system-ppc64 -nodefaults -m 1024 -kernel /b/vmlinux -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M pseries -cpu power8 -smp 2",
    riscv32:
      "qemu-system-riscv32 -nodefaults -m 1024 -kernel /b/arch/riscv/boot/Image -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -smp 2",
    sparc64:
      "qemu-system-sparc64 -nodefaults -m 1024 -kernel /b/arch/sparc/boot/image -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=poweroff kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -smp 2",
    x86_64:
      "qemu-system-x86_64 -nodefaults -m 1024 -kernel /b/arch/x86/boot/bzImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -bios qboot.rom -smp 2",
    i386: "qemu-system-i386 -nodefaults -m 1024 -kernel /b/arch/x86/boot/bzImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -smp 2",
    arm64:
      "qemu-system-aarch64 -nodefaults -m 1024 -kernel /b/arch/arm64/boot/Image.gz -append 'kunit.filter_glob=example kunit.enable=1 console=ttyAMA0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -cpu max,pauth-impdef=on -smp 2",
    arm: "qemu-system-arm -nodefaults -m 1024 -kernel /b/arch/arm/boot/zImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttyAMA0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -smp 2",
    sh: "qemu-system-sh4 -nodefaults -m 1024 -kernel /b/arch/sh/boot/zImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttySC1 kunit_shutdown=reboot' -no-reboot -nographic -serial null -machine r2d -serial mon:stdio -smp 2",
    sparc:
      "qemu-system-sparc -nodefaults -m 1024 -kernel /b/arch/sparc/boot/zImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 mem=256M kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -m 256 -smp 2",
    s390: "qemu-system-s390x -nodefaults -m 1024 -kernel /b/arch/s390/boot/bzImage -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine s390-ccw-virtio -cpu qemu -smp 2",
    powerpc:
      "qemu-system-ppc64 -nodefaults -m 1024 -kernel /b/vmlinux -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -M pseries -cpu power8 -smp 2",
    riscv:
      "qemu-system-riscv64 -nodefaults -m 1024 -kernel /b/arch/riscv/boot/Image -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -cpu rv64 -bios /usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin -smp 2",
    m68k: "qemu-system-m68k -nodefaults -m 1024 -kernel /b/vmlinux -append 'kunit.filter_glob=example kunit.enable=1 console=hvc0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -smp 2",
    alpha:
      "qemu-system-alpha -nodefaults -m 1024 -kernel /b/arch/alpha/boot/vmlinux -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -smp 2",
    loongarch:
      "qemu-system-loongarch64 -nodefaults -m 1024 -kernel /b/arch/loongarch/boot/vmlinux.elf -append 'kunit.filter_glob=example kunit.enable=1 console=ttyS0 kunit_shutdown=poweroff kunit_shutdown=reboot' -no-reboot -nographic -serial stdio -machine virt -device pvpanic-pci -cpu max -smp 2",
  };
  for (const [arch, expected] of Object.entries(golden)) {
    it(arch, () => {
      const profile = profileForArch(arch);
      assert.ok(profile);
      assert.equal(formatBootCommand(profile, bootArgv(profile, '/b', args, ['-smp', '2'])), expected);
    });
  }
  it('has a golden for every built-in QEMU profile', () => {
    assert.deepEqual(Object.keys(QEMU_PROFILES).sort(), Object.keys(golden).sort());
    assert.deepEqual(knownArches(), ['um', ...Object.keys(golden)].sort());
  });
  it('keeps -append as one argv element', () => {
    const profile = profileForArch('x86_64');
    assert.ok(profile);
    const argv = bootArgv(profile, '/b', ['kunit.filter="a b"', 'kunit.enable=1'], []);
    const i = argv.args.indexOf('-append');
    assert.equal(argv.args[i + 1], 'kunit.filter="a b" kunit.enable=1 console=ttyS0 kunit_shutdown=reboot');
  });
  it('rejects unknown arches', () => {
    assert.equal(profileForArch('vax'), undefined);
    assert.equal(profileForArch('constructor'), undefined);
  });
});

describe('quoting and splitting', () => {
  it('quotes like shlex.quote', () => {
    assert.equal(quoteArg(''), "''");
    assert.equal(quoteArg('a=b,c:d/e.f-g'), 'a=b,c:d/e.f-g');
    assert.equal(quoteArg('a b'), "'a b'");
    assert.equal(quoteArg("it's"), `'it'"'"'s'`);
  });
  it('splits like shlex.split', () => {
    assert.deepEqual(shellSplit('-m 2048'), ['-m', '2048']);
    assert.deepEqual(shellSplit(` -append "a b" 'c d'  e\\ f `), ['-append', 'a b', 'c d', 'e f']);
    assert.deepEqual(shellSplit('x""'), ['x']);
    assert.throws(() => shellSplit('"open'), /No closing quotation/);
  });
});
