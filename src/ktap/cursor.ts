/**
 * The parser's input side: kunit.py's LineStream made incremental. Raw lines go through extraction and the
 * grammar (line-type.ts) and wait as a one-line lookahead until a grammar phase takes them; end of input is
 * a state, not an exception. It also holds the budget of tests kunit.py would synthesize without reading a
 * line (missing subtests, stray plans), which grows as lines arrive so a damaged log cannot loop forever.
 */

import { KtapExtractor } from './extract.js';
import { latin1 } from './fast-leaf.js';
import { type ClassifiedLine, classifyLine } from './line-type.js';
import { pyRstrip } from './py-text.js';

/** What the next line is: a line, the end of input, or nothing yet (the phase must wait for `feed`). */
export type Peek = ClassifiedLine | 'eof' | 'need';

/** Tests kunit.py would synthesize without reading a line before vmunit stops copying it. */
const SYNTHETIC_BUDGET = 100_000;

/** How much each line read adds to the budget. */
const BUDGET_PER_LINE = 10;

export class LineCursor {
  readonly #extractor: KtapExtractor | undefined;
  #next: ClassifiedLine | undefined;
  /** The last line read, which kunit.py's LineStream still shows after EOF. */
  #lastLine: ClassifiedLine | undefined;
  #eof = false;
  #sawLine = false;
  #lineNo = 0;
  #budget = SYNTHETIC_BUDGET;
  /** The last line when it was read in place (readInPlace): classified only if lastLine is asked for. */
  #inPlace: { bytes: Buffer; start: number; end: number; lineNo: number } | undefined;

  /** `extract`: run kunit.py's kernel-log extraction (prefixes, stop markers) before the grammar. */
  constructor(extract: boolean) {
    this.#extractor = extract ? new KtapExtractor() : undefined;
  }

  /** Counts a raw line without reading it (input after the document ended). */
  skip(): void {
    this.#lineNo++;
  }

  /** Reads one raw line; false when extraction dropped it. */
  feed(line: string): boolean {
    this.#lineNo++;
    const text = this.#extract(line);
    if (text === undefined) return false;
    this.#budget += BUDGET_PER_LINE;
    this.#sawLine = true;
    this.#next = classifyLine(text, this.#lineNo);
    this.#lastLine = this.#next;
    this.#inPlace = undefined;
    return true;
  }

  #extract(line: string): string | undefined {
    return this.#extractor ? this.#extractor.push(line) : pyRstrip(line);
  }

  /**
   * The characters extraction cuts from the next raw line, or -1 when that line cannot be read in place
   * (a line waits under the cursor, the input ended, or extraction has not started or has stopped).
   */
  inPlacePrefix(): number {
    if (this.#next !== undefined || this.#eof) return -1;
    const x = this.#extractor;
    if (x === undefined) return 0;
    return x.started && !x.stopped ? x.prefixLength : -1;
  }

  /**
   * What feed() and pop() do for `count` raw lines, the last of them bytes[start, end), which the caller
   * found to be lines that extraction keeps unchanged but for the prefix (fast-leaf.ts): they are counted,
   * not decoded or classified.
   */
  readInPlace(bytes: Buffer, start: number, end: number, count: number): void {
    this.#lineNo += count;
    this.#budget += BUDGET_PER_LINE * count;
    this.#lastLine = undefined;
    if (this.#inPlace === undefined) this.#inPlace = { bytes, start, end, lineNo: this.#lineNo };
    else {
      const last = this.#inPlace;
      last.bytes = bytes;
      last.start = start;
      last.end = end;
      last.lineNo = this.#lineNo;
    }
  }

  /** The caller is about to reuse the bytes given to readInPlace: the last line is read from them now. */
  releaseInPlace(): void {
    if (this.#inPlace === undefined) return;
    void this.lastLine;
    this.#inPlace = undefined;
  }

  /** Marks the end of input; phases then see 'eof' instead of 'need'. */
  close(): void {
    this.#eof = true;
  }

  get closed(): boolean {
    return this.#eof;
  }

  /** True once any line survived extraction (kunit.py found KTAP). */
  get sawLine(): boolean {
    return this.#sawLine;
  }

  get lastLine(): ClassifiedLine | undefined {
    const last = this.#inPlace;
    if (this.#lastLine === undefined && last !== undefined) {
      const text = this.#extract(latin1(last.bytes, last.start, last.end));
      if (text !== undefined) this.#lastLine = classifyLine(text, last.lineNo);
    }
    return this.#lastLine;
  }

  /** The number of the line under the cursor, else of the last raw line read (for issues). */
  get lineNo(): number {
    return this.#next?.lineNo ?? this.#lineNo;
  }

  peek(): Peek {
    if (this.#next) return this.#next;
    return this.#eof ? 'eof' : 'need';
  }

  /** Takes the line under the cursor. */
  pop(): ClassifiedLine | undefined {
    const line = this.#next;
    this.#next = undefined;
    return line;
  }

  /** Puts a line back under the cursor in another role (a stray plan read as a diagnostic). */
  replace(line: ClassifiedLine): void {
    this.#next = line;
  }

  /** True while kunit.py's synthesized tests may still be copied. */
  get budgetLeft(): boolean {
    return this.#budget > 0;
  }

  spend(): void {
    this.#budget--;
  }
}
