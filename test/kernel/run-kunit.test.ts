/**
 * `runKunit` driven as a library user would (no CLI): a typed request, a reporter of our own, print/note
 * sinks and an AbortSignal, on the fake kernel tree with real make.
 */

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type KunitRequest, runKunit } from '../../src/kernel/index.js';
import { VmunitError } from '../../src/util/errors.js';
import { collectingSinks } from '../collecting-sinks.js';
import { fakeTree, removeTempDirs } from './helpers.js';

after(removeTempDirs);

function request(kernelRoot: string, over: Partial<KunitRequest> = {}): KunitRequest {
  return {
    subcommand: 'run',
    kernelRoot,
    buildDir: '.kunit',
    arch: 'um',
    qemuConfig: undefined,
    crossCompile: undefined,
    qemuArgs: [],
    kunitconfig: [],
    alltests: false,
    kconfigAdd: [],
    makeOptions: [],
    jobs: 2,
    env: process.env,
    exec: {
      timeoutSec: 300,
      filterGlob: '',
      filter: '',
      filterAction: undefined,
      kernelArgs: [],
      runIsolated: undefined,
      parallel: 1,
      listTests: false,
      listTestsAttr: false,
      rawOutput: undefined,
    },
    ...over,
  };
}

describe('runKunit (library entry)', () => {
  it('runs config → build → exec, streams the tests as events and prints kunit.py lines to print', async () => {
    const tree = await fakeTree();
    const { got, sinks } = collectingSinks();
    const result = await runKunit(request(tree), { sinks });
    assert.equal(result.status, 'SUCCESS', got.noted.join('\n'));
    assert.equal(result.exec?.root?.status, 'SUCCESS');
    assert.deepEqual([got.opened, got.closed], [1, 1]);
    const start = got.events[0];
    assert.equal(start?.type === 'run:start' && start.producer, 'kernel');
    const leaves = got.events.filter((e) => e.type === 'test:result' && e.name === 'example_simple_test');
    assert.equal(leaves.length, 1);
    assert.equal(got.events.at(-1)?.type, 'run:end');
    assert.match(got.printed.join('\n'), /^\[\d\d:\d\d:\d\d\] Configuring KUnit Kernel \.\.\.$/m);
    // The console is the caller's reporter's business: the engine prints no result lines.
    assert.doesNotMatch(got.printed.join('\n'), /\[PASSED\]|Testing complete/);
  });

  it('a failed build returns BUILD_FAILURE with the error on note, and never starts a run', async () => {
    const tree = await fakeTree();
    const { got, sinks } = collectingSinks();
    const result = await runKunit(request(tree, { kconfigAdd: ['CONFIG_FAKE_BUILD_ERROR=y'] }), { sinks });
    assert.equal(result.status, 'BUILD_FAILURE');
    assert.equal(result.exec, undefined);
    assert.match(got.noted.join('\n'), /^ERROR:root:lib\/fake\/broken\.c:3:1: error/m);
    assert.equal(got.events.length, 0);
    assert.deepEqual([got.opened, got.closed], [1, 1]);
  });

  it('config alone opens no reporter; an unknown arch is a typed USAGE error', async () => {
    const tree = await fakeTree();
    const { got, sinks } = collectingSinks();
    const config = await runKunit(request(tree, { subcommand: 'config' }), { sinks });
    assert.equal(config.status, 'SUCCESS');
    assert.equal(got.opened, 0);
    await assert.rejects(
      runKunit(request(tree, { arch: 'vax' }), { sinks }),
      (e: unknown) =>
        e instanceof VmunitError && e.code === 'USAGE' && /vax is not a valid arch/.test(e.message),
    );
  });

  it('an aborted signal stops the run before it boots; the reporter still closes', async () => {
    const tree = await fakeTree();
    const { got, sinks } = collectingSinks();
    const controller = new AbortController();
    controller.abort();
    const result = await runKunit(request(tree), { sinks, signal: controller.signal });
    assert.notEqual(result.status, 'SUCCESS');
    assert.equal(got.closed, got.opened);
    assert.ok(!got.events.some((e) => e.type === 'test:result' && e.name === 'example_simple_test'));
  });
});
