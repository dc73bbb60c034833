import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fakeTree, removeTempDirs, vmunit } from './helpers.js';

after(removeTempDirs);

/** Suite names of a kunit.py JSON document. */
async function suites(file: string): Promise<string[]> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as { sub_groups: { name: string }[] };
  return doc.sub_groups.map((g) => g.name);
}

describe('vmunit kunit exec --run_isolated with shards (fake tree)', () => {
  let tree = '';
  before(async () => {
    tree = await fakeTree();
    const built = await vmunit(tree, ['kunit', 'build', '--kconfig_add', 'CONFIG_FAKE_FAIL_TEST=y']);
    assert.equal(built.code, 0, built.stderr);
  });

  it('CI_NODE_INDEX shards split the suites: each boots a disjoint part, together all of them', async () => {
    const whole = await vmunit(tree, ['kunit', 'exec', '--run_isolated', 'suite', '--json=whole.json']);
    assert.equal(whole.code, 1, whole.stdout);
    const all = await suites(join(tree, 'whole.json'));
    assert.ok(all.length >= 3, `${all}`);
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const env = { CI_NODE_INDEX: String(i), CI_NODE_TOTAL: '3' };
      const r = await vmunit(tree, ['kunit', 'exec', '--run_isolated', 'suite', `--json=s${i}.json`], env);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      seen.push(...(await suites(join(tree, `s${i}.json`))));
    }
    assert.deepEqual([...seen].sort(), [...all].sort());
  });

  it('--failed-from re-boots only the suites that failed in a record', async () => {
    const first = await vmunit(tree, ['kunit', 'exec', '--run_isolated', 'suite', '--json=all.json']);
    assert.equal(first.code, 1);
    const record = {
      format: 'vmunit-record',
      version: 1,
      run: {
        producer: 'kernel',
        name: tree,
        tool: { name: 'vmunit', version: '0' },
        command: [],
        startTime: '2026-12-03T10:00:00Z',
        complete: true,
        interrupted: false,
      },
      tests: [
        {
          id: 'a',
          name: 'fail_suite',
          verdict: 'FAIL',
          status: 'FAILURE',
          checks: [],
          counts: { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, missing: 0 },
        },
      ],
      counts: {
        tests: { total: 1, passed: 0, failed: 1, skipped: 0, errors: 0, missing: 0 },
        checks: { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, missing: 0 },
      },
    };
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(tree, 'prev.json'), JSON.stringify(record));
    const r = await vmunit(tree, [
      'kunit',
      'exec',
      '--run_isolated',
      'suite',
      '--failed-from',
      'prev.json',
      '--json=again.json',
    ]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(await suites(join(tree, 'again.json')), ['fail_suite']);
  });

  it('a shard without --run_isolated is exit 2 (one boot cannot be split), through bin/vmunit.js', () => {
    const bin = resolve(import.meta.dirname, '../../bin/vmunit.js');
    const r = spawnSync(process.execPath, [bin, 'kunit', 'exec', '--shard', '1/2'], {
      cwd: tree,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^vmunit: error: --shard needs --run_isolated suite or test\n$/);
  });
});
