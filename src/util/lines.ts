/**
 * Byte stream → lines. Handles chunks that split lines (and multi-byte characters), CRLF and lone CR line
 * ends, and invalid UTF-8 (replaced with U+FFFD, never thrown). A line longer than `maxLineBytes` is cut into
 * pieces so a guest that floods without newlines cannot exhaust memory.
 */

import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Incremental splitter: `push(chunk)` returns the complete lines in it; `end()` flushes the rest. */
export class LineSplitter {
  readonly #decoder = new StringDecoder('utf8');
  readonly #maxLine: number;
  #pending = '';
  #lastWasCr = false;

  constructor(maxLineBytes: number = DEFAULT_MAX_LINE_BYTES) {
    this.#maxLine = maxLineBytes;
  }

  push(chunk: Buffer | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.#decoder.write(chunk);
    return this.#split(text);
  }

  end(): string[] {
    const lines = this.#split(this.#decoder.end());
    if (this.#pending.length > 0) lines.push(this.#pending);
    this.#pending = '';
    return lines;
  }

  #split(text: string): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        // "\r\n" split across chunks: the CR already ended the line.
        if (this.#lastWasCr && i === start && this.#pending === '') {
          start = i + 1;
          this.#lastWasCr = false;
          continue;
        }
        lines.push(this.#pending + text.slice(start, i));
        this.#pending = '';
        start = i + 1;
        this.#lastWasCr = false;
      } else if (c === 13 /* \r */) {
        lines.push(this.#pending + text.slice(start, i));
        this.#pending = '';
        start = i + 1;
        this.#lastWasCr = true;
        if (text.charCodeAt(i + 1) === 10) {
          start = i + 2;
          i++;
          this.#lastWasCr = false;
        }
      } else {
        this.#lastWasCr = false;
      }
    }
    this.#pending += text.slice(start);
    while (this.#pending.length > this.#maxLine) {
      lines.push(this.#pending.slice(0, this.#maxLine));
      this.#pending = this.#pending.slice(this.#maxLine);
    }
    return lines;
  }
}

/** Async iterable of lines from a byte stream (a file, stdin, a child's stdout). */
export async function* readLines(
  source: AsyncIterable<Buffer | string>,
  maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
): AsyncGenerator<string> {
  const splitter = new LineSplitter(maxLineBytes);
  for await (const chunk of source) {
    yield* splitter.push(chunk);
  }
  yield* splitter.end();
}
