import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { cancelledStatus, cancelOnSignals, untilAborted } from '../../src/util/cancel.js';

describe('one cancellation path', () => {
  it('SIGINT, SIGTERM and SIGHUP abort one signal; the status is 128 + the first signal', () => {
    for (const [name, status] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
      ['SIGHUP', 129],
    ] as const) {
      const source = new EventEmitter();
      const c = cancelOnSignals(source as unknown as NodeJS.Process);
      source.emit(name);
      source.emit('SIGINT');
      assert.equal(c.signal.aborted, true);
      assert.equal(cancelledStatus(c.signal), status);
      c.dispose();
      assert.equal(source.listenerCount('SIGTERM'), 0);
    }
  });

  it('untilAborted ends a read that would wait forever', async () => {
    const stdin = new PassThrough();
    stdin.write('first\n');
    const controller = new AbortController();
    const got: string[] = [];
    setTimeout(() => controller.abort('SIGTERM'), 50);
    for await (const chunk of untilAborted(stdin as AsyncIterable<Buffer>, controller.signal)) {
      got.push(chunk.toString());
    }
    assert.deepEqual(got, ['first\n']);
  });
});
