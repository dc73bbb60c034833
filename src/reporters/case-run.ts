/**
 * Runs of the parser's fast-lane cases (ktap/fast-leaf.ts) as the tree reporters' bytes: consecutive passing
 * cases of one parent are copied, separators included, into one byte range that stands for all of them in
 * the parent's text (tree-stream.ts). The bytes stay bytes until the document's writer copies them out: a
 * million cases decoded to strings, joined and encoded back cost more than the copy itself.
 *
 * Runs follow each other in a chunk, and a closed run is a view of it, so bytes once given are never written
 * over: a full chunk is left to the views that still hold it.
 */

import type { PassedLeaves } from '../ktap/fast-leaf.js';
import { storeWords, viewOf, type Words, wordsOf } from '../util/output-buffer.js';

/**
 * A passing test case as bytes around its name, at one level: what a renderer gives for it, split so that
 * fast-lane cases (ASCII bytes) are copied into the text without strings.
 */
export interface PassedCaseBytes {
  readonly head: Buffer;
  readonly tail: Buffer;
  /** What the parent's text puts between two of its children. */
  readonly separator: Buffer;
  /** 1 for each byte a name must not have to be written as it is (the renderer would escape it). */
  readonly escaped: Uint8Array;
}

/** PassedCaseBytes as stored: `glue` goes between two cases' names (tail, separator, head). */
export interface CaseBytes {
  readonly head: Words;
  readonly glue: Words;
  readonly tail: Words;
  readonly escaped: Uint8Array;
}

export function caseBytesOf({ head, tail, separator, escaped }: PassedCaseBytes): CaseBytes {
  return {
    head: wordsOf(head),
    glue: wordsOf(Buffer.concat([tail, separator, head])),
    tail: wordsOf(tail),
    escaped,
  };
}

/** A closed run: its parent, the index of its first case, and its bytes. */
export interface ClosedRun<P> {
  readonly parent: P;
  readonly first: number;
  readonly bytes: Uint8Array;
}

/** A run ends past this many bytes, so that the chunk it must fit in stays small. */
const RUN_LIMIT = 1 << 20;
const CHUNK = 1 << 18;
const NONE = Buffer.alloc(0);

/** The open run of cases (one at a time: anything else that happens to its parent closes it). */
export class CaseRuns<P> {
  #parent: P | undefined;
  /** The index of the open run's first case. */
  #first = 0;
  #chunk: Buffer = NONE;
  /** `#chunk`, for storeWords. */
  #view = viewOf(NONE);
  /** Where the open run starts in the chunk, and the end of its cases but the last one's tail. */
  #start = 0;
  #used = 0;
  #tail: Words = wordsOf(NONE);

  /**
   * Whether more cases of `parent` join the open run: the caller closes the run whenever anything else
   * happens to its parent, so the next cases of the same parent follow its last.
   */
  continues(parent: P): boolean {
    // Both fields are read each time (no short circuit): V8 optimizes this while no run continues yet, and
    // a read it had never seen made it throw the optimized code away when one first did.
    const same = this.#parent === parent;
    const small = this.#used - this.#start <= RUN_LIMIT;
    return same && small;
  }

  /**
   * Copies the cases of `leaves` from the `from`-th on into the open run (which it opens, for `parent`, if
   * none is), up to the first whose name has a byte `frame` escapes; returns the index of the first case not
   * copied. A run that got no case stays closed.
   */
  add(parent: P, frame: CaseBytes, leaves: PassedLeaves, from: number): number {
    if (this.#parent === undefined) {
      this.#first = leaves.order + from;
      this.#tail = frame.tail;
    }
    // Room for every case (a name is no longer than the bytes it spans), and the tail `close` adds.
    const { names, count } = leaves;
    const nameBytes = (names[2 * count - 1] as number) - (names[2 * from] as number);
    const room =
      (count - from) * frame.glue.bytes.length +
      nameBytes +
      frame.head.bytes.length +
      frame.tail.bytes.length;
    if (this.#used + room > this.#chunk.length) this.#newChunk(room);
    const copied = this.#copy(frame, leaves, from);
    if (copied > from) this.#parent = parent;
    return copied;
  }

  /**
   * The loop of `add`, on its own so that V8 optimizes it apart from the bookkeeping around it: that one is
   * optimized while some of its branches have not run yet, and each deoptimization recompiled the loop too.
   */
  #copy(frame: CaseBytes, leaves: PassedLeaves, from: number): number {
    const { head, glue, escaped } = frame;
    const { bytes: name, names, count } = leaves;
    const out = this.#chunk;
    const view = this.#view;
    const start = this.#start;
    let at = this.#used;
    let k = from;
    for (; k < count; k++) {
      // A run's bytes end with the tail only once `close` closes it: between two cases goes tail + separator
      // + head, stored in one go.
      const before = at;
      at = storeWords(at === start ? head : glue, out, view, at);
      // The name is checked as it is copied; one the renderer would escape is taken back and ends the batch.
      const end = names[2 * k + 1] as number;
      let escapes = 0;
      for (let i = names[2 * k] as number; i < end; i++) {
        const c = name[i] as number;
        escapes |= escaped[c] as number;
        out[at++] = c;
      }
      if (escapes !== 0) {
        at = before;
        break;
      }
    }
    this.#used = at;
    return k;
  }

  /** Closes the open run, if any. */
  close(): ClosedRun<P> | undefined {
    const parent = this.#parent;
    if (parent === undefined) return undefined;
    this.#parent = undefined;
    const end = storeWords(this.#tail, this.#chunk, this.#view, this.#used);
    const bytes = this.#chunk.subarray(this.#start, end);
    this.#start = end;
    this.#used = end;
    return { parent, first: this.#first, bytes };
  }

  /** A new chunk with `room` bytes free after the open run's bytes, which move to its start. */
  #newChunk(room: number): void {
    const used = this.#used - this.#start;
    const chunk = Buffer.allocUnsafe(Math.max(CHUNK, 2 * (used + room)));
    this.#chunk.copy(chunk, 0, this.#start, this.#used);
    this.#chunk = chunk;
    this.#view = viewOf(chunk);
    this.#start = 0;
    this.#used = used;
  }
}
