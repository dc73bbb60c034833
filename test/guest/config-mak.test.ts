import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseConfigMak, qemuTreeFacts, readTreeConfig } from '../../src/guest/config-mak.js';
import { VmunitError } from '../../src/util/errors.js';
import { kutTree } from '../requirements.js';

const scratch = mkdtempSync(join(tmpdir(), 'vmunit-configmak-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The shape ./configure writes (x86_64, no TARGET line), abridged. */
const X86 = `# Shellcheck does not see these are used
# shellcheck disable=SC2034
SRCDIR=/src/kvm-unit-tests
HOST=x86_64
ARCH=x86_64
ARCH_NAME=x86_64
PROCESSOR=x86_64
TARGET_CPU=
DEFAULT_QEMU_CPU=
CFLAGS=-O2 -g
TEST_DIR=x86
TEST_SUBDIR=x86
FIRMWARE=
PRETTY_PRINT_STACKS=yes
ENVIRON_DEFAULT=yes
ERRATATXT=/src/kvm-unit-tests/errata.txt
CONFIG_EFI=
GEN_SE_HEADER=
`;

function tree(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) {
    writeFileSync(join(dir, file), text, { flag: 'w' });
  }
  return dir;
}

describe('parseConfigMak', () => {
  it('reads KEY=value lines literally, skipping comments; later lines win', () => {
    const vars = parseConfigMak(`${X86}ARCH=i386\nnot an assignment\n`);
    assert.equal(vars.ARCH, 'i386');
    assert.equal(vars.CFLAGS, '-O2 -g');
    assert.equal(vars.TARGET_CPU, '');
    assert.equal(vars.TARGET, undefined);
    assert.equal(Object.keys(vars).includes('#'), false);
  });
});

describe('readTreeConfig', () => {
  it('gives the typed keys run_tests.sh uses', async () => {
    const dir = tree('x86tree', { 'config.mak': X86, 'build-head': '1da1819e\n' });
    const cfg = await readTreeConfig(dir);
    assert.equal(cfg.dir, dir);
    assert.equal(cfg.file, join(dir, 'config.mak'));
    assert.equal(cfg.arch, 'x86_64');
    assert.equal(cfg.archName, 'x86_64');
    assert.equal(cfg.testDir, 'x86');
    assert.equal(cfg.testSubdir, 'x86');
    assert.equal(cfg.target, undefined);
    assert.equal(cfg.configEfi, false);
    assert.equal(cfg.environDefault, true);
    assert.equal(cfg.prettyPrintStacks, true);
    assert.equal(cfg.erratatxt, '/src/kvm-unit-tests/errata.txt');
    assert.equal(cfg.genSeHeader, '');
    assert.equal(cfg.buildHead, '1da1819e');
  });

  it('reads TARGET and CONFIG_EFI=y (arm64 EFI tree)', async () => {
    const text = X86.replace(/x86_64/g, 'arm64').replace('CONFIG_EFI=', 'CONFIG_EFI=y') + 'TARGET=kvmtool\n';
    const cfg = await readTreeConfig(tree('armtree', { 'config.mak': text }));
    assert.equal(cfg.target, 'kvmtool');
    assert.equal(cfg.configEfi, true);
    assert.equal(cfg.buildHead, '');
  });

  it('names the missing file', async () => {
    const dir = join(scratch, 'nothing-here');
    await assert.rejects(readTreeConfig(dir), (e: unknown) => {
      assert.ok(e instanceof VmunitError);
      assert.equal(e.code, 'INPUT_NOT_FOUND');
      assert.ok(e.message.includes(join(dir, 'config.mak')));
      assert.match(e.message, /run \.\/configure && make first/);
      return true;
    });
  });

  it('rejects a config.mak without ARCH or TEST_DIR, naming it', async () => {
    const dir = tree('broken', { 'config.mak': 'ARCH=x86_64\n' });
    await assert.rejects(readTreeConfig(dir), (e: unknown) => {
      assert.ok(e instanceof VmunitError);
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.match(e.message, /config\.mak: TEST_DIR is not set/);
      return true;
    });
  });

  const kut = kutTree();
  it('reads the real configured tree (KUT_DIR)', { skip: kut.skip }, async () => {
    const cfg = await readTreeConfig(kut.dir ?? '');
    assert.equal(cfg.testDir, 'x86');
    assert.equal(cfg.arch, 'x86_64');
  });
});

describe('qemuTreeFacts', () => {
  it('gives run, exec and standalone the same QEMU-side facts (unset TARGET is empty)', async () => {
    const text = X86.replace('DEFAULT_QEMU_CPU=', 'DEFAULT_QEMU_CPU=qemu64').replace(
      'ENVIRON_DEFAULT=yes',
      'ENVIRON_DEFAULT=no',
    );
    const facts = qemuTreeFacts(await readTreeConfig(tree('factstree', { 'config.mak': text })));
    assert.deepEqual(facts, {
      host: 'x86_64',
      target: '',
      targetCpu: '',
      defaultCpu: 'qemu64',
      firmware: '',
      environDefault: false,
    });
  });
});
