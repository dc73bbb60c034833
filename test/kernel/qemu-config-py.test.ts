// The qemu_configs .py reader: vmunit's own fixture files (every accepted form, every refused one), the
// in-tree files of the tree in LINUX_DIR against goldens made by importing them with Python as kunit.py
// does, and each built-in profile against its qemu_configs golden.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { profileForArch, QEMU_PROFILES } from '../../src/kernel/arch-profiles.js';
import { kconfigEquals, parseKconfig } from '../../src/kernel/kconfig.js';
import { loadQemuConfigFile, profileFromObject } from '../../src/kernel/qemu-config-file.js';
import { readQemuConfigPy } from '../../src/kernel/qemu-config-py.js';
import { VmunitError } from '../../src/util/errors.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'qemu-configs');
const GOLD = join(import.meta.dirname, '..', 'fixtures', 'kunit-mainline');
type Golden = Record<string, Record<string, string | string[]>>;
const goldens: Golden = {
  ...(JSON.parse(readFileSync(join(GOLD, 'qemu-configs-6.12.json'), 'utf8')) as Golden),
  ...(JSON.parse(readFileSync(join(GOLD, 'qemu-configs-mainline.json'), 'utf8')) as Golden),
};

function read(name: string) {
  return readQemuConfigPy(readFileSync(join(FIX, name), 'utf8'), name);
}

function refused(name: string, line: number, message: RegExp) {
  assert.throws(
    () => read(name),
    (e: unknown) =>
      e instanceof VmunitError &&
      e.code === 'CONFIG_SYNTAX' &&
      e.position?.file === name &&
      e.position.line === line &&
      message.test(e.message),
  );
}

describe('readQemuConfigPy', () => {
  it('reads every form the in-tree files use, as Python evaluates them', () => {
    assert.deepEqual(read('firmware.py'), {
      linux_arch: 'riscv',
      kconfig: '\nCONFIG_ARCH_VIRT=y\nCONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y',
      qemu_arch: 'riscv64',
      kernel_path: 'arch/riscv/boot/Image',
      kernel_command_line: 'console=ttyS0 path=C:\\x',
      serial: 'stdio',
      extra_qemu_params: ['-machine', 'virt', '-bios', '/opt/firmware/fw.bin'],
    });
  });
  it('names the line of anything else', () => {
    refused('positional.py', 3, /keyword arguments/);
    refused('call.py', 4, /open is not a string constant/);
    refused('fstring.py', 3, /string prefix f/);
    refused('number.py', 3, /expected a string/);
    refused('statement.py', 4, /not a form/);
    refused('undefined.py', 3, /ARCH_NAME is not a string constant/);
    refused('missing.py', 1, /missing "QEMU_ARCH"/);
    refused('unterminated.py', 4, /unterminated string/);
  });
  it('--qemu_config loads a .py file into a profile; unknown fields are refused by name', async () => {
    const profile = await loadQemuConfigFile(join(FIX, 'firmware.py'));
    assert.equal(profile.qemuArch, 'riscv64');
    assert.deepEqual(profile.extraQemuParams, ['-machine', 'virt', '-bios', '/opt/firmware/fw.bin']);
    await assert.rejects(loadQemuConfigFile(join(FIX, 'unknown-field.py')), /memory/);
  });
});

describe('in-tree qemu_configs (LINUX_DIR)', () => {
  const dir = process.env.LINUX_DIR && join(process.env.LINUX_DIR, 'tools/testing/kunit/qemu_configs');
  it('reads every file as kunit.py imports it', (t) => {
    if (!dir || !existsSync(dir)) {
      if (process.env.VMUNIT_REQUIRE?.split(',').includes('kunit')) assert.fail('LINUX_DIR is not set');
      t.skip('LINUX_DIR is not set to a Linux tree (e.g. /work/scratch/kunit/linux-source-6.12)');
      return;
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.py'));
    assert.ok(files.length > 0);
    for (const file of files) {
      const arch = file.slice(0, -3);
      const want = goldens[arch];
      if (!want) {
        t.diagnostic(`${file}: no golden (a newer tree?); read only`);
        readQemuConfigPy(readFileSync(join(dir, file), 'utf8'), file);
        continue;
      }
      assert.deepEqual({ serial: 'stdio', ...read0(join(dir, file)) }, want, file);
    }
  });
});

function read0(path: string) {
  return readQemuConfigPy(readFileSync(path, 'utf8'), path);
}

describe('built-in profiles against their qemu_configs files', () => {
  for (const [arch, golden] of Object.entries(goldens)) {
    it(arch, () => {
      const want = profileFromObject(golden, `${arch}.py`);
      const got = profileForArch(arch);
      assert.ok(got && got.kind === 'qemu', `no built-in profile for ${arch}`);
      const { kconfig: wantKconfig, ...wantRest } = want;
      const { kconfig: gotKconfig, ...gotRest } = got;
      assert.deepEqual(gotRest, wantRest);
      assert.ok(kconfigEquals(parseKconfig(gotKconfig), parseKconfig(wantKconfig)), `${arch} kconfig`);
    });
  }
  it('every mainline arch has a profile', () => {
    for (const arch of Object.keys(goldens)) assert.ok(Object.hasOwn(QEMU_PROFILES, arch), arch);
  });
});
