import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/types.js';
import type { TestNode } from '../../src/ktap/model.js';
import { type RunOptions, runTests } from '../../src/unit/runner.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function run(options: Partial<RunOptions> & { files: string[] }) {
  const events: RunEvent[] = [];
  const summary = await runTests({ isolation: 'none', rootDir: process.cwd(), ...options }, (e) =>
    events.push(e),
  );
  return { events, ...summary };
}

function child(node: TestNode, ...path: string[]): TestNode {
  let at = node;
  for (const name of path) {
    const next = at.subtests.find((s) => s.name === name);
    assert.ok(next, `no subtest ${name} under ${at.name}: ${at.subtests.map((s) => s.name).join(', ')}`);
    at = next;
  }
  return at;
}

describe('hook order and cleanup (isolation none)', async () => {
  const { root, events, ok } = await run({ files: [fixture('hooks.kunit.ts')] });

  it('runs suiteInit → (init → case → exit → actions in reverse)* → suiteExit', () => {
    const logs = events.flatMap((e) => (e.type === 'test:log' ? [e.line] : []));
    const firstCase = logs.slice(logs.indexOf('# hooks: suiteInit'), logs.indexOf('# first: action1') + 1);
    assert.deepEqual(firstCase, [
      '# hooks: suiteInit',
      '# first: init',
      '# first: case shared',
      '# first: exit',
      '# first: action2',
      '# first: action1',
    ]);
    // suite_exit, then kunit_print_suite_stats: cases, then every result including parameters.
    assert.deepEqual(logs.slice(-3), [
      '# hooks: suiteExit',
      '# hooks: pass:3 fail:1 skip:1 total:5',
      '# Totals: pass:5 fail:1 skip:1 total:7',
    ]);
  });

  it('ASSERT stops the case, exit and actions still run', () => {
    const node = child(root, 'hooks', 'asserts');
    assert.equal(node.status, 'FAILURE');
    assert.ok(!node.log.includes('# asserts: not reached'));
    assert.deepEqual(node.log.slice(-2), ['# asserts: exit', '# asserts: action']);
    assert.match(
      node.log[1] ?? '',
      /^# asserts: ASSERTION FAILED at test\/unit\/fixtures\/hooks.kunit.ts:\d+$/,
    );
    assert.equal(node.log[2], 'Expected 1 + 1 == 3, but');
    assert.equal(node.failures[0]?.leftText, '1 + 1');
  });

  it('release runs an action at once, remove drops it', () => {
    const node = child(root, 'hooks', 'releases');
    assert.deepEqual(node.log, [
      '# releases: init',
      '# releases: released',
      '# releases: after release',
      '# releases: exit',
    ]);
  });

  it('markSkipped lets the case finish and reports it skipped', () => {
    const node = child(root, 'hooks', 'marks');
    assert.equal(node.status, 'SKIPPED');
    assert.deepEqual(node.directive, { kind: 'SKIP', reason: 'later' });
    assert.ok(node.log.includes('# marks: still running'));
  });

  it('names generated parameters param-N and nests them under the case', () => {
    const node = child(root, 'hooks', 'generated');
    assert.deepEqual(
      node.subtests.map((s) => [s.name, s.number, s.status]),
      [
        ['param-0', 1, 'SUCCESS'],
        ['param-1', 2, 'SUCCESS'],
        ['param-2', 3, 'SUCCESS'],
      ],
    );
    assert.deepEqual(node.subtests[2]?.log, [
      '# generated: init',
      '# generated: param 4 2',
      '# generated: exit',
    ]);
    assert.equal(node.status, 'SUCCESS');
  });

  it('fails the run because one case failed', () => {
    assert.equal(ok, false);
    assert.equal(root.status, 'FAILURE');
  });
});

describe('results and attributes', async () => {
  const { root } = await run({ files: [fixture('basic.kunit.ts')] });

  it('EXPECT goes on after a failure', () => {
    const node = child(root, 'basic', 'expectContinues');
    assert.equal(node.failures.length, 2);
    assert.equal(node.log.at(-1), '# expectContinues: after failures');
  });

  it('uses array parameters with their descriptions; one failing parameter fails the case', () => {
    const node = child(root, 'basic', 'params');
    assert.deepEqual(
      node.subtests.map((s) => `${s.number} ${s.name} ${s.status}`),
      ['1 value 1 SUCCESS', '2 value 2 SUCCESS', '3 value 3 FAILURE'],
    );
    assert.equal(node.status, 'FAILURE');
  });

  it('carries suite and case attributes and skips with a reason', () => {
    assert.deepEqual(child(root, 'basic').attributes, { module: 'basic_mod' });
    assert.deepEqual(child(root, 'basic', 'slow_one').attributes, { speed: 'slow' });
    assert.deepEqual(child(root, 'basic', 'skipped').directive, { kind: 'SKIP', reason: 'not today' });
  });

  it('counts like kunit.py', () => {
    assert.deepEqual(root.counts, { passed: 3, failed: 3, crashed: 0, skipped: 1, errors: 0 });
  });
});

describe('filters in a run', () => {
  it('filter_action=skip reports filtered cases as skipped without running them', async () => {
    const { root } = await run({
      files: [fixture('basic.kunit.ts')],
      filter: 'speed>slow',
      filterAction: 'skip',
    });
    const node = child(root, 'basic', 'slow_one');
    assert.equal(node.status, 'SKIPPED');
    assert.deepEqual(node.log, []);
  });
  it('a glob runs only matching cases, renumbered', async () => {
    const { root } = await run({ files: [fixture('basic.kunit.ts')], filterGlob: 'basic.para*' });
    assert.deepEqual(
      child(root, 'basic').subtests.map((s) => `${s.number} ${s.name}`),
      ['1 params'],
    );
  });
  it('runs the same file twice in one process without leaking suites between runs', async () => {
    const a = await run({ files: [fixture('basic.kunit.ts')] });
    const b = await run({ files: [fixture('basic.kunit.ts')] });
    assert.equal(a.root.subtests.length, 1);
    assert.equal(b.root.subtests.length, 1);
  });
  it('an empty selection is NO_TESTS and ok', async () => {
    const { root, ok } = await run({ files: [fixture('basic.kunit.ts')], filterGlob: 'nope' });
    assert.equal(root.status, 'NO_TESTS');
    assert.equal(ok, true);
  });
});

describe('failing hooks and exceptions', async () => {
  const { root } = await run({ files: [fixture('broken-hooks.kunit.ts')] });

  it('a failing suiteInit fails the suite without running or listing its cases (KUnit prints no plan)', () => {
    const suite = child(root, 'init_fails');
    assert.equal(suite.status, 'FAILURE');
    assert.equal(suite.subtests.length, 0);
    assert.equal(suite.expectedCount, undefined);
    assert.equal(suite.log[0], '# failed to initialize: Error: no device');
  });

  it('a failing init fails the case, skips its body and still runs exit', () => {
    const node = child(root, 'case_hooks_fail', 'bad_init');
    assert.equal(node.status, 'FAILURE');
    assert.equal(node.log[0], '# bad_init: failed to initialize: Error: init broke');
    assert.ok(!node.log.includes('# bad_init: not reached'));
    assert.equal(node.log.at(-1), '# bad_init: exit');
  });

  it('an exception that is not a check fails the case with its message and stack', () => {
    const node = child(root, 'case_hooks_fail', 'throws_plain_error');
    assert.equal(node.status, 'FAILURE');
    assert.equal(node.log[0], '# throws_plain_error: uncaught exception: TypeError: not a check');
    assert.match(node.log[1] ?? '', /^ {4}at .*broken-hooks\.kunit\.ts:\d+:\d+/);
    assert.equal(node.failures[0]?.message, 'uncaught exception: TypeError: not a check');
  });

  it('t.assert.fail after an await is KUNIT_FAIL: logged, located and abortive', () => {
    const node = child(root, 'case_hooks_fail', 'rejects_late');
    assert.equal(node.status, 'FAILURE');
    assert.match(
      node.log[0] ?? '',
      /^# rejects_late: ASSERTION FAILED at test\/unit\/fixtures\/broken-hooks\.kunit\.ts:\d+$/,
    );
    assert.equal(node.log[1], 'explicit failure');
  });
});

describe('parallel suites (--jobs)', () => {
  it('releases each suite’s events in suite order, so streaming reporters see a sequential run', async () => {
    const files = [fixture('hooks.kunit.ts'), fixture('basic.kunit.ts')];
    const { events } = await run({ files, jobs: 2 });
    const suiteOf = (id: string) => id.split('.').slice(0, 2).join('.');
    const order = events.flatMap((e) => ('id' in e && e.id.split('.').length > 1 ? [suiteOf(e.id)] : []));
    const firstOfSecond = order.indexOf('unit.2');
    assert.ok(firstOfSecond > 0);
    assert.ok(
      order.slice(firstOfSecond).every((s) => s === 'unit.2'),
      order.join(' '),
    );
    assert.equal(order.filter((s) => s === 'unit.1').length, firstOfSecond);
  });
});
