// Which dependency is missing when .config is not a superset of the kunitconfig: a Kconfig tree written
// for these tests (test/fixtures/fake-kernel), parsed and evaluated against a .config.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseKconfig } from '../../src/kernel/kconfig.js';
import {
  explainEntry,
  explainMissing,
  parseKconfigDefinitions,
  srcArch,
  unmetDepends,
} from '../../src/kernel/kconfig-deps.js';
import { FAKE_TREE, fakeTree, removeTempDirs, vmunit } from './helpers.js';

const LIB = 'lib/fake/Kconfig';
const defs = parseKconfigDefinitions(readFileSync(join(FAKE_TREE, LIB), 'utf8'), LIB);
const config = (text: string) => parseKconfig(text);

describe('parseKconfigDefinitions', () => {
  it('finds config blocks, joins continuations, skips help texts', () => {
    assert.deepEqual(defs.get('FAKE_NEEDS_HARDWARE'), [
      {
        file: LIB,
        line: 11,
        depends: ['KUNIT', 'FAKE_HARDWARE_THAT_DOES_NOT_EXIST && !UML'],
      },
    ]);
    assert.equal(defs.has('NOT_A_DEFINITION'), false);
    assert.deepEqual(defs.get('KUNIT')?.[0]?.depends, []);
  });
  it('adds the conditions of enclosing menu and if blocks', () => {
    assert.deepEqual(defs.get('FAKE_SANITIZER')?.[0]?.depends, [
      'HAVE_FAKE_SANITIZER',
      'KUNIT',
      'SYSFS || PROC_FS',
    ]);
    assert.deepEqual(defs.get('FAKE_MODE_A')?.[0]?.depends, []);
  });
});

describe('unmetDepends and explainEntry', () => {
  const def = defs.get('FAKE_NEEDS_HARDWARE')?.[0];
  assert.ok(def);
  it('blames the unset symbols of a false condition, and set ones that are negated', () => {
    assert.deepEqual(unmetDepends(def, config('CONFIG_KUNIT=y\nCONFIG_UML=y\n')), [
      {
        expr: 'FAKE_HARDWARE_THAT_DOES_NOT_EXIST && !UML',
        blame: ['FAKE_HARDWARE_THAT_DOES_NOT_EXIST', 'UML'],
      },
    ]);
    assert.deepEqual(
      unmetDepends(def, config('CONFIG_KUNIT=y\nCONFIG_FAKE_HARDWARE_THAT_DOES_NOT_EXIST=y\n')),
      [],
    );
  });
  it('tristate and comparison expressions', () => {
    const d = { file: 'K', line: 1, depends: ['A=m', 'B != y', '(C || D) && !E', '$(cc-option,-x)'] };
    const unmet = unmetDepends(d, config('CONFIG_A=y\nCONFIG_B=y\nCONFIG_E=m\n'));
    assert.deepEqual(
      unmet.map((u) => u.expr),
      ['A=m', 'B != y', '(C || D) && !E'],
    );
    assert.deepEqual(unmet[2]?.blame, ['C', 'D', 'E']);
  });
  it('words the explanation as the issue asks', () => {
    const values = config('CONFIG_KUNIT=y\nCONFIG_UML=y\n');
    assert.equal(
      explainEntry({ name: 'FAKE_NEEDS_HARDWARE', value: 'y' }, [def], values, 'um'),
      'CONFIG_FAKE_NEEDS_HARDWARE=y not set: depends on FAKE_HARDWARE_THAT_DOES_NOT_EXIST && !UML ' +
        '(FAKE_HARDWARE_THAT_DOES_NOT_EXIST not set; UML=y for um)',
    );
    assert.equal(
      explainEntry({ name: 'NOPE', value: 'y' }, [], values, 'um'),
      'CONFIG_NOPE=y not set: no Kconfig file of this tree defines NOPE',
    );
  });
  it('maps ARCH to the arch directory', () => {
    assert.equal(srcArch('x86_64'), 'x86');
    assert.equal(srcArch('arm64'), 'arm64');
  });
});

describe('explainMissing on a tree', () => {
  after(removeTempDirs);
  it("reads only the arch's own Kconfig files", async () => {
    const lines = await explainMissing(
      [{ name: 'FAKE_NEEDS_HARDWARE', value: 'y' }],
      config('CONFIG_KUNIT=y\nCONFIG_UML=y\n'),
      FAKE_TREE,
      'um',
    );
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', /X86_ONLY_SYMBOL/);
    const x86 = await explainMissing(
      [{ name: 'FAKE_NEEDS_HARDWARE', value: 'y' }],
      config(''),
      FAKE_TREE,
      'x86_64',
    );
    assert.match(x86[0] ?? '', /X86_ONLY_SYMBOL not set for x86_64/);
  });
  it("vmunit kunit config prints kunit.py's message, then the unmet dependency (exit 1)", async () => {
    const tree = await fakeTree();
    const r = await vmunit(tree, ['kunit', 'config', '--kconfig_add', 'CONFIG_FAKE_NEEDS_HARDWARE=y']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Missing: CONFIG_FAKE_NEEDS_HARDWARE=y$/m);
    assert.match(
      r.stderr,
      /^CONFIG_FAKE_NEEDS_HARDWARE=y not set: depends on FAKE_HARDWARE_THAT_DOES_NOT_EXIST && !UML \(FAKE_HARDWARE_THAT_DOES_NOT_EXIST not set/m,
    );
  });
});
