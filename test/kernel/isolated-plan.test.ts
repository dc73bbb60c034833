import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BootPlan, type PlannedJob } from '../../src/kernel/isolated-plan.js';

/** Takes jobs until the plan has none for now. */
function drain(plan: BootPlan): PlannedJob[] {
  const jobs: PlannedJob[] = [];
  for (let job = plan.next(); job; job = plan.next()) jobs.push(job);
  return jobs;
}

const boot = (glob: string, index?: number): PlannedJob => ({ kind: 'boot', glob, index });

describe('BootPlan', () => {
  it('with one job, boots nothing before the listing, then the list in order (kunit.py)', () => {
    const plan = new BootPlan(['a', 'b'], new Map([['b', 9000]]), 1);
    assert.deepEqual(plan.next(), { kind: 'listing' });
    assert.equal(plan.next(), undefined);
    assert.deepEqual(plan.listed(['a', 'b', 'c']), { cancel: [], placed: new Map() });
    assert.deepEqual(drain(plan), [boot('a', 0), boot('b', 1), boot('c', 2)]);
  });

  it('cold (nothing predicted): the listing, then unknown boots in list order before known ones, longest first', () => {
    const plan = new BootPlan([], new Map(), 2);
    assert.deepEqual(drain(plan), [{ kind: 'listing' }]);
    plan.listed(['a', 'b', 'c']);
    assert.deepEqual(drain(plan), [boot('a', 0), boot('b', 1), boot('c', 2)]);
    const timed = new BootPlan(
      [],
      new Map([
        ['a', 10],
        ['c', 500],
      ]),
      2,
    );
    drain(timed);
    timed.listed(['a', 'b', 'c']);
    assert.deepEqual(drain(timed), [boot('b', 1), boot('c', 2), boot('a', 0)]);
  });

  it('while the listing runs, starts the predicted boots longest first; the listing places them', () => {
    const times = new Map([
      ['a', 100],
      ['memcpy', 20000],
      ['c', 300],
    ]);
    const plan = new BootPlan(['a', 'memcpy', 'c'], times, 2);
    assert.deepEqual(plan.next(), { kind: 'listing' });
    assert.deepEqual(plan.next(), boot('memcpy'));
    assert.deepEqual(plan.next(), boot('c'));
    const r = plan.listed(['a', 'memcpy', 'c']);
    assert.deepEqual(r.cancel, []);
    assert.deepEqual(
      r.placed,
      new Map([
        ['memcpy', 1],
        ['c', 2],
      ]),
    );
    // Only what was not started is left.
    assert.deepEqual(drain(plan), [boot('a', 0)]);
    assert.deepEqual(plan.list, ['a', 'memcpy', 'c']);
  });

  it('when the listing differs from the guess: cancels the predicted boots it lacks, queues the ones it adds', () => {
    const plan = new BootPlan(
      ['gone', 'kept', 'other'],
      new Map([
        ['gone', 900],
        ['kept', 800],
      ]),
      3,
    );
    assert.deepEqual(drain(plan), [{ kind: 'listing' }, boot('other'), boot('gone'), boot('kept')]);
    const r = plan.listed(['new', 'kept']);
    assert.deepEqual(r.cancel, ['other', 'gone']);
    assert.deepEqual(r.placed, new Map([['kept', 1]]));
    assert.deepEqual(drain(plan), [boot('new', 0)]);
  });

  it('an empty listing (the listing boot crashed) cancels every predicted boot', () => {
    const plan = new BootPlan(['a', 'b'], new Map(), 2);
    assert.equal(drain(plan).length, 3);
    assert.deepEqual(plan.listed([]), { cancel: ['a', 'b'], placed: new Map() });
    assert.deepEqual(drain(plan), []);
  });

  it('a glob listed twice is booted twice (kunit.py boots each entry), a predicted one fills the first', () => {
    const plan = new BootPlan(['s', 's'], new Map(), 2);
    assert.deepEqual(drain(plan), [{ kind: 'listing' }, boot('s')]);
    assert.deepEqual(plan.listed(['s', 't', 's']).placed, new Map([['s', 0]]));
    assert.deepEqual(drain(plan), [boot('t', 1), boot('s', 2)]);
  });
});
