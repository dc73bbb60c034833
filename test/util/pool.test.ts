import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJobs, runPool, startOrder } from '../../src/util/pool.js';

describe('parseJobs', () => {
  it('accepts positive integers and auto', () => {
    assert.equal(parseJobs('4'), 4);
    assert.equal(parseJobs('auto', 6), 6);
    assert.equal(parseJobs('0'), undefined);
    assert.equal(parseJobs('abc'), undefined);
    assert.equal(parseJobs('2x'), undefined);
  });
});

describe('startOrder', () => {
  const names = ['a', 'b', 'c', 'd'];
  it('keeps cfg order with one job', () => {
    assert.deepEqual(startOrder(names, new Map([['d', 100]]), 1), [0, 1, 2, 3]);
  });
  it('starts the longest previous tests first, unknown ones before known ones', () => {
    const d = new Map([
      ['a', 10],
      ['b', 500],
      ['d', 50],
    ]);
    assert.deepEqual(startOrder(names, d, 2), [2, 1, 3, 0]);
  });
  it('starts unknown items by their hint, longest first, and keeps list order for equal hints', () => {
    const d = new Map([['a', 10]]);
    assert.deepEqual(startOrder(names, d, 2, [900, 90, 180, 90]), [2, 1, 3, 0]);
    assert.deepEqual(startOrder(names, new Map(), 1, [1, 2, 3, 4]), [0, 1, 2, 3]);
  });
  it('is stable for equal durations', () => {
    assert.deepEqual(startOrder(names, new Map(), 4), [0, 1, 2, 3]);
  });
});

describe('runPool', () => {
  it('never runs more than N at once and runs everything once', async () => {
    // Each task waits for the test to release it, so the order of events is the test's, not the timers'.
    const gates = new Map<number, () => void>();
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    const pool = runPool([1, 2, 3, 4, 5], [4, 3, 2, 1, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((r) => gates.set(n, r));
      done.push(n);
      running--;
    });
    const release = async (n: number) => {
      while (!gates.has(n)) await new Promise((r) => setImmediate(r));
      gates.get(n)?.();
    };
    assert.deepEqual([...gates.keys()], [5, 4], 'the first two in start order, and no more');
    await release(4); // the slow first one (5) is still running: 3 takes 4's lane
    await release(3);
    await release(5);
    await release(2);
    await release(1);
    await pool;
    assert.equal(peak, 2);
    assert.deepEqual(done, [4, 3, 5, 2, 1]);
  });
  it('starts nothing new after abort', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    await runPool(
      [1, 2, 3],
      [0, 1, 2],
      1,
      async (n) => {
        started.push(n);
        controller.abort();
      },
      controller.signal,
    );
    assert.deepEqual(started, [1]);
  });
});
