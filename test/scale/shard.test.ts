import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseShardFlag, partition, resolveShard, shardNames } from '../../src/scale/shard.js';
import { VmunitError } from '../../src/util/errors.js';

const usageError = (re: RegExp) => (e: unknown) =>
  e instanceof VmunitError && e.code === 'USAGE' && re.test(e.message);

/** A deterministic shuffle (LCG), so the property tests are reproducible. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const NAMES = Array.from({ length: 87 }, (_, i) => `test_${(i * 7919) % 1000}`);

describe('parseShardFlag', () => {
  it('reads i/N, 1-based', () => {
    assert.deepEqual(parseShardFlag('2/4'), { index: 2, total: 4 });
    assert.deepEqual(parseShardFlag('1/1'), { index: 1, total: 1 });
  });
  it('refuses 0/N, i>N, N=0 and junk', () => {
    assert.throws(() => parseShardFlag('0/3'), usageError(/outside 1\.\.3/));
    assert.throws(() => parseShardFlag('4/3'), usageError(/outside 1\.\.3/));
    assert.throws(() => parseShardFlag('1/0'), usageError(/at least 1/));
    assert.throws(() => parseShardFlag('two'), usageError(/i\/N/));
  });
});

describe('resolveShard: flags and CI variables', () => {
  it('no flag and no variables: the whole list', () => {
    assert.equal(resolveShard({}, {}), undefined);
  });
  it("GitLab's CI_NODE_TOTAL=1 alone (every job without parallel:) means no sharding", () => {
    assert.equal(resolveShard({}, { CI_NODE_TOTAL: '1' }), undefined);
    assert.deepEqual(resolveShard({ shard: '2/3' }, { CI_NODE_TOTAL: '1' }), {
      index: 2,
      total: 3,
      source: '--shard',
    });
  });
  it('GitLab parallel: CI_NODE_INDEX is 1-based', () => {
    const s = resolveShard({}, { CI_NODE_INDEX: '3', CI_NODE_TOTAL: '4' });
    assert.deepEqual(s, { index: 3, total: 4, source: 'CI_NODE_INDEX/CI_NODE_TOTAL' });
  });
  it('Kubernetes: JOB_COMPLETION_INDEX is 0-based and needs a total', () => {
    assert.deepEqual(resolveShard({ shardTotal: '4' }, { JOB_COMPLETION_INDEX: '0' }), {
      index: 1,
      total: 4,
      source: 'JOB_COMPLETION_INDEX',
    });
    assert.equal(resolveShard({}, { JOB_COMPLETION_INDEX: '3', VMUNIT_SHARD_TOTAL: '4' })?.index, 4);
    assert.throws(() => resolveShard({}, { JOB_COMPLETION_INDEX: '0' }), usageError(/--shard-total N/));
    assert.throws(
      () => resolveShard({ shardTotal: '4' }, { JOB_COMPLETION_INDEX: '4' }),
      usageError(/outside 1\.\.4/),
    );
  });
  it('--shard wins over the variables, but the totals must agree', () => {
    assert.equal(resolveShard({ shard: '1/4' }, { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '4' })?.index, 1);
    assert.throws(
      () => resolveShard({ shard: '1/3' }, { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '4' }),
      usageError(/--shard says 3 shards but CI_NODE_TOTAL=4/),
    );
    assert.throws(() => resolveShard({ shard: '1/3', shardTotal: '2' }, {}), usageError(/--shard-total=2/));
  });
  it('an index out of range, or a total with no index, is a usage error', () => {
    assert.throws(() => resolveShard({}, { CI_NODE_INDEX: '5', CI_NODE_TOTAL: '4' }), usageError(/outside/));
    assert.throws(() => resolveShard({}, { CI_NODE_INDEX: '1' }), usageError(/without CI_NODE_TOTAL/));
    assert.throws(() => resolveShard({ shardTotal: '3' }, {}), usageError(/no shard index/));
    assert.throws(() => resolveShard({}, { VMUNIT_SHARD_TOTAL: 'x' }), usageError(/positive integer/));
  });
});

describe('partition: properties', () => {
  for (const total of [1, 2, 3, 4, 7, 100]) {
    it(`every test exactly once over ${total} shards, stable under re-ordering`, () => {
      const groups = partition(NAMES, total);
      assert.equal(groups.length, total);
      assert.deepEqual(groups.flat().sort(), [...NAMES].sort());
      for (const seed of [1, 2, 3]) {
        const again = partition(shuffled(NAMES, seed), total);
        assert.deepEqual(
          again.map((g) => [...g].sort()),
          groups.map((g) => [...g].sort()),
        );
      }
      const sizes = groups.map((g) => g.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `round-robin sizes ${sizes}`);
    });
  }

  it('round-robin over the sorted names, each shard in input order', () => {
    assert.deepEqual(partition(['d', 'a', 'c', 'b', 'e'], 2), [
      ['a', 'c', 'e'],
      ['d', 'b'],
    ]);
    assert.deepEqual(shardNames(['d', 'a', 'c', 'b', 'e'], { index: 2, total: 2 }), ['d', 'b']);
  });

  it('with durations: longest first into the least-loaded shard', () => {
    const durations = new Map([
      ['a', 100],
      ['b', 60],
      ['c', 50],
      ['d', 40],
      ['e', 10],
    ]);
    // a→1; b→2; c→2 (60<100); d→1? loads 100 vs 110 → 1; e → 2 (140 vs 110)
    assert.deepEqual(partition(['a', 'b', 'c', 'd', 'e'], 2, durations), [
      ['a', 'd'],
      ['b', 'c', 'e'],
    ]);
  });

  it('balanced by durations: the slowest shard is within one test of the fastest', () => {
    const durations = new Map(NAMES.map((n, i) => [n, 1 + ((i * 37) % 90)]));
    for (const total of [2, 3, 4]) {
      const loads = partition(NAMES, total, durations).map((g) =>
        g.reduce((sum, n) => sum + (durations.get(n) ?? 0), 0),
      );
      const longest = Math.max(...durations.values());
      assert.ok(Math.max(...loads) - Math.min(...loads) <= longest, `loads ${loads}`);
      const rr = partition(NAMES, total).map((g) => g.reduce((s, n) => s + (durations.get(n) ?? 0), 0));
      assert.ok(Math.max(...loads) <= Math.max(...rr), `LPT ${loads} vs round-robin ${rr}`);
    }
  });

  it('tests without a recorded duration count as the mean, and the partition stays deterministic', () => {
    const durations = new Map([
      ['a', 30],
      ['b', 10],
    ]);
    const one = partition(['c', 'a', 'b', 'd'], 2, durations);
    assert.deepEqual(one.flat().sort(), ['a', 'b', 'c', 'd']);
    assert.deepEqual(
      partition(['d', 'b', 'a', 'c'], 2, durations).map((g) => [...g].sort()),
      one.map((g) => [...g].sort()),
    );
  });

  it('more shards than tests leaves empty shards, never a duplicate', () => {
    const groups = partition(['x', 'y'], 4);
    assert.deepEqual(groups, [['x'], ['y'], [], []]);
  });
});
