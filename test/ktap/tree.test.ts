import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TreeBuilder } from '../../src/ktap/tree.js';

describe('TreeBuilder run facts', () => {
  it('keeps the first run:start, and the last elapsedMs and any interruption from run:end', () => {
    const b = new TreeBuilder();
    assert.equal(b.elapsedMs, undefined);
    b.push({ type: 'run:start', producer: 'ktap', name: 'first' });
    b.push({ type: 'run:start', producer: 'ktap', name: 'second' });
    b.push({ type: 'run:end', elapsedMs: 120, interrupted: true });
    b.push({ type: 'run:end' });
    assert.equal(b.runStart?.name, 'first');
    assert.equal(b.elapsedMs, 120);
    assert.equal(b.interrupted, true);
    b.push({ type: 'run:end', elapsedMs: 400 });
    assert.equal(b.elapsedMs, 400);
  });
});
