import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  buildKunitProgram,
  defaultBuildDir,
  type KunitCli,
  massageKunitArgv,
} from '../../src/cli/commands/kunit-options.js';
import { loadQemuConfigFile } from '../../src/kernel/qemu-config-file.js';
import { VmunitError } from '../../src/util/errors.js';
import { removeTempDirs, tempDir } from './helpers.js';

after(removeTempDirs);

async function parse(args: string[], env: Record<string, string> = {}): Promise<KunitCli> {
  let got: KunitCli | undefined;
  const program = buildKunitProgram(
    env,
    async (cli) => {
      got = cli;
    },
    { writeErr: () => {}, writeOut: () => {} },
  );
  await program.parseAsync(massageKunitArgv(args), { from: 'user' });
  assert.ok(got);
  return got;
}

describe('kunit command line', () => {
  it('rewrites bare --json/--junit/--raw_output so the next word stays the filter glob', async () => {
    assert.deepEqual(massageKunitArgv(['run', '--json', 'suite', '--raw_output', '--junit']), [
      'run',
      '--json=stdout',
      'suite',
      '--raw_output=kunit',
      '--junit=stdout',
    ]);
    const cli = await parse(['run', '--json', 'suite_name']);
    assert.equal(cli.json, 'stdout');
    assert.equal(cli.filterGlob, 'suite_name');
    const raw = await parse(['run', '--raw_output', 'filter_glob']);
    assert.equal(raw.rawOutput, 'kunit');
    assert.equal(raw.filterGlob, 'filter_glob');
  });
  it('accepts dash aliases of underscore flags', async () => {
    assert.deepEqual(
      massageKunitArgv(['--build-dir=x', '--kernel-args', 'a=1', '--foo-bar', '--', '--build-dir']),
      ['--build_dir=x', '--kernel_args', 'a=1', '--foo-bar', '--', '--build-dir'],
    );
    const cli = await parse(['exec', '--build-dir', 'bd', '--run-isolated', 'test', '--list-tests']);
    assert.equal(cli.buildDir, 'bd');
    assert.equal(cli.runIsolated, 'test');
    assert.equal(cli.listTests, true);
  });
  it('has kunit.py defaults, KBUILD_OUTPUT included, and --build_dir beating it', async () => {
    const cli = await parse(['run']);
    assert.equal(cli.buildDir, '.kunit');
    assert.equal(cli.arch, 'um');
    assert.equal(cli.timeout, 300);
    assert.equal(cli.filterGlob, '');
    assert.ok(cli.jobs >= 1);
    assert.equal(defaultBuildDir({ KBUILD_OUTPUT: '/some/dir' }), '/some/dir/.kunit');
    assert.equal((await parse(['run'], { KBUILD_OUTPUT: '/some/dir' })).buildDir, '/some/dir/.kunit');
    assert.equal((await parse(['run', '--build_dir', 'b'], { KBUILD_OUTPUT: '/some/dir' })).buildDir, 'b');
  });
  it('collects repeated options in order', async () => {
    const cli = await parse([
      'run',
      '--kunitconfig=a',
      '--kunitconfig=b',
      '--kconfig_add=CONFIG_KASAN=y',
      '--kconfig_add=CONFIG_KCSAN=y',
      '--kernel_args=a=1',
      '--kernel_args=b=2',
      '--qemu_args',
      '-m 2048',
      '--make_options',
      'LLVM=1',
      '--alltests',
      '--timeout',
      '3453',
    ]);
    assert.deepEqual(cli.kunitconfig, ['a', 'b']);
    assert.deepEqual(cli.kconfigAdd, ['CONFIG_KASAN=y', 'CONFIG_KCSAN=y']);
    assert.deepEqual(cli.kernelArgs, ['a=1', 'b=2']);
    assert.deepEqual(cli.qemuArgs, ['-m 2048']);
    assert.deepEqual(cli.makeOptions, ['LLVM=1']);
    assert.equal(cli.alltests, true);
    assert.equal(cli.timeout, 3453);
  });
  it('rejects bad choices and bad numbers (argparse exit 2)', async () => {
    await assert.rejects(parse(['run', '--raw_output=invalid']), /invalid/);
    await assert.rejects(parse(['exec', '--run_isolated', 'module']), /module/);
    await assert.rejects(parse(['exec', '--timeout', 'soon']), /positive integer/);
    await assert.rejects(parse(['parse', '--arch', 'x86_64']), /unknown option/);
  });
  it('parse takes an input file and the parse options only', async () => {
    const cli = await parse(['parse', '--json=out.json', 'test.log']);
    assert.equal(cli.file, 'test.log');
    assert.equal(cli.json, 'out.json');
  });
});

describe('--qemu_config files', () => {
  it('loads a JSON profile with kunit.py field names', async () => {
    const dir = await tempDir('vmunit-qemu-config-');
    const path = join(dir, 'mine.json');
    await writeFile(
      path,
      JSON.stringify({
        linux_arch: 'x86_64',
        kconfig: 'CONFIG_SERIAL_8250=y',
        qemu_arch: 'x86_64',
        kernel_path: 'arch/x86/boot/bzImage',
        kernel_command_line: 'console=ttyS0',
        extra_qemu_params: ['-smp', '2'],
      }),
    );
    const p = await loadQemuConfigFile(path);
    assert.deepEqual(p, {
      kind: 'qemu',
      linuxArch: 'x86_64',
      kconfig: 'CONFIG_SERIAL_8250=y',
      qemuArch: 'x86_64',
      kernelPath: 'arch/x86/boot/bzImage',
      kernelCommandLine: 'console=ttyS0',
      extraQemuParams: ['-smp', '2'],
      serial: 'stdio',
    });
  });
  it('loads an ES module exporting QEMU_ARCH', async () => {
    const dir = await tempDir('vmunit-qemu-config-');
    const path = join(dir, 'mine.mjs');
    await writeFile(
      path,
      `export const QEMU_ARCH = { linux_arch: 'arm64', kconfig: '', qemu_arch: 'aarch64', kernel_path: 'Image', kernel_command_line: 'console=ttyAMA0', extra_qemu_params: [], serial: 'null' };\n`,
    );
    const p = await loadQemuConfigFile(path);
    assert.equal(p.qemuArch, 'aarch64');
    assert.equal(p.serial, 'null');
  });
  it('names the file and the bad field', async () => {
    const dir = await tempDir('vmunit-qemu-config-');
    const path = join(dir, 'bad.json');
    await writeFile(path, JSON.stringify({ linux_arch: 'x86_64', kconfig: '', qemu_arch: 'x86 64' }));
    await assert.rejects(
      loadQemuConfigFile(path),
      (e: unknown) =>
        e instanceof VmunitError &&
        e.code === 'CONFIG_INVALID' &&
        e.message.startsWith(`${path}: invalid QEMU config: `) &&
        e.message.includes('qemu_arch') &&
        e.message.includes('kernel_path'),
    );
    await writeFile(join(dir, 'x.py'), 'QEMU_ARCH = None');
    await assert.rejects(loadQemuConfigFile(join(dir, 'x.py')), /unsupported QEMU config file type/);
  });
});
