import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ShardInfo } from '../../src/record/types.js';
import { mergeRecords } from '../../src/scale/merge.js';
import { partition } from '../../src/scale/shard.js';
import { VmunitError } from '../../src/util/errors.js';
import { check, record, test } from './records.js';

const LIST = ['setjmp', 'vmexit_cpuid', 'ioapic', 'sieve', 'smptest', 'xsave', 'rdpru'];
const VERDICT = {
  setjmp: 'PASS',
  vmexit_cpuid: 'PASS',
  ioapic: 'FAIL',
  sieve: 'PASS',
  smptest: 'SKIP',
} as const;

/** Three shard records of LIST, round-robin, with the recorded assignment. */
function shards(total = 3) {
  const groups = partition(LIST, total);
  const assignment = LIST.map((n) => groups.findIndex((g) => g.includes(n)) + 1);
  return groups.map((names, i) => {
    const info: ShardInfo = { index: i + 1, total, list: LIST, assignment };
    const tests = names.map((n) => test(n, VERDICT[n as keyof typeof VERDICT] ?? 'PASS', [check(`${n}-a`)]));
    return { source: `shard${i + 1}/record.json`, record: record(tests, info) };
  });
}

const invalid = (re: RegExp) => (e: unknown) =>
  e instanceof VmunitError && e.code === 'INPUT_INVALID' && re.test(e.message);

describe('mergeRecords', () => {
  it('every test of the list exactly once, in list order, with counts at both levels', () => {
    const merged = mergeRecords(shards(), ['vmunit', 'merge']);
    assert.deepEqual(
      merged.tests.map((t) => t.name),
      LIST,
    );
    assert.equal(merged.run.shard, undefined);
    assert.deepEqual(merged.run.command, ['vmunit', 'merge']);
    assert.equal(merged.counts.tests.total, 7);
    assert.equal(merged.counts.tests.failed, 1);
    assert.equal(merged.counts.tests.skipped, 1);
    assert.equal(merged.counts.checks.total, 7);
    assert.equal(merged.run.extra?.['merged-shards'], '1/3 2/3 3/3');
  });

  it('the order of the arguments does not matter', () => {
    const s = shards();
    assert.deepEqual(mergeRecords([...s].reverse()).tests, mergeRecords(s).tests);
  });

  it("a shard's missing record turns its tests into MISS naming the shard", () => {
    const [one, , three] = shards();
    const merged = mergeRecords([one, three].filter((x) => x !== undefined));
    const missing = merged.tests.filter((t) => t.verdict === 'MISS');
    const expected = partition(LIST, 3)[1] ?? [];
    assert.deepEqual(
      missing.map((t) => t.name),
      expected,
    );
    for (const t of missing) {
      assert.equal(t.reason, 'missing from shard 2/3 (no record for that shard)');
      assert.equal(t.status, 'FAILURE');
    }
    assert.equal(merged.counts.tests.missing, expected.length);
    assert.equal(merged.counts.tests.failed, merged.tests.filter((t) => t.verdict === 'FAIL').length);
  });

  it('a shard that stopped early: its unrun tests are MISS, and it says so', () => {
    const s = shards();
    const first = s[0];
    assert.ok(first !== undefined);
    const cut = { ...first, record: { ...first.record, tests: first.record.tests.slice(0, 1) } };
    const merged = mergeRecords([cut, ...s.slice(1)]);
    const miss = merged.tests.filter((t) => t.verdict === 'MISS');
    assert.ok(miss.length > 0);
    assert.match(miss[0]?.reason ?? '', /^missing from shard 1\/3 \(its record stops before this test\)$/);
  });

  it('a test in two records is an error naming both files', () => {
    const s = shards();
    const [a, b] = s;
    assert.ok(a !== undefined && b !== undefined);
    const dup = { ...b, record: { ...b.record, tests: [...b.record.tests, ...a.record.tests.slice(0, 1)] } };
    assert.throws(
      () => mergeRecords([a, dup]),
      invalid(/appears twice: in shard1\/record\.json and in shard2/),
    );
  });

  it('refuses records of different trees, lists or shard counts', () => {
    const [a, b] = shards();
    assert.ok(a !== undefined && b !== undefined);
    const otherTree = { ...b, record: record(b.record.tests, b.record.run.shard, 'def456') };
    assert.throws(() => mergeRecords([a, otherTree]), invalid(/not a shard of the same run/));
    const info = b.record.run.shard as ShardInfo;
    const otherList = { ...b, record: record(b.record.tests, { ...info, list: [...LIST, 'extra'] }) };
    assert.throws(() => mergeRecords([a, otherList]), invalid(/different test lists/));
    const otherTotal = { ...b, record: record(b.record.tests, { ...info, total: 4 }) };
    assert.throws(() => mergeRecords([a, otherTotal]), invalid(/is of 3/));
  });

  it('a test outside the list is refused', () => {
    const [a] = shards();
    assert.ok(a !== undefined);
    const extra = { ...a, record: { ...a.record, tests: [...a.record.tests, test('stray', 'PASS')] } };
    assert.throws(() => mergeRecords([extra]), invalid(/'stray' is not in the shards' list/));
  });

  it('an unsharded record merges to itself', () => {
    const whole = record(LIST.map((n) => test(n, 'PASS')));
    const merged = mergeRecords([{ source: 'r.json', record: whole }]);
    assert.deepEqual(
      merged.tests.map((t) => t.name),
      LIST,
    );
    assert.equal(merged.counts.tests.passed, LIST.length);
  });

  it('no record at all is a usage error', () => {
    assert.throws(
      () => mergeRecords([]),
      (e: unknown) => e instanceof VmunitError && e.code === 'USAGE',
    );
  });
});
