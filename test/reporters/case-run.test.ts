import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PassedLeaves } from '../../src/ktap/fast-leaf.js';
import { CaseRuns, caseBytesOf } from '../../src/reporters/case-run.js';

/** The fast lane's record for `names`, as the parser fills it: the names inside KTAP lines of a chunk. */
function leavesOf(names: readonly string[], first = 1): PassedLeaves {
  const leaves = new PassedLeaves();
  let text = '';
  names.forEach((name, k) => {
    text += `    ok ${first + k} `;
    leaves.names[2 * k] = text.length;
    text += name;
    leaves.names[2 * k + 1] = text.length;
    text += '\n';
  });
  Object.assign(leaves, {
    parentId: 'p',
    first,
    order: first,
    count: names.length,
    depth: 1,
    bytes: Buffer.from(text),
  });
  return leaves;
}

/** A renderer's case: `<name>`, separated by ',', with '!' escaped. */
const frame = caseBytesOf({
  head: Buffer.from('<'),
  tail: Buffer.from('>'),
  separator: Buffer.from(','),
  escaped: Uint8Array.from({ length: 256 }, (_, c) => (c === 0x21 ? 1 : 0)),
});

const text = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('latin1');

describe('runs of fast-lane cases (reporters/case-run.ts)', () => {
  it('joins the cases of one parent, stops at a name it must escape, and closes with the tail', () => {
    const runs = new CaseRuns<string>();
    assert.equal(runs.close(), undefined);
    assert.equal(runs.add('a', frame, leavesOf(['x', 'yy', 'b!d', 'z']), 0), 2);
    assert.equal(runs.continues('a'), true);
    assert.equal(runs.continues('b'), false);
    // The escaped name stays out: the caller renders it, after closing the run.
    const closed = runs.close();
    assert.equal(closed?.parent, 'a');
    assert.equal(closed?.first, 1);
    assert.equal(text(closed?.bytes), '<x>,<yy>');
    assert.equal(runs.continues('a'), false);
    assert.equal(runs.add('a', frame, leavesOf(['w', 'v'], 4), 0), 2);
    assert.equal(runs.add('a', frame, leavesOf(['u'], 6), 0), 1);
    const next = runs.close();
    assert.equal(next?.first, 4);
    assert.equal(text(next?.bytes), '<w>,<v>,<u>');
  });

  it('opens no run when the first name must be escaped', () => {
    const runs = new CaseRuns<string>();
    assert.equal(runs.add('a', frame, leavesOf(['!', 'x']), 0), 0);
    assert.equal(runs.close(), undefined);
    assert.equal(runs.add('a', frame, leavesOf(['!', 'x']), 1), 2);
    assert.equal(runs.close()?.first, 2);
  });

  it('ends a run past its byte limit, and never writes over the bytes of a run it closed', () => {
    const runs = new CaseRuns<string>();
    const names = Array.from({ length: 1000 }, (_, k) => `case_${k}_${'n'.repeat(200)}`);
    const closed = [];
    let batches = 0;
    while (runs.continues('a') || batches === 0) {
      assert.equal(runs.add('a', frame, leavesOf(names, 1 + 1000 * batches), 0), 1000);
      batches++;
    }
    // Past 1 MiB: more than the chunk a run starts in, so it moved to a bigger one on the way.
    assert.ok(batches > 4 && batches < 7, `${batches} batches`);
    closed.push(runs.close());
    const copy = Buffer.from(closed[0]?.bytes ?? []);
    for (let k = 0; k < 3; k++) {
      runs.add('b', frame, leavesOf(names), 0);
      closed.push(runs.close());
    }
    assert.deepEqual(Buffer.from(closed[0]?.bytes ?? []), copy);
    const one = names.map((n) => `<${n}>`).join(',');
    assert.equal(text(closed[0]?.bytes), Array.from({ length: batches }, () => one).join(','));
    for (const run of closed.slice(1)) assert.equal(text(run?.bytes), one);
  });
});
