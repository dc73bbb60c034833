import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  conflictingOptions,
  formatKconfig,
  isSubsetOf,
  kconfigEquals,
  mergeKconfig,
  missingEntries,
  parseKconfig,
} from '../../src/kernel/kconfig.js';
import { VmunitError } from '../../src/util/errors.js';

describe('parseKconfig', () => {
  it('reads entries, "is not set" lines, comments and blank lines (kunit_tool_test read_from_file)', () => {
    const text = [
      '# comment',
      '',
      'CONFIG_UML=y',
      '  CONFIG_MMU=y  ',
      'CONFIG_TEST=y',
      'CONFIG_EXAMPLE_TEST=y',
      '# CONFIG_MK8 is not set',
      'CONFIG_CMDLINE="a b c"',
    ].join('\n');
    const k = parseKconfig(text);
    assert.deepEqual(
      [...k],
      [
        ['UML', 'y'],
        ['MMU', 'y'],
        ['TEST', 'y'],
        ['EXAMPLE_TEST', 'y'],
        ['MK8', 'n'],
        ['CMDLINE', '"a b c"'],
      ],
    );
  });
  it('lets a later duplicate override an earlier one', () => {
    assert.equal(parseKconfig('CONFIG_A=y\nCONFIG_A=m').get('A'), 'm');
  });
  it('rejects an unquoted value with spaces, naming file and line', () => {
    assert.throws(
      () => parseKconfig('CONFIG_A=y\nCONFIG_B=a b\n', 'my.kunitconfig'),
      (e: unknown) =>
        e instanceof VmunitError &&
        e.code === 'CONFIG_SYNTAX' &&
        e.message === 'my.kunitconfig:2: Failed to parse: CONFIG_B=a b',
    );
  });
  it('rejects a line that is not a config entry', () => {
    assert.throws(() => parseKconfig('KUNIT=y'), /Failed to parse: KUNIT=y/);
  });
  it('round-trips through formatKconfig, writing n as "is not set"', () => {
    const k = parseKconfig('CONFIG_A=y\nCONFIG_B=n\nCONFIG_C="x y"');
    const text = formatKconfig(k);
    assert.equal(text, 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="x y"\n');
    assert.ok(kconfigEquals(parseKconfig(text), k));
  });
});

describe('superset rules', () => {
  const k = (s: string) => parseKconfig(s);
  it('follows kunit_tool_test.test_is_subset_of', () => {
    assert.ok(isSubsetOf(k(''), k('')));
    assert.ok(isSubsetOf(k('CONFIG_TEST=y'), k('CONFIG_TEST=y')));
    assert.ok(isSubsetOf(k(''), k('CONFIG_TEST=y')));
    assert.ok(!isSubsetOf(k('CONFIG_TEST=y'), k('')));
  });
  it('is satisfied by absence for n, and not by a different value', () => {
    assert.ok(isSubsetOf(k('# CONFIG_X is not set'), k('CONFIG_Y=y')));
    assert.ok(!isSubsetOf(k('# CONFIG_X is not set'), k('CONFIG_X=y')));
    assert.ok(!isSubsetOf(k('CONFIG_X=m'), k('CONFIG_X=y')));
  });
  it('names exactly the missing entries', () => {
    const missing = missingEntries(k('CONFIG_A=y\nCONFIG_B=y\nCONFIG_C=n'), k('CONFIG_A=y\nCONFIG_C=y'));
    assert.deepEqual(missing, [
      { name: 'B', value: 'y' },
      { name: 'C', value: 'n' },
    ]);
  });
});

describe('merge and conflicts', () => {
  const k = (s: string) => parseKconfig(s);
  it('lets the overlay win and keeps base order', () => {
    const m = mergeKconfig(k('CONFIG_A=y\nCONFIG_B=y'), k('CONFIG_C=y\nCONFIG_A=n'));
    assert.deepEqual(
      [...m],
      [
        ['A', 'n'],
        ['B', 'y'],
        ['C', 'y'],
      ],
    );
  });
  it('reports options set to different values, earlier first', () => {
    const diff = conflictingOptions(k('CONFIG_KUNIT=y\nCONFIG_X=y'), k('CONFIG_KUNIT=m\nCONFIG_X=y'));
    assert.deepEqual(diff, [
      [
        { name: 'KUNIT', value: 'y' },
        { name: 'KUNIT', value: 'm' },
      ],
    ]);
  });
  it('compares order-insensitively', () => {
    assert.ok(kconfigEquals(k('CONFIG_A=y\nCONFIG_B=y'), k('CONFIG_B=y\nCONFIG_A=y')));
    assert.ok(!kconfigEquals(k('CONFIG_A=y'), k('CONFIG_A=y\nCONFIG_B=y')));
  });
});
