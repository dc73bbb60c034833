/**
 * Which boot an isolated run starts next, pure. The listing boot (`kunit.action=list`) must finish before
 * the run knows its boots, and kunit.py waits for it; here the other slots meanwhile start the boots the
 * previous run's listing (same kernel arguments and filters) predicts, longest first, so that no slot
 * idles at the start of the run. The listing, when it arrives, is the only truth: a predicted boot it
 * names is kept (its command line is exactly the one the listing would have given it), a predicted boot it
 * does not name is cancelled and its output dropped, and every boot not started yet is queued, longest
 * first from the recorded durations (list order with one job, as kunit.py).
 */

import { startOrder } from '../util/pool.js';

/** What to start in a free slot. `index` is the boot's place in the listing, unknown while predicted. */
export type PlannedJob =
  | { readonly kind: 'listing' }
  | { readonly kind: 'boot'; readonly glob: string; readonly index: number | undefined };

/** What the listing decided about the predicted boots already started. */
export interface Reconciliation {
  /** Predicted boots the listing does not hold: stop them and forget their results. */
  readonly cancel: readonly string[];
  /** Predicted boots the listing holds, with their place in it. */
  readonly placed: ReadonlyMap<string, number>;
}

export class BootPlan {
  readonly #durations: ReadonlyMap<string, number>;
  readonly #jobs: number;
  #listingStarted = false;
  #list: readonly string[] | undefined;
  /** Before the listing: predicted globs not started yet. After: indexes into the listing. */
  #predicted: string[];
  #queue: number[] = [];
  readonly #startedPredicted: string[] = [];

  /**
   * `predicted`: the boots the previous listing gave, in list order (ignored with one job: there is no
   * free slot while the listing runs). `durations`: recorded boot times by glob.
   */
  constructor(predicted: readonly string[], durations: ReadonlyMap<string, number>, jobs: number) {
    this.#durations = durations;
    this.#jobs = jobs;
    const unique = [...new Set(predicted)];
    this.#predicted = jobs > 1 ? this.#ordered(unique).map((i) => unique[i] as string) : [];
  }

  /** The next job for a free slot, or undefined when there is none now (the listing may bring more). */
  next(): PlannedJob | undefined {
    if (!this.#listingStarted) {
      this.#listingStarted = true;
      return { kind: 'listing' };
    }
    if (this.#list === undefined) {
      const glob = this.#predicted.shift();
      if (glob === undefined) return undefined;
      this.#startedPredicted.push(glob);
      return { kind: 'boot', glob, index: undefined };
    }
    const index = this.#queue.shift();
    if (index === undefined) return undefined;
    return { kind: 'boot', glob: this.#list[index] as string, index };
  }

  /** The listing's boots, in list order (after the shard selection). Call once. */
  listed(list: readonly string[]): Reconciliation {
    this.#list = list;
    this.#predicted = [];
    const free = new Map<string, number[]>();
    list.forEach((glob, i) => {
      free.set(glob, [...(free.get(glob) ?? []), i]);
    });
    const placed = new Map<string, number>();
    const cancel: string[] = [];
    for (const glob of this.#startedPredicted) {
      const index = free.get(glob)?.shift();
      if (index === undefined) cancel.push(glob);
      else placed.set(glob, index);
    }
    const taken = new Set(placed.values());
    this.#queue = this.#ordered(list).filter((i) => !taken.has(i));
    return { cancel, placed };
  }

  /** The listing's boots, once known. */
  get list(): readonly string[] | undefined {
    return this.#list;
  }

  #ordered(globs: readonly string[]): number[] {
    return startOrder(globs, this.#durations, this.#jobs);
  }
}
