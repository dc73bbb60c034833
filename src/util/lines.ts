/**
 * Byte stream → lines. Handles chunks that split lines (and multi-byte characters), CRLF and lone CR line
 * ends, and invalid UTF-8 (replaced with U+FFFD, never thrown). A line longer than `maxLineBytes` is cut into
 * pieces so a guest that floods without newlines cannot exhaust memory.
 *
 * Two options reproduce how kunit.py reads a log, so parsed text matches it byte for byte:
 * `invalidUtf8: 'backslash'` (Python's errors='backslashreplace': an invalid byte becomes `\xNN`) and
 * `breaks: 'splitlines'` (Python's str.splitlines(), used on a file: also VT, FF, FS, GS, RS, NEL, LS, PS).
 */

import { StringDecoder } from 'node:string_decoder';
import { BackslashReplaceDecoder } from './utf8-backslash.js';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * The bytes of a line that decodes alone, one character per byte, under either option: ASCII but the
 * line breaks (CR; VT, FF, FS, GS and RS for str.splitlines()). Most lines of a kernel log are such.
 */
const ONE_LINE_ASCII = new Uint8Array(256);
for (let c = 0; c < 0x80; c++) ONE_LINE_ASCII[c] = 1;
for (const c of [0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e]) ONE_LINE_ASCII[c] = 0;

export interface LineSplitterOptions {
  /** 'replace' (default): U+FFFD. 'backslash': Python's backslashreplace. */
  readonly invalidUtf8?: 'replace' | 'backslash';
  /** 'universal' (default): LF, CRLF, CR. 'splitlines': Python's str.splitlines() boundaries too. */
  readonly breaks?: 'universal' | 'splitlines';
}

/**
 * A copy of `s` that does not point into the decoded chunk it was cut from. V8 represents `chunk.slice()`
 * as a view that keeps the whole chunk (64 KiB) alive: one retained line (a suite name, a log line of an
 * unfinished test) would pin every chunk it came from, and on a gigabyte log the promoted chunks inflate the
 * heap. Prepending a character forces a flat copy of just the line.
 */
function detach(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/**
 * Where `LineSplitter.each` hands lines: complete lines of a byte chunk in place, as bytes, when the
 * consumer can take them so (no decoding, no string), else as strings (an ASCII line decoded alone, other
 * lines through the decoder in runs). A consumer that only counts most lines needs no string for them.
 */
export interface LineVisitor {
  /**
   * Offered the lines of bytes[start, end) from `start` on, every line before them given: takes as many
   * complete lines (ending with LF before `end`) as it can, in place, and returns where the lines it took
   * end (`start` for none: the line then comes as a string). A line it takes must be one line of ASCII
   * text: no other break (CR; VT, FF, FS, GS, RS with 'splitlines') and no byte above 0x7f.
   */
  take(bytes: Buffer, start: number, end: number): number;
  line(line: string): void;
}

const typedIndexOf = Uint8Array.prototype.indexOf;

/**
 * The first LF in bytes at or after `from`, or -1. V8's own search, not Buffer's: Buffer.indexOf is
 * JavaScript around it, which V8 compiles again (twice) as a hot function of its own at every run.
 */
function indexOfLf(bytes: Uint8Array, from: number): number {
  return typedIndexOf.call(bytes, 10, from);
}

/** Bytes of an open line held before they are decoded anyway (a writer that never ends its line). */
const HOLD_BYTES = 64 * 1024;

/**
 * Incremental splitter: `push(chunk)` returns the complete lines in it; `end()` flushes the rest.
 * A live console reaches its reader a few bytes at a time (QEMU writes each character a guest sends to its
 * serial port): with LF/CR breaks, byte chunks without a line break are held as they came and decoded and
 * split with the chunk that ends the line, once per line rather than once per chunk.
 */
export class LineSplitter {
  readonly #decoder: { write(b: Buffer): string; end(): string };
  readonly #maxLine: number;
  /** Line boundaries, found by the regex engine (much faster than a JavaScript loop per character). */
  readonly #breaks: RegExp;
  /** Any boundary but LF: a chunk without one is split by String.split, the fastest way there is. */
  readonly #otherBreaks: RegExp;
  #pending = '';
  /** Byte chunks held without a line break (universal breaks only), and their length. */
  #held: Buffer[] = [];
  #heldBytes = 0;
  /** Past this many characters an open line is decoded at once: never later than a cut would be. */
  readonly #holdLimit: number;
  #lastWasCr = false;
  /** The last chunk ended inside a line: it may have left part of a line, a UTF-8 sequence or a CRLF. */
  #dirty = false;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES, options: LineSplitterOptions = {}) {
    this.#maxLine = maxLineBytes;
    this.#decoder =
      options.invalidUtf8 === 'backslash' ? new BackslashReplaceDecoder() : new StringDecoder('utf8');
    const splitlines = options.breaks === 'splitlines';
    // str.splitlines() has breaks a byte search for LF and CR would miss: a file's chunks are large anyway.
    this.#holdLimit = splitlines ? 0 : Math.min(HOLD_BYTES, maxLineBytes);
    this.#breaks = splitlines ? /\r\n?|[\n\v\f\x1c-\x1e\x85\u2028\u2029]/g : /\r\n?|\n/g;
    this.#otherBreaks = splitlines ? /[\r\v\f\x1c-\x1e\x85\u2028\u2029]/ : /\r/;
  }

  push(chunk: Buffer | string): string[] {
    const n = chunk.length;
    if (n > 0) this.#dirty = (typeof chunk === 'string' ? chunk.charCodeAt(n - 1) : chunk[n - 1]) !== 10;
    if (typeof chunk === 'string') return this.#split(this.#heldText() + chunk);
    if (this.#hold(chunk)) return [];
    return this.#split(this.#decoder.write(this.#held.length === 0 ? chunk : this.#takeHeld(chunk)));
  }

  /** Holds a byte chunk that ends no line, while the open line stays under #holdLimit. */
  #hold(chunk: Buffer): boolean {
    const size = this.#pending.length + this.#heldBytes + chunk.length;
    if (size >= this.#holdLimit || indexOfLf(chunk, 0) >= 0 || typedIndexOf.call(chunk, 13, 0) >= 0)
      return false;
    // A copy: the caller may fill its buffer again (a file reader does, LineSplitter.each's contract).
    this.#held.push(Buffer.from(chunk));
    this.#heldBytes += chunk.length;
    return true;
  }

  /** The held chunks and `chunk` as one Buffer; nothing is held after. */
  #takeHeld(chunk: Buffer): Buffer {
    const bytes = Buffer.concat([...this.#held, chunk]);
    this.#held = [];
    this.#heldBytes = 0;
    return bytes;
  }

  /** The held bytes decoded ('' when none), before text that comes as a string. */
  #heldText(): string {
    return this.#held.length === 0 ? '' : this.#decoder.write(this.#takeHeld(Buffer.alloc(0)));
  }

  /**
   * push() for a consumer that can read lines in place: the same lines in the same order, those of a byte
   * chunk that it accepts as bytes of the chunk, the rest as strings.
   * Lines in place are only those wholly inside the chunk with nothing pending before them (no piece of a
   * line, of a UTF-8 sequence or of a CRLF from the last chunk): a line that ends with LF decodes the same
   * alone as in its chunk, so the others go through push() in runs, unchanged.
   */
  each(chunk: Buffer | string, visitor: LineVisitor): void {
    if (typeof chunk === 'string') {
      this.#give(this.push(chunk), visitor);
      return;
    }
    let start = 0;
    if (this.#dirty) {
      start = chunk.indexOf(10) + 1;
      if (start === 0) start = chunk.length;
      this.#giveBytes(chunk, 0, start, visitor);
    }
    const slow = this.#lines(chunk, start, visitor);
    if (slow < chunk.length) this.#giveBytes(chunk, slow, chunk.length, visitor);
  }

  /**
   * each()'s loop over the complete lines from `start`; returns where the bytes not given yet start. A
   * function of its own: V8 compiles the loop while it runs (on-stack replacement), before the code after
   * it ever ran, and such code would deoptimise at the loop's end on every chunk.
   */
  #lines(chunk: Buffer, from: number, visitor: LineVisitor): number {
    // [slow, start): lines that are not ASCII, given as strings through the decoder in runs, before the
    // next line that is.
    let slow = from;
    let start = from;
    for (let nl = indexOfLf(chunk, start); nl >= 0; nl = indexOfLf(chunk, start)) {
      // After lines not given yet (not ASCII), an ASCII line gives them first; the consumer then sees it.
      let ascii = false;
      if (slow < start) {
        ascii = this.#asciiLine(chunk, start, nl);
        if (!ascii) {
          start = nl + 1;
          continue;
        }
        this.#giveBytes(chunk, slow, start, visitor);
        slow = start;
      }
      const taken = visitor.take(chunk, start, chunk.length);
      if (taken > start) {
        slow = taken;
        start = taken;
        continue;
      }
      // An ASCII line decodes alone to one character per byte: no decoder, split or copy for it.
      if (ascii || this.#asciiLine(chunk, start, nl)) {
        visitor.line(chunk.toString('latin1', start, nl));
        slow = nl + 1;
      }
      start = nl + 1;
    }
    return slow;
  }

  /** True when chunk[start, end) is one line of ASCII text (see ONE_LINE_ASCII). */
  #asciiLine(chunk: Buffer, start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (ONE_LINE_ASCII[chunk[i] as number] === 0) return false;
    return true;
  }

  /** each(): chunk[start, end) through push(), its lines as strings. */
  #giveBytes(chunk: Buffer, start: number, end: number, visitor: LineVisitor): void {
    this.#give(this.push(chunk.subarray(start, end)), visitor);
  }

  /** An index loop, not for-of: arrays of no line and of lines differ in kind, which for-of deopts on. */
  #give(lines: readonly string[], visitor: LineVisitor): void {
    for (let i = 0; i < lines.length; i++) visitor.line(lines[i] as string);
  }

  end(): string[] {
    const lines = this.#split(this.#heldText() + this.#decoder.end());
    if (this.#pending.length > 0) lines.push(this.#pending);
    this.#pending = '';
    return lines;
  }

  #split(text: string): string[] {
    if (!this.#otherBreaks.test(text)) return this.#splitLf(text);
    const lines: string[] = [];
    let start = 0;
    // "\r\n" split across chunks: the CR already ended the line.
    if (this.#lastWasCr && text.charCodeAt(0) === 10) start = 1;
    if (text.length > 0) this.#lastWasCr = false;
    const breaks = this.#breaks;
    breaks.lastIndex = start;
    for (let m = breaks.exec(text); m !== null; m = breaks.exec(text)) {
      lines.push(detach(this.#pending + text.slice(start, m.index)));
      this.#pending = '';
      start = m.index + m[0].length;
      if (start === text.length && m[0] === '\r') this.#lastWasCr = true;
    }
    this.#pending += text.slice(start);
    return this.#cutPending(lines);
  }

  /** A line still open past maxLineBytes is cut into pieces, added to `lines`. */
  #cutPending(lines: string[]): string[] {
    while (this.#pending.length > this.#maxLine) {
      lines.push(this.#pending.slice(0, this.#maxLine));
      this.#pending = this.#pending.slice(this.#maxLine);
    }
    return lines;
  }

  /** #split for a chunk whose only boundaries are LF (the usual case): the same lines, far faster. */
  #splitLf(text: string): string[] {
    const start = this.#lastWasCr && text.charCodeAt(0) === 10 ? 1 : 0;
    if (text.length > 0) this.#lastWasCr = false;
    const lines = (start === 0 ? text : text.slice(start)).split('\n');
    const last = lines.pop() ?? '';
    if (lines.length === 0) {
      this.#pending += last;
      return this.#cutPending(lines);
    }
    lines[0] = this.#pending + (lines[0] ?? '');
    for (let i = 0; i < lines.length; i++) lines[i] = detach(lines[i] ?? '');
    this.#pending = last;
    return this.#cutPending(lines);
  }
}

/** Async iterable of lines from a byte stream (a file, stdin, a child's stdout). */
export async function* readLines(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  options: LineSplitterOptions = {},
): AsyncGenerator<string> {
  const splitter = new LineSplitter(maxLineBytes, options);
  for await (const chunk of source) {
    yield* splitter.push(chunk);
  }
  yield* splitter.end();
}
