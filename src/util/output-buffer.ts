/**
 * Output collected as bytes and written in blocks: a big `vmunit parse` prints a line per test case, and
 * a write (or a string) per line would cost more than the parse. Text is encoded into the block as it
 * comes; lines whose text is already bytes (the parser's fast lane, ktap/fast-leaf.ts) are copied in
 * without ever becoming strings.
 */

import { waitDrain } from './pipe.js';

/** Block size: large writes, small enough to stay out of V8's large-object space. */
const BLOCK = 1 << 16;
/** Ranges up to this length are copied by a loop (copyBytes). */
const SHORT = 64;

/**
 * Copies source[start, end) into target at `at` (which must have room); returns the end of the copy.
 * Ranges up to SHORT are copied by a loop: a native copy costs more to call than it saves.
 */
export function copyBytes(
  source: Uint8Array,
  start: number,
  end: number,
  target: Uint8Array,
  at: number,
): number {
  if (end - start > SHORT) {
    target.set(source.subarray(start, end), at);
    return at + end - start;
  }
  let to = at;
  for (let i = start; i < end; i++) target[to++] = source[i] as number;
  return to;
}

/** A DataView of exactly `bytes` (a Buffer may be a slice of a larger, shared ArrayBuffer). */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Constant bytes (a line's head) prepared to be stored four at a time: a byte loop over a head of 20 bytes,
 * once per test case, was a large part of a big log's output cost, and a native copy costs more to call.
 */
export interface Words {
  readonly bytes: Uint8Array;
  /** The first bytes as little-endian 32-bit words; the last (length % 4) are copied byte by byte. */
  readonly words: Uint32Array;
}

export function wordsOf(bytes: Uint8Array): Words {
  const words = new Uint32Array(bytes.length >> 2);
  const view = viewOf(bytes);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(4 * i, true);
  return { bytes, words };
}

/**
 * Stores `w` into `target` (whose view is `view`) at `at`, which must have room; returns the end. Past
 * SHORT bytes a native copy is faster than the word loop (half the time at 106 bytes, the glue between two
 * of kunit.py's JSON test cases).
 */
export function storeWords(w: Words, target: Uint8Array, view: DataView, at: number): number {
  if (w.bytes.length > SHORT) {
    target.set(w.bytes, at);
    return at + w.bytes.length;
  }
  const words = w.words;
  let to = at;
  for (let i = 0; i < words.length; i++, to += 4) view.setUint32(to, words[i] as number, true);
  return copyBytes(w.bytes, 4 * words.length, w.bytes.length, target, to);
}

/**
 * Where an OutputBuffer's blocks go: `write` takes a block (false: wait for 'drain' before more), and
 * `reusable` says whether the block may be filled again at once (its bytes are in the kernel already).
 */
export interface BlockDestination {
  write(bytes: Uint8Array): boolean;
  reusable(): boolean;
  /** The stream to wait on for 'drain', if any. */
  readonly stream?: NodeJS.WritableStream;
}

/**
 * A stream as a block destination. A descriptor's stream that holds nothing after a write has handed the
 * bytes to the kernel (a file, a pipe on Linux): its block is filled again, where a new block each time
 * would cost page faults and GC pressure from external memory. Any other stream (a test's collector) may
 * keep what it was given.
 */
export function streamBlocks(out: NodeJS.WritableStream): BlockDestination {
  const held = out as NodeJS.WritableStream & { writableLength?: number; fd?: unknown };
  return {
    write: (bytes) => out.write(bytes),
    reusable: () => typeof held.fd === 'number' && held.writableLength === 0,
    stream: out,
  };
}

/**
 * How text becomes bytes: UTF-8, or 'latin1' for text that is ASCII by its format (kunit.py's JSON), where
 * the same bytes come from a copy instead of an encoding.
 */
export type OutputEncoding = 'utf8' | 'latin1';

export class OutputBuffer {
  readonly #out: BlockDestination;
  readonly #encoding: OutputEncoding;
  /** Bytes a UTF-16 unit may take in #encoding. */
  readonly #unitBytes: number;
  /** The block being filled; one the destination still holds is never written again. */
  #block = Buffer.allocUnsafe(BLOCK);
  /** The block, written four bytes at a time (the heads of writeLines). */
  #view = viewOf(this.#block);
  #used = 0;
  /** writeLines's last head. */
  #head: Words = wordsOf(new Uint8Array(0));

  /** Blocks to a stream, or to a block destination; text is encoded as `encoding`. */
  constructor(out: NodeJS.WritableStream | BlockDestination, encoding: OutputEncoding = 'utf8') {
    this.#out = 'reusable' in out ? out : streamBlocks(out);
    this.#encoding = encoding;
    // UTF-8 takes at most 3 bytes per UTF-16 unit.
    this.#unitBytes = encoding === 'utf8' ? 3 : 1;
  }

  write = (text: string): void => {
    const most = this.#unitBytes * text.length;
    if (most > BLOCK - this.#used) {
      this.flush();
      if (most > BLOCK) {
        this.#out.write(Buffer.from(text, this.#encoding));
        return;
      }
    }
    this.#used += this.#block.write(text, this.#used, this.#encoding);
  };

  /**
   * Bytes already in the output's encoding, after the text before them. Bytes longer than a block go to
   * the destination as they are, which may keep them: the caller must not change them afterwards.
   */
  writeBytes = (bytes: Uint8Array): void => {
    if (bytes.length > BLOCK - this.#used) {
      this.flush();
      if (bytes.length > BLOCK) {
        this.#out.write(bytes);
        return;
      }
    }
    this.#used = copyBytes(bytes, 0, bytes.length, this.#block, this.#used);
  };

  /**
   * Lines of bytes: for each k < count, `head`, bytes[spans[2k], spans[2k + 1]) and a line break, after the
   * text before them; in the output's encoding already (ASCII). A line longer than a block is written alone.
   */
  writeLines = (head: Uint8Array, bytes: Uint8Array, spans: Int32Array, count: number): void => {
    // The head (a line's time stamp and status) is the same for a second's lines.
    if (head !== this.#head.bytes) this.#head = wordsOf(head);
    for (let k = 0; k < count; k++) {
      const start = spans[2 * k] as number;
      const end = spans[2 * k + 1] as number;
      const size = head.length + (end - start) + 1;
      if (size > BLOCK - this.#used) {
        this.flush();
        if (size > BLOCK) {
          this.#out.write(Buffer.concat([head, bytes.subarray(start, end), Buffer.from('\n')]));
          continue;
        }
      }
      const block = this.#block;
      const at = copyBytes(bytes, start, end, block, storeWords(this.#head, block, this.#view, this.#used));
      block[at] = 10;
      this.#used = at + 1;
    }
  };

  /** Writes what was collected; false when the destination asks the caller to wait for 'drain'. */
  flush(): boolean {
    if (this.#used === 0) return true;
    const ok = this.#out.write(this.#block.subarray(0, this.#used));
    this.#used = 0;
    if (!this.#out.reusable()) {
      this.#block = Buffer.allocUnsafe(BLOCK);
      this.#view = viewOf(this.#block);
    }
    return ok;
  }

  /** Flushes and, if the destination is full (a slow pipe), waits: memory stays bounded on huge logs. */
  async flushAndWait(): Promise<void> {
    const stream = this.#out.stream;
    if (!this.flush() && stream !== undefined) await waitDrain(stream);
  }
}
