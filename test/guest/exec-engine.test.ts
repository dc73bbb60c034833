/**
 * `execGuest` driven as a library user would (no CLI): a typed request, our own reporter and line sinks,
 * an AbortSignal; real QEMU (TCG) on the guest SDK's examples.
 */

import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { type ExecRequest, execGuest } from '../../src/guest/index.js';
import { collectingSinks } from '../collecting-sinks.js';
import { buildSdkTree, sdkSkip, tempDir } from './sdk-tree.js';

describe('execGuest (library entry) under QEMU (TCG)', { skip: sdkSkip }, () => {
  let dir = '';
  let tree = '';
  before(() => {
    dir = tempDir('exec-engine');
    tree = buildSdkTree(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const request = (file: string, over: Partial<ExecRequest> = {}): ExecRequest => ({
    file,
    qemuArgs: [],
    dryRun: false,
    cwd: tree,
    env: { ...process.env, ACCEL: 'tcg' },
    ...over,
  });

  it("returns the run script's status, prints its lines and streams the verdict as events", async () => {
    const { got, sinks } = collectingSinks();
    const status = await execGuest(request('x86/fail_demo.flat'), { sinks });
    assert.equal(status, 3, got.noted.join('\n'));
    assert.match(
      got.printed[0] ?? '',
      /qemu-system-x86_64 .* -kernel x86\/fail_demo\.flat( # -initrd \S+| )$/,
    );
    assert.deepEqual([got.opened, got.closed], [1, 1]);
    const start = got.events[0];
    assert.equal(start?.type === 'run:start' && start.producer, 'guest');
    const verdict = got.events.find((e) => e.type === 'test:result' && e.id === 'exec/1');
    assert.equal(verdict?.type === 'test:result' && verdict.status, 'FAILURE');
    assert.equal(got.events.at(-1)?.type, 'run:end');
  });

  it('a dry run prints the command line and opens no reporter', async () => {
    const { got, sinks } = collectingSinks();
    const status = await execGuest(request('x86/hello.flat', { dryRun: true, qemuArgs: ['-cpu', 'max'] }), {
      sinks,
    });
    assert.equal(status, 0);
    assert.equal(got.printed.length, 1);
    assert.match(got.printed[0] ?? '', /-kernel x86\/hello\.flat -cpu max/);
    assert.equal(got.opened, 0);
  });

  it('the AbortSignal stops a guest that never ends; the run ends interrupted and the reporter closes', async () => {
    const { got, sinks } = collectingSinks();
    const controller = new AbortController();
    const sawStart = new Promise<void>((done) => {
      const print = sinks.print;
      sinks.print = (line) => {
        print(line);
        done();
      };
    });
    // -S: QEMU starts paused and never exits on its own.
    const running = execGuest(request('x86/hello.flat', { qemuArgs: ['-S'] }), {
      sinks,
      signal: controller.signal,
    });
    await sawStart;
    controller.abort();
    await running;
    assert.deepEqual([got.opened, got.closed], [1, 1]);
    const end = got.events.at(-1);
    assert.equal(end?.type === 'run:end' && end.interrupted, true);
  });
});
