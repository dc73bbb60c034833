import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OpenTests } from '../../src/events/open-tests.js';
import { prng } from '../prng.js';

describe('OpenTests', () => {
  it('behaves as a Map on random starts, lookups and finishes (ids unique while open)', () => {
    const rnd = prng(3);
    const open = new OpenTests<number>();
    const map = new Map<string, number>();
    let next = 0;
    for (let n = 0; n < 20_000; n++) {
      const r = rnd();
      const ids = [...map.keys()];
      const some = ids[Math.floor(rnd() * ids.length)] ?? 'none';
      if (r < 0.4) {
        const id = `t${next++}`;
        open.set(id, n);
        map.set(id, n);
      } else if (r < 0.7) {
        assert.equal(open.delete(some), map.delete(some));
      } else {
        assert.equal(open.get(some), map.get(some));
        assert.equal(open.has(some), map.has(some));
      }
      if (n % 97 === 0) assert.deepEqual(open.values(), [...map.values()]);
    }
  });
});
