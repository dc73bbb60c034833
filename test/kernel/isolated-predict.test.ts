// `vmunit kunit exec --run_isolated` through bin/vmunit.js: the boots the previous listing predicts run
// alongside the listing boot, and the listing, when it arrives, decides what is kept (src/kernel/isolated.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BootTiming } from '../../src/kernel/isolated-cache.js';
import { interrupt, notBuilt, processesIn, vmunitProcess, vmunitRun } from '../cli/cli-process.js';
import { fakeTree, type JsonGroup, normalize, removeTempDirs, jsonRows as rows, vmunit } from './helpers.js';

after(removeTempDirs);

async function lastRun(tree: string): Promise<BootTiming[]> {
  const doc = JSON.parse(await readFile(join(tree, '.kunit', 'vmunit-isolated.json'), 'utf8'));
  return doc.last.boots as BootTiming[];
}

/** The boot numbers of the `Starting KUnit Kernel (i/n)...` lines, and n. */
function startLines(stdout: string): { seen: number[]; n: number } {
  const all = [...stdout.matchAll(/^\[\d\d:\d\d:\d\d\] Starting KUnit Kernel \((\d+)\/(\d+)\)\.\.\.$/gm)];
  return { seen: all.map((m) => Number(m[1])).sort((a, b) => a - b), n: Number(all[0]?.[2] ?? 0) };
}

const ISOLATED = ['kunit', 'exec', '--run_isolated', 'suite'];
// The listing boot takes a second, as a real one does: time for the predicted boots to start.
const SLOW_LISTING = { FAKE_LIST_DELAY: '1' };

describe('vmunit kunit exec --run_isolated: predicted boots (bin/vmunit.js, fake tree)', {
  skip: notBuilt,
}, () => {
  let tree = '';
  before(async () => {
    tree = await fakeTree();
    const built = await vmunit(tree, ['kunit', 'build', '--kconfig_add', 'CONFIG_FAKE_FAIL_TEST=y']);
    assert.equal(built.code, 0, built.stderr);
  });

  it('a second run boots the predicted suites while the listing boot runs, and reports exactly what a cold run does', async () => {
    const cold = await vmunitRun([...ISOLATED, '-j', '2', '--json=cold.json'], tree, SLOW_LISTING);
    assert.equal(cold.status, 1, cold.stderr);
    assert.ok((await lastRun(tree)).every((b) => !b.predicted));
    const warm = await vmunitRun([...ISOLATED, '-j', '2', '--json=warm.json'], tree, SLOW_LISTING);
    assert.equal(warm.status, 1, warm.stderr);
    assert.equal(warm.stderr, '');
    assert.deepEqual(
      rows(await readFile(join(tree, 'warm.json'), 'utf8')),
      rows(await readFile(join(tree, 'cold.json'), 'utf8')),
    );
    const summary = (s: string) => /^Testing complete\..*$/m.exec(normalize(s))?.[0];
    assert.equal(summary(warm.stdout), summary(cold.stdout));
    assert.equal(summary(warm.stdout), 'Testing complete. Ran 15 tests: passed: 12, failed: 1, skipped: 2');
    // The predicted boot started during the listing boot, not after it.
    const boots = await lastRun(tree);
    const listing = boots.find((b) => b.glob === '(listing)');
    assert.ok(listing !== undefined);
    const early = boots.filter((b) => b.predicted && b.startMs < listing.startMs + listing.ms);
    assert.ok(early.length >= 1, JSON.stringify(boots));
    assert.ok(
      boots.every((b) => !b.cancelled),
      'the same kernel lists what it listed before',
    );
    // Its console lines wait for the listing: the listing's command line comes first, and every boot is
    // announced once, numbered by its place in the list.
    const listed = warm.stdout.indexOf('kunit.action=list');
    assert.ok(listed >= 0 && listed < warm.stdout.indexOf('Starting KUnit Kernel'), warm.stdout);
    assert.deepEqual(startLines(warm.stdout), { seen: [1, 2, 3, 4, 5, 6], n: 6 });
  });

  it('when the kernel now lists other suites, a predicted boot of a suite gone is stopped and never reported', async () => {
    // Every predicted boot starts during the listing with 8 slots.
    const first = await vmunitRun([...ISOLATED, '-j', '8'], tree, SLOW_LISTING);
    assert.equal(first.status, 1, first.stderr);
    // "Rebuild" the kernel: bitfields is gone, a new suite is in.
    const built = join(tree, '.kunit', 'suites.txt');
    const suites = (await readFile(built, 'utf8')).replace(/^bitfields .*\n/m, '');
    await writeFile(built, `${suites}new_suite new_case ok\n`);
    const warm = await vmunitRun([...ISOLATED, '-j', '8', '--json=changed.json'], tree, SLOW_LISTING);
    assert.equal(warm.status, 1, warm.stderr);
    assert.doesNotMatch(warm.stdout, /bitfields/);
    assert.match(warm.stdout, /^\[\d\d:\d\d:\d\d\] \[PASSED\] new_case$/m);
    const boots = await lastRun(tree);
    assert.deepEqual(
      boots.filter((b) => b.cancelled).map((b) => b.glob),
      ['bitfields'],
    );
    assert.deepEqual(startLines(warm.stdout), { seen: [1, 2, 3, 4, 5, 6], n: 6 });
    // The same results as a run that predicted nothing, and a test.log of the listed boots only.
    await rm(join(tree, '.kunit', 'vmunit-isolated.json'));
    const cold = await vmunitRun([...ISOLATED, '-j', '8', '--json=changed-cold.json'], tree);
    assert.equal(cold.status, 1, cold.stderr);
    assert.deepEqual(
      rows(await readFile(join(tree, 'changed.json'), 'utf8')),
      rows(await readFile(join(tree, 'changed-cold.json'), 'utf8')),
    );
    assert.equal((await readdir(join(tree, '.kunit', 'isolated'))).length, 6);
  });
});

describe('vmunit kunit exec --run_isolated: a predicted boot that hangs (bin/vmunit.js)', {
  skip: notBuilt,
}, () => {
  let tree = '';
  before(async () => {
    tree = await fakeTree();
    const built = await vmunit(tree, ['kunit', 'build', '--kconfig_add', 'CONFIG_FAKE_HANG_TEST=y']);
    assert.equal(built.code, 0, built.stderr);
    // Records the listing, so the next runs predict hang_suite.
    const first = await vmunitRun([...ISOLATED, '-j', '2', '--timeout', '1', 'hang*'], tree);
    assert.equal(first.status, 1, first.stderr);
  });

  it('is stopped at --timeout and fails only its suite, announced after its start line', async () => {
    const r = await vmunitRun([...ISOLATED, '-j', '3', '--timeout', '2', '--json=hang.json', 'hang*'], tree, {
      FAKE_LIST_DELAY: '1',
    });
    assert.equal(r.status, 1, r.stderr);
    assert.ok((await lastRun(tree)).some((b) => b.glob === 'hang_suite' && b.predicted));
    const out = normalize(r.stdout);
    assert.equal(out.match(/timed out after 2 seconds/g)?.length, 1, out);
    assert.ok(out.indexOf('Starting KUnit Kernel (1/1)') < out.indexOf('timed out after 2 seconds'), out);
    assert.deepEqual(rows(await readFile(join(tree, 'hang.json'), 'utf8')), [
      'hang_suite.hang_first_case PASS',
      'hang_suite. ERROR',
    ]);
  });

  it('a listing boot that hangs is a failure, not an empty pass: the missing KTAP is reported, exit 1', async () => {
    const r = await vmunitRun([...ISOLATED, '-j', '2', '--timeout', '1', '--json=lost.json', 'hang*'], tree, {
      FAKE_LIST_DELAY: '5',
    });
    assert.equal(r.status, 1, r.stderr);
    const out = normalize(r.stdout);
    assert.match(out, /kunit\.action=list.*\n.*timed out after 1 seconds/);
    assert.match(
      out,
      /^\[ERROR\] Test: <missing>: Could not find any KTAP output\. Did any KUnit tests run\?$/m,
    );
    assert.match(out, /^Testing complete\. Ran 0 tests: errors: 1$/m);
    // The predicted hang_suite boot was stopped with the listing's verdict, and never reported.
    assert.doesNotMatch(out, /Starting KUnit Kernel/);
    assert.deepEqual(rows(await readFile(join(tree, 'lost.json'), 'utf8')), []);
    assert.deepEqual(
      (await lastRun(tree)).filter((b) => b.cancelled).map((b) => b.glob),
      ['hang_suite'],
    );
  });

  it('SIGTERM while the listing and a predicted boot run: exit 143, no kernel left, a valid report', async () => {
    const json = join(tree, 'term.json');
    const p = vmunitProcess([...ISOLATED, '-j', '2', '--timeout', '300', `--json=${json}`, 'hang*'], tree, {
      FAKE_LIST_DELAY: '60',
    });
    // The listing boot and the predicted hang_suite boot are both up (bash and its sleep, each).
    const end = await interrupt(
      p,
      'SIGTERM',
      async () => (await processesIn(tree, [p.child.pid ?? 0])).size >= 4,
      'the listing and the predicted boot',
      tree,
    );
    assert.equal(end.status, 143, p.stderr());
    assert.deepEqual(end.survivors, [], 'a kernel process survived');
    assert.ok(existsSync(json));
    const doc = JSON.parse(await readFile(json, 'utf8')) as JsonGroup;
    assert.equal(typeof doc.name, 'string');
    const record = JSON.parse(await readFile(join(tree, '.kunit', 'record.json'), 'utf8'));
    assert.equal(record.run.interrupted, true);
  });
});
