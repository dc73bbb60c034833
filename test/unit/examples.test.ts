import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { distSkip } from '../requirements.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// The examples import `vmunit/unit` as users do, which resolves to dist/ (npm test builds first).
const skip = distSkip();

describe('examples/unit through the built CLI', () => {
  it('passes, with TypeScript loaded in worker hosts by a parent that has no loader', {
    skip,
  }, () => {
    const run = spawnSync(process.execPath, ['bin/vmunit.js', 'test', 'examples/unit'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr + run.stdout);
    const lines = run.stdout.split('\n');
    assert.equal(lines[0], 'KTAP version 1');
    assert.equal(lines[1], '1..3');
    for (const suite of ['ok 1 attributes_demo', 'ok 2 power_of_two', 'ok 3 stack'])
      assert.ok(lines.includes(suite), run.stdout);
    assert.ok(lines.includes('        ok 11 param-10'), run.stdout);
    assert.ok(lines.includes('    ok 3 needs_feature # SKIP run node with --expose-gc'), run.stdout);
  });

  it('lists with attributes and honours the attribute filter', { skip }, () => {
    const run = spawnSync(
      process.execPath,
      ['bin/vmunit.js', 'test', 'examples/unit/attributes.kunit.ts', '--list_attr', '--filter', 'speed>slow'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split('\n'), [
      'attributes_demo',
      '# module: demo',
      'attributes_demo.reads_shared_table',
      'attributes_demo.needs_feature',
      'attributes_demo.partly_supported',
      'attributes_demo.rejects_bad_input',
    ]);
  });
});

describe('failure locations through the built CLI', () => {
  it('point at the test file, not at the library (dist frames are source-mapped to src/unit)', {
    skip,
  }, () => {
    const run = spawnSync(process.execPath, ['bin/vmunit.js', 'test', 'test/unit/fixtures/hooks.kunit.ts'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stdout,
      /\n {4}# asserts: ASSERTION FAILED at test\/unit\/fixtures\/hooks\.kunit\.ts:\d+\n/,
    );
    assert.match(run.stdout, /\n {4}# Expected 1 \+ 1 == 3, but\n/);
  });
});
