/**
 * The one `-j` pool, shared by the guest runner, the kernel tool's isolated boots and the unit library.
 * With one job, items start in list order (as run_tests.sh and kunit.py). With several, the items that took
 * longest in the previous run start first, so a long item does not start last and stretch the wall time;
 * items with no recorded duration keep their list order ahead of known ones (they may be long).
 */

import { availableParallelism } from 'node:os';

/** `-j auto` → the number of CPUs; otherwise a positive integer. Returns undefined when invalid. */
export function parseJobs(text: string, cpus: number = availableParallelism()): number | undefined {
  if (text === 'auto') return Math.max(1, cpus);
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n > 0 ? n : undefined;
}

/** Start order: indexes into `names`. Pure. */
export function startOrder(
  names: readonly string[],
  durations: ReadonlyMap<string, number>,
  jobs: number,
): number[] {
  const order = names.map((_, i) => i);
  if (jobs <= 1) return order;
  const key = (i: number): number => {
    const d = durations.get(names[i] ?? '');
    return d === undefined ? Number.POSITIVE_INFINITY : d;
  };
  // Array.prototype.sort is stable, so equal keys keep cfg order.
  return order.sort((a, b) => key(b) - key(a));
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
