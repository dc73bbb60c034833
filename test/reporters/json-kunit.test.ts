import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createKunitJsonReporter, kunitJson, pythonJsonDumps } from '../../src/reporters/json-kunit.js';
import { parseAll, treeOf } from '../ktap/helpers.js';
import { Capture } from './capture.js';

describe('KernelCI JSON (kunit_json.py)', () => {
  it('groups parents, lists leaves with PASS/FAIL/SKIP/ERROR, fixed key order and common fields', () => {
    const root = treeOf(
      'KTAP version 1\n1..3\n  # Subtest: s\n  1..3\n  ok 1 a\n  not ok 2 b\n  ok 3 c # SKIP\nok 1 s\nok 2 leaf\n  # Subtest: cut\n  1..1',
    );
    const json = JSON.parse(
      kunitJson(root, { arch: 'x86_64', defconfig: 'kunit_defconfig', buildDir: '.kunit' }),
    );
    assert.deepEqual(Object.keys(json), [
      'name',
      'sub_groups',
      'test_cases',
      'arch',
      'defconfig',
      'build_environment',
      'lab_name',
      'kernel',
      'job',
      'git_branch',
    ]);
    assert.equal(json.name, 'KUnit Test Group');
    assert.equal(json.arch, 'x86_64');
    assert.equal(json.git_branch, 'kselftest');
    assert.equal(json.lab_name, null);
    assert.deepEqual(json.sub_groups[0].test_cases, [
      { name: 'a', status: 'PASS' },
      { name: 'b', status: 'FAIL' },
      { name: 'c', status: 'SKIP' },
    ]);
    assert.deepEqual(json.test_cases, [{ name: 'leaf', status: 'PASS' }]);
    assert.deepEqual(json.sub_groups[1].test_cases, [{ name: '', status: 'ERROR' }]);
  });
  it('writes like Python json.dumps(indent=4): 4 spaces, ASCII only', () => {
    assert.equal(
      pythonJsonDumps({ a: ['é', '\x7f'] }),
      '{\n    "a": [\n        "\\u00e9",\n        "\\u007f"\n    ]\n}',
    );
  });
  it('reporter: a stream gets the JSON and a newline', async () => {
    const out = new Capture();
    const reporter = createKunitJsonReporter({ destination: out, color: false });
    for (const e of parseAll(['KTAP version 1', 'ok 1 a'])) reporter.onEvent(e);
    await reporter.close();
    assert.ok(out.text.endsWith('}\n'));
    assert.equal(JSON.parse(out.text).test_cases[0].status, 'PASS');
  });
});
