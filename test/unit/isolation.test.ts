import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { TestNode } from '../../src/ktap/model.js';
import { type RunOptions, runTests } from '../../src/unit/runner.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

async function run(options: Partial<RunOptions> & { files: string[] }) {
  return runTests({ rootDir: process.cwd(), timeoutMs: 1_000, ...options }, () => {});
}

function summary(node: TestNode): string[] {
  return node.subtests.map((s) => `${s.name} ${s.status}${s.directive ? ` # ${s.directive.kind}` : ''}`);
}

describe('suite isolation in worker threads', async () => {
  const { root, ok } = await run({ files: [fixture('crash.kunit.ts')] });
  const crashy = root.subtests[0];

  it('fails only the case that spins, exits, throws in a timer or hangs; the rest of the suite and run go on', () => {
    assert.ok(crashy);
    assert.deepEqual(summary(crashy), [
      'before SUCCESS',
      'spins FAILURE # TIMEOUT',
      'exits TEST_CRASHED',
      'throwsInTimer TEST_CRASHED',
      'hangsAsync FAILURE # TIMEOUT',
      'after SUCCESS',
    ]);
    assert.deepEqual(summary(root), ['crashy TEST_CRASHED', 'next_suite SUCCESS']);
    assert.equal(ok, false);
  });

  it('says why each case died', () => {
    const [, spins, exits, timer] = crashy?.subtests ?? [];
    assert.match(spins?.reason ?? '', /timed out/);
    assert.match(exits?.reason ?? '', /exited with code 1/);
    assert.match(timer?.reason ?? '', /boom in timer/);
    assert.ok(timer?.log.some((l) => l.includes('boom in timer')));
  });
});

describe('memory exhaustion', () => {
  it('is reported as a crash of the case (worker resourceLimits)', async () => {
    const { root } = await run({ files: [fixture('oom.kunit.ts')], memoryLimitMb: 32 });
    const oom = root.subtests[0];
    assert.ok(oom);
    assert.deepEqual(summary(oom), ['hog TEST_CRASHED', 'after SUCCESS']);
    assert.match(oom.subtests[0]?.reason ?? '', /out of memory/);
  });
  it('is reported as a crash of the case (child --max-old-space-size)', async () => {
    const { root } = await run({ files: [fixture('oom.kunit.ts')], memoryLimitMb: 32, backend: 'process' });
    const oom = root.subtests[0];
    assert.ok(oom);
    assert.deepEqual(summary(oom), ['hog TEST_CRASHED', 'after SUCCESS']);
    assert.match(oom.subtests[0]?.reason ?? '', /out of memory/);
  });
});

describe('child-process backend and per-case isolation', () => {
  it('survives process.exit and a throw in a timer in a child process', async () => {
    const { root } = await run({
      files: [fixture('crash.kunit.ts')],
      backend: 'process',
      filterGlob: 'crashy.*t*',
    });
    assert.deepEqual(summary(root.subtests[0] as TestNode), [
      'exits TEST_CRASHED',
      'throwsInTimer TEST_CRASHED',
      'after SUCCESS',
    ]);
  });
  it('runs each case in its own host with per-case isolation (suite state is not shared)', async () => {
    const { root } = await run({
      files: [fixture('hooks.kunit.ts')],
      isolation: 'case',
      filterGlob: 'hooks.[fa]*',
    });
    const hooks = root.subtests[0] as TestNode;
    assert.deepEqual(summary(hooks), ['first SUCCESS', 'asserts FAILURE']);
    // suite_init ran again in the second host; its log is on the suite.
    assert.equal(hooks.log.filter((l) => l === '# hooks: suiteInit').length, 2);
  });
});

describe('host output', () => {
  it('turns a case’s stdout and stderr into log lines of that run, never into the report stream', async () => {
    const events: import('../../src/events/types.js').RunEvent[] = [];
    await runTests({ files: [fixture('output.kunit.ts')], rootDir: process.cwd() }, (e) => events.push(e));
    const logs = events.flatMap((e) => (e.type === 'test:log' ? [`${e.stream ?? ''} ${e.line}`] : []));
    assert.ok(logs.includes('stdout to stdout'), logs.join('\n'));
    assert.ok(logs.includes('stderr to stderr'), logs.join('\n'));
  });
});
