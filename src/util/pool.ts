/**
 * The one `-j` pool, shared by the guest runner, the kernel tool's isolated boots and the unit library.
 * With one job, items start in list order (as run_tests.sh and kunit.py). With several, the items that took
 * longest in the previous run start first, so a long item does not start last and stretch the wall time;
 * items with no recorded duration start ahead of known ones (they may be long), the longest hinted first
 * (the guest runner hints with each test's cfg timeout: an author who raises it says the test is long).
 */

import { availableParallelism } from 'node:os';

/** `-j auto` → the number of CPUs; otherwise a positive integer. Returns undefined when invalid. */
export function parseJobs(text: string, cpus: number = availableParallelism()): number | undefined {
  if (text === 'auto') return Math.max(1, cpus);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/** Start order: indexes into `names`; `hints[i]` orders the items with no recorded duration. Pure. */
export function startOrder(
  names: readonly string[],
  durations: ReadonlyMap<string, number>,
  jobs: number,
  hints: readonly number[] = [],
): number[] {
  const order = names.map((_, i) => i);
  if (jobs <= 1) return order;
  const known = (i: number): number | undefined => durations.get(names[i] ?? '');
  // Array.prototype.sort is stable, so equal keys keep list order.
  return order.sort((a, b) => {
    const da = known(a);
    const db = known(b);
    if (da === undefined && db === undefined) return (hints[b] ?? 0) - (hints[a] ?? 0);
    if (da === undefined || db === undefined) return da === undefined ? -1 : 1;
    return db - da;
  });
}

/**
 * Runs `work(item, index)` for every item with at most `jobs` at once, in `order` (indexes into `items`).
 * Stops starting new items once `signal` aborts; resolves when every started item has finished.
 */
export async function runPool<T>(
  items: readonly T[],
  order: readonly number[],
  jobs: number,
  work: (item: T, index: number) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < order.length && !signal?.aborted) {
      const index = order[next++] ?? -1;
      const item = items[index];
      if (item !== undefined) await work(item, index);
    }
  };
  const lanes = Array.from({ length: Math.max(1, Math.min(jobs, order.length)) }, lane);
  await Promise.all(lanes);
}
