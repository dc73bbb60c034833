import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { globToRegExp, parseAttributeFilters, selectTests } from '../../src/unit/filter.js';
import type { SuiteInfo } from '../../src/unit/types.js';

const suites: SuiteInfo[] = [
  {
    name: 'list_test',
    file: '/x/list.kunit.ts',
    indexInFile: 0,
    attributes: { module: 'list' },
    cases: [
      { name: 'add', attributes: {}, parameterised: false },
      { name: 'del_one', attributes: { speed: 'slow' }, parameterised: false },
      { name: 'del_all', attributes: { speed: 'very_slow' }, parameterised: false },
    ],
  },
  {
    name: 'slow_suite',
    file: '/x/slow.kunit.ts',
    indexInFile: 0,
    attributes: { module: 'slow', speed: 'slow' },
    cases: [
      { name: 'a', attributes: {}, parameterised: false },
      { name: 'b', attributes: { speed: 'normal' }, parameterised: false },
    ],
  },
];

function names(sel: ReturnType<typeof selectTests>): string[] {
  return sel.flatMap(({ suite, cases }) =>
    cases.map((c) => `${suite.name}.${suite.cases[c.index]?.name}${c.skip ? ' (skip)' : ''}#${c.number}`),
  );
}

describe('glob filter (kunit.filter_glob)', () => {
  it('matches suite.case with *, ? and classes', () => {
    assert.ok(globToRegExp('list*').test('list_test'));
    assert.ok(globToRegExp('de?_[ao]*').test('del_one'));
    assert.ok(!globToRegExp('de?_[!ao]*').test('del_one'));
    assert.ok(!globToRegExp('list').test('list_test'));
    assert.deepEqual(names(selectTests(suites, { filterGlob: 'list*.del*' })), [
      'list_test.del_one#1',
      'list_test.del_all#2',
    ]);
    assert.deepEqual(names(selectTests(suites, { filterGlob: 'slow_suite' })), [
      'slow_suite.a#1',
      'slow_suite.b#2',
    ]);
    assert.deepEqual(selectTests(suites, { filterGlob: 'nothing*' }), []);
  });
});

describe('attribute filter (kunit.filter)', () => {
  it('speed>slow keeps normal-speed cases, inheriting the suite speed when a case has none', () => {
    assert.deepEqual(names(selectTests(suites, { filter: 'speed>slow' })), [
      'list_test.add#1',
      'slow_suite.b#1',
    ]);
  });
  it('speed<=slow, module=, module!= and several filters together', () => {
    assert.deepEqual(names(selectTests(suites, { filter: 'speed<=slow' })), [
      'list_test.del_one#1',
      'list_test.del_all#2',
      'slow_suite.a#1',
    ]);
    assert.deepEqual(names(selectTests(suites, { filter: 'module=slow' })), [
      'slow_suite.a#1',
      'slow_suite.b#2',
    ]);
    assert.deepEqual(names(selectTests(suites, { filter: 'module!=slow, speed=very_slow' })), [
      'list_test.del_all#1',
    ]);
  });
  it('filter_action=skip keeps filtered cases as skipped', () => {
    assert.deepEqual(names(selectTests(suites, { filter: 'speed>slow', filterAction: 'skip' })), [
      'list_test.add#1',
      'list_test.del_one (skip)#2',
      'list_test.del_all (skip)#3',
      'slow_suite.a (skip)#1',
      'slow_suite.b#2',
    ]);
  });
  it('rejects bad filters with KUnit messages', () => {
    assert.deepEqual(parseAttributeFilters('speed>=slow'), [{ attribute: 'speed', op: '>=', value: 'slow' }]);
    assert.throws(() => parseAttributeFilters('speed'), /filter operation not found: speed/);
    assert.throws(() => parseAttributeFilters('colour=red'), /attribute not found: colour=red/);
    assert.throws(() => parseAttributeFilters('speed>fast'), /invalid filter input: >fast/);
    assert.throws(() => parseAttributeFilters('module>foo'), /invalid filter input: >foo/);
    assert.throws(() => parseAttributeFilters('speed='), /filter value not found/);
  });
});
