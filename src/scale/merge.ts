/**
 * `vmunit merge`: one record from the records of a sharded run. Every test of the shards' common list must
 * appear exactly once: a missing one becomes MISS (a failure whose reason names the shard that should have
 * run it), a test run twice or a test outside the list is an error, and records of different trees, runs
 * or lists are refused rather than silently combined. Pure: records in, record out.
 */

import { emptyLevelCounts } from '../record/counts.js';
import type { RecordTest, RunMeta, RunRecord, ShardInfo } from '../record/types.js';
import { VmunitError } from '../util/errors.js';
import { recountRecord } from './record-counts.js';

/** A record and where it was read from (for messages). */
export interface MergeInput {
  readonly source: string;
  readonly record: RunRecord;
}

const refuse = (message: string): VmunitError => new VmunitError('INPUT_INVALID', message);

/** A record without shard facts is a whole run: shard 1/1 over its own tests. */
function shardOf(r: RunRecord): ShardInfo {
  return r.run.shard ?? { index: 1, total: 1, list: r.tests.map((t) => t.name) };
}

/** What must be equal for two records to be shards of one run. */
function identity(run: RunMeta): string {
  const tree = run.tree?.head ?? run.tree?.dir ?? run.name;
  return `${run.producer} ${run.arch ?? '-'} ${tree}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((n) => set.has(n));
}

/** Refuses inputs that are not shards of one run (different tree, list or shard count). */
function checkCompatible(inputs: readonly MergeInput[]): void {
  const [first, ...rest] = inputs;
  if (first === undefined) throw new VmunitError('USAGE', 'merge needs at least one record');
  const base = shardOf(first.record);
  for (const other of rest) {
    const shard = shardOf(other.record);
    const a = identity(first.record.run);
    const b = identity(other.record.run);
    if (a !== b)
      throw refuse(`${other.source} is not a shard of the same run as ${first.source} (${b} vs ${a})`);
    if (shard.total !== base.total) {
      throw refuse(
        `${other.source} is shard ${shard.index}/${shard.total} but ${first.source} is of ${base.total}`,
      );
    }
    if (!sameList(shard.list, base.list)) {
      throw refuse(`${other.source} and ${first.source} partitioned different test lists`);
    }
  }
}

/** Which shard should have run `name`: from the recorded assignment when there is one. */
function ownerOf(name: string, info: ShardInfo): number | undefined {
  const at = info.list.indexOf(name);
  return at < 0 ? undefined : info.assignment?.[at];
}

function missReason(name: string, info: ShardInfo, present: ReadonlySet<number>): string {
  const owner = ownerOf(name, info);
  if (owner === undefined) return `missing from every shard record (${present.size} of ${info.total} given)`;
  const why = present.has(owner) ? 'its record stops before this test' : 'no record for that shard';
  return `missing from shard ${owner}/${info.total} (${why})`;
}

function missTest(name: string, reason: string): RecordTest {
  return {
    id: name,
    name,
    verdict: 'MISS',
    status: 'FAILURE',
    reason,
    checks: [],
    counts: emptyLevelCounts(),
  };
}

/** Ids and numbers belong to the shard's own run; the merged record numbers tests by list position. */
function renumbered(t: RecordTest): RecordTest {
  const { node, root: _root, ...rest } = t;
  if (node === undefined) return rest;
  const { id: _id, index: _index, number: _number, ...facts } = node;
  return Object.keys(facts).length === 0 ? rest : { ...rest, node: facts };
}

function mergedMeta(inputs: readonly MergeInput[], command: readonly string[]): RunMeta {
  const runs = inputs.map((i) => i.record.run);
  const byIndex = [...inputs].sort((a, b) => shardOf(a.record).index - shardOf(b.record).index);
  const { shard: _shard, elapsedMs: _elapsed, ...base } = (byIndex[0] as MergeInput).record.run;
  const starts = runs.map((r) => r.startTime).sort();
  const ends = runs.flatMap((r) => (r.endTime === undefined ? [] : [r.endTime])).sort();
  const last = ends[ends.length - 1];
  return {
    ...base,
    command,
    startTime: starts[0] ?? base.startTime,
    ...(last === undefined ? {} : { endTime: last }),
    complete: runs.every((r) => r.complete),
    interrupted: runs.some((r) => r.interrupted),
    extra: {
      ...base.extra,
      'merged-shards': byIndex.map((i) => `${shardOf(i.record).index}/${shardOf(i.record).total}`).join(' '),
    },
  };
}

/** The merged record, in the list's order. `command` is what the user typed to merge. */
export function mergeRecords(inputs: readonly MergeInput[], command: readonly string[] = []): RunRecord {
  checkCompatible(inputs);
  const first = inputs[0] as MergeInput;
  const info = shardOf(first.record);
  const listed = new Set(info.list);
  const found = new Map<string, { test: RecordTest; source: string }>();
  for (const { source, record } of inputs) {
    for (const test of record.tests) {
      if (!listed.has(test.name)) throw refuse(`${source}: test '${test.name}' is not in the shards' list`);
      const seen = found.get(test.name);
      if (seen !== undefined) {
        throw refuse(`test '${test.name}' appears twice: in ${seen.source} and in ${source}`);
      }
      found.set(test.name, { test, source });
    }
  }
  const present = new Set(inputs.map((i) => shardOf(i.record).index));
  const tests = info.list.map((name) => {
    const hit = found.get(name);
    return hit === undefined ? missTest(name, missReason(name, info, present)) : renumbered(hit.test);
  });
  const roots = first.record.roots;
  return recountRecord({
    ...first.record,
    run: mergedMeta(inputs, command),
    ...(roots === undefined ? {} : { roots: roots.slice(0, 1) }),
    tests,
  });
}
