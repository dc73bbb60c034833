/**
 * merge, compare, lava-job and the shard flags through the real entry point (node bin/vmunit.js), with
 * synthetic records and a tree whose binaries are placeholder files (nothing boots).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRecord, ShardInfo } from '../../src/record/types.js';
import { partition } from '../../src/scale/shard.js';
import { CONFIG_MAK } from '../guest/e2e-helpers.js';
import { assertKcidb } from '../reporters/kcidb-schema.js';
import { check, record, test } from '../scale/records.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');

function vmunit(args: string[], env: Record<string, string> = {}, cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'eps', 'zeta', 'eta'];
const CFG =
  NAMES.map((n) => `[${n}]\nfile = ${n}.flat\n`).join('\n') +
  '\n[manual]\nfile = alpha.flat\ngroups = nodefault\n';

let root = '';
let tree = '';

async function writeRecord(dir: string, r: RunRecord): Promise<string> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'record.json'), JSON.stringify(r));
  return dir;
}

/** Three shard folders of NAMES; `fail` makes that test fail. */
async function shardFolders(prefix: string, fail?: string): Promise<string[]> {
  const list = [...NAMES, 'manual'];
  const groups = partition(list, 3);
  const assignment = list.map((n) => groups.findIndex((g) => g.includes(n)) + 1);
  const dirs: string[] = [];
  for (const [i, names] of groups.entries()) {
    const info: ShardInfo = { index: i + 1, total: 3, list, assignment };
    const tests = names.map((n) =>
      n === 'manual'
        ? test(n, 'SKIP', [], 'test marked as manual run only')
        : test(n, n === fail ? 'FAIL' : 'PASS', [check(`${n} works`, n === fail ? 'FAILURE' : 'SUCCESS')]),
    );
    dirs.push(await writeRecord(join(root, `${prefix}${i + 1}`), record(tests, info)));
  }
  return dirs;
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'vmunit-scale-'));
  tree = join(root, 'tree');
  await mkdir(join(tree, 'x86'), { recursive: true });
  await writeFile(join(tree, 'config.mak'), CONFIG_MAK);
  await writeFile(join(tree, 'x86', 'unittests.cfg'), CFG);
  for (const n of NAMES) await writeFile(join(tree, 'x86', `${n}.flat`), 'placeholder');
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('vmunit run --list with shards', () => {
  it('the shards of the list cover it exactly once, nodefault included', () => {
    const whole = vmunit(['run', '-C', tree, '--list']);
    assert.equal(whole.status, 0);
    const seen: string[] = [];
    for (const i of [1, 2, 3]) {
      const r = vmunit(['run', '-C', tree, '--list'], { CI_NODE_INDEX: String(i), CI_NODE_TOTAL: '3' });
      assert.equal(r.status, 0, r.err);
      assert.equal(r.err, '');
      seen.push(...r.out.split('\n').filter((l) => l !== ''));
    }
    assert.deepEqual(
      seen.sort(),
      whole.out
        .split('\n')
        .filter((l) => l !== '')
        .sort(),
    );
    const k8s = vmunit(['run', '-C', tree, '--list', '--shard-total', '3'], { JOB_COMPLETION_INDEX: '0' });
    const gitlab = vmunit(['run', '-C', tree, '--list'], { CI_NODE_INDEX: '1', CI_NODE_TOTAL: '3' });
    assert.equal(k8s.out, gitlab.out);
  });

  it('an index out of range or a total that disagrees with CI_NODE_TOTAL is exit 2 with a message', () => {
    const out = vmunit(['run', '-C', tree, '--list', '--shard', '4/3']);
    assert.equal(out.status, 2);
    assert.equal(out.out, '');
    assert.match(out.err, /^vmunit: error: --shard 4\/3: shard index 4 is outside 1\.\.3\n$/);
    const clash = vmunit(['run', '-C', tree, '--list', '--shard', '1/2'], {
      CI_NODE_INDEX: '1',
      CI_NODE_TOTAL: '3',
    });
    assert.equal(clash.status, 2);
    assert.match(clash.err, /--shard says 2 shards but CI_NODE_TOTAL=3/);
    const noTotal = vmunit(['run', '-C', tree, '--list'], { JOB_COMPLETION_INDEX: '1' });
    assert.equal(noTotal.status, 2);
    assert.match(noTotal.err, /needs the shard count/);
  });

  it('--durations balances by a record; tests it ran in no time (SKIPs record none) count 0', async () => {
    const tests = [...NAMES, 'manual'].map((n) => {
      const { durationMs: _d, ...t } = test(n, n === 'manual' ? 'SKIP' : 'PASS');
      return n === 'alpha' ? { ...t, durationMs: 100_000 } : t;
    });
    const dir = await writeRecord(join(root, 'durations'), record(tests));
    const one = vmunit(['run', '-C', tree, '--list', '--shard', '1/2', '--durations', dir]);
    assert.equal(one.status, 0, one.err);
    assert.equal(one.out, 'alpha\n');
    const two = vmunit(['run', '-C', tree, '--list', '--shard', '2/2', '--durations', dir]);
    assert.equal(two.out.split('\n').filter((l) => l !== '').length, NAMES.length);
  });

  it('--failed RESULTS lists only what failed there, and shards that', async () => {
    const dirs = await shardFolders('failed', 'gamma');
    await writeRecord(
      join(root, 'failed-all'),
      JSON.parse(await readFile(join(dirs[0] ?? '', 'record.json'), 'utf8')),
    );
    const merged = vmunit(['merge', ...dirs, '--results', join(root, 'failed-merged')]);
    assert.equal(merged.status, 1);
    const r = vmunit(['run', '-C', tree, '--list', '--failed', join(root, 'failed-merged')]);
    assert.equal(r.status, 0, r.err);
    assert.equal(r.out, 'gamma\n');
  });
});

describe('vmunit merge', () => {
  it('merges shard records: result lines in list order on stdout, summary on stderr, exit 0', async () => {
    const dirs = await shardFolders('ok');
    const out = join(root, 'merged-ok');
    const r = vmunit(['merge', ...dirs, '--results', out]);
    assert.equal(r.status, 0, r.err);
    assert.equal(
      r.out,
      `${NAMES.map((n) => `PASS ${n} `).join('\n')}\nSKIP manual (test marked as manual run only)\n`,
    );
    assert.match(r.err, /^vmunit: merged 3 records: 8 tests \(7 passed, 1 skipped\), 7 checks \(7 passed\);/);
    const saved = JSON.parse(await readFile(join(out, 'record.json'), 'utf8')) as RunRecord;
    assert.equal(saved.tests.length, 8);
    assert.equal(saved.run.shard, undefined);
  });

  it('a dropped shard: its tests are MISS naming the shard, exit 1', async () => {
    const dirs = await shardFolders('drop');
    const r = vmunit(['merge', dirs[0] ?? '', dirs[2] ?? '', '--results', join(root, 'merged-drop')]);
    assert.equal(r.status, 1);
    const missing = r.out.split('\n').filter((l) => l.startsWith('MISS '));
    assert.ok(missing.length > 0);
    for (const line of missing)
      assert.match(line, /^MISS \S+ \(missing from shard 2\/3 \(no record for that shard\)\)$/);
    assert.match(r.err, /missing\)/);
  });

  it('a duplicated shard is exit 2 naming both files; KCIDB and JUnit outputs validate', async () => {
    const dirs = await shardFolders('dup');
    const dup = vmunit(['merge', dirs[0] ?? '', dirs[0] ?? '', '--results', join(root, 'merged-dup')]);
    assert.equal(dup.status, 2);
    assert.match(dup.err, /^vmunit: error: test '\w+' appears twice: in .*dup1 and in .*dup1\n$/);
    const out = join(root, 'merged-kcidb');
    const r = vmunit([
      'merge',
      ...dirs,
      '--results',
      out,
      '--format',
      'kcidb',
      '--origin',
      'vmunit_ci',
      '--output',
      'junit:merged.xml',
    ]);
    assert.equal(r.status, 0, r.err);
    const doc = JSON.parse(r.out) as { tests: { path: string; status: string }[] };
    assertKcidb(doc);
    assert.ok(doc.tests.some((t) => t.path === 'kvm-unit-tests.x86_64.alpha' && t.status === 'PASS'));
    assert.match(
      await readFile(join(out, 'merged.xml'), 'utf8'),
      /^<\?xml[^\n]*\n<testsuite name="\/work\/kut" tests="8" failures="0"/,
    );
    const noOrigin = vmunit([
      'merge',
      ...dirs,
      '--results',
      join(root, 'merged-noorigin'),
      '--format',
      'kcidb',
    ]);
    assert.equal(noOrigin.status, 2);
    assert.match(noOrigin.err, /--origin/);
  });

  it('refuses to write into a folder it did not make', async () => {
    const dirs = await shardFolders('refuse');
    const busy = join(root, 'busy');
    await mkdir(busy);
    await writeFile(join(busy, 'precious.txt'), 'keep');
    const r = vmunit(['merge', ...dirs, '--results', busy]);
    assert.equal(r.status, 2);
    assert.match(r.err, /not empty and holds no record\.json/);
    assert.equal(await readFile(join(busy, 'precious.txt'), 'utf8'), 'keep');
  });
});

describe('vmunit compare', () => {
  it('flags a regression (exit 1) in text, JSON and Markdown; no change is exit 0', async () => {
    const base = await shardFolders('base');
    const now = await shardFolders('now', 'delta');
    const b = join(root, 'base-merged');
    const n = join(root, 'now-merged');
    vmunit(['merge', ...base, '--results', b]);
    vmunit(['merge', ...now, '--results', n]);
    const text = vmunit(['compare', b, n]);
    assert.equal(text.status, 1);
    assert.match(text.out, /^Regressions:\n {2}delta: PASS -> FAIL\n/);
    assert.equal(text.err, '');
    const json = vmunit(['compare', b, n, '--format', 'json']);
    assert.deepEqual(
      (JSON.parse(json.out) as { regressions: { name: string }[] }).regressions.map((x) => x.name),
      ['delta'],
    );
    const md = vmunit(['compare', b, n, '--format', 'markdown']);
    assert.match(md.out, /^## vmunit compare :x:\n/);
    const same = vmunit(['compare', b, b]);
    assert.equal(same.status, 0);
    const flaky = vmunit(['compare', b, b, n]);
    assert.equal(flaky.status, 0);
    assert.match(flaky.out, /Flaky:\n {2}delta: PASS, FAIL\n/);
  });

  it('an unreadable record is exit 2 naming it', () => {
    const r = vmunit(['compare', join(root, 'nope'), join(root, 'nope2')]);
    assert.equal(r.status, 2);
    assert.match(r.err, /nope/);
  });
});

describe('vmunit lava-job', () => {
  const python = '/usr/bin/python3';
  const hasLava = spawnSync(python, ['-c', 'import lava_common.schemas, yaml']).status === 0;
  const required = (process.env.VMUNIT_REQUIRE ?? '').split(',').includes('lava');

  it("one job per test of the shard, each valid under LAVA's own schema", async (t) => {
    if (!hasLava && !required) {
      t.skip('lava_common (Debian lava-common) or PyYAML not installed');
      return;
    }
    const file = join(root, 'jobs.yaml');
    const r = vmunit([
      'lava-job',
      '-C',
      tree,
      '--shard',
      '2/3',
      '--artifacts',
      'https://ci.example/a',
      '-o',
      file,
    ]);
    assert.equal(r.status, 0, r.err);
    const expected = partition([...NAMES, 'manual'], 3)[1] ?? [];
    const code = [
      'import sys, yaml',
      'from lava_common.schemas import validate',
      'docs = list(yaml.safe_load_all(open(sys.argv[1])))',
      'for d in docs: validate(d)',
      'print(" ".join(d["metadata"]["vmunit.test"] for d in docs))',
      'print(docs[0]["actions"][0]["deploy"]["images"]["kernel"]["url"])',
    ].join('\n');
    const v = spawnSync(python, ['-c', code, file], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stderr);
    const [names, url] = v.stdout.split('\n');
    const runnable = expected.filter((n) => n !== 'manual');
    assert.equal(names, runnable.join(' '));
    assert.equal(url, `https://ci.example/a/x86/${runnable[0]}.flat`);
    if (expected.includes('manual')) assert.match(r.err, /# SKIP manual \(test marked as manual run only\)/);
    const broken = spawnSync(
      python,
      ['-c', `${code.split('\n').slice(0, 2).join('\n')}\nvalidate({"job_name": "x"})`],
      {
        encoding: 'utf8',
      },
    );
    assert.notEqual(broken.status, 0, 'the validator must reject a bad job');
  });

  it('a test name that is not in the cfg is exit 2', () => {
    const r = vmunit(['lava-job', '-C', tree, 'nosuch']);
    assert.equal(r.status, 2);
    assert.match(r.err, /no test named nosuch/);
  });
});

describe('--shard in vmunit test, standalone and install', () => {
  it('vmunit test --list --shard: the shards split the suites, each listed with its cases', () => {
    const examples = resolve(import.meta.dirname, '../../examples/unit');
    const whole = vmunit(['test', examples, '--list']);
    assert.equal(whole.status, 0, whole.err);
    const suitesOf = (text: string) => text.split('\n').filter((l) => l !== '' && !l.includes('.'));
    const parts = [1, 2].map((i) => vmunit(['test', examples, '--list', '--shard', `${i}/2`]));
    for (const p of parts) assert.equal(p.status, 0, p.err);
    const union = parts.flatMap((p) => suitesOf(p.out));
    assert.deepEqual([...union].sort(), suitesOf(whole.out).sort());
    assert.ok(parts.every((p) => suitesOf(p.out).length > 0));
    assert.equal(
      parts
        .map((p) => p.out)
        .join('')
        .split('\n')
        .filter((l) => l !== '').length,
      whole.out.split('\n').filter((l) => l !== '').length,
    );
  });

  it("vmunit standalone --shard writes only its shard's scripts; an empty shard writes nothing", async () => {
    const out = join(root, 'standalone-2');
    const r = vmunit(['standalone', '-C', tree, '-o', out, '--shard', '2/3']);
    assert.equal(r.status, 0, r.err);
    const expected = partition([...NAMES, 'manual'], 3)[1] ?? [];
    const written = r.out
      .split('\n')
      .filter((l) => l.startsWith('Written '))
      .map((l) => l.replace(/^Written .*\/(.*)\.$/, '$1'));
    assert.deepEqual(written.sort(), [...expected].sort());
    const empty = vmunit([
      'install',
      '-C',
      tree,
      '--prefix',
      join(root, 'prefix'),
      'alpha',
      '--shard',
      '2/2',
    ]);
    assert.equal(empty.status, 0, empty.err);
    assert.match(empty.err, /this shard has no tests; nothing installed/);
  });
});
