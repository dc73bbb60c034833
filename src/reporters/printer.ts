/**
 * kunit.py's Printer (kunit_printer.py): `[HH:MM:SS] ` local-time stamps, bold ANSI colours only when
 * enabled, and the length of the colour codes for centring coloured text. The clock and the stream are
 * injected; nothing here reads globals.
 */

const RESET = '\x1b[0;0m';
const RED = '\x1b[1;31m';
const YELLOW = '\x1b[1;33m';
const GREEN = '\x1b[1;32m';

export interface PrinterOptions {
  /** Where lines go. */
  readonly write: (text: string) => void;
  /** Colour on/off (the CLI decides: a TTY and no NO_COLOR). */
  readonly color: boolean;
  /** Injectable clock for the time stamps (epoch milliseconds). Default: `Date.now`. */
  readonly now?: () => number;
  /**
   * Where lines whose ends are bytes go (for each k < count: `head`, bytes[spans[2k], spans[2k + 1]), a
   * line break), so they need no string (the parser's fast lane). Default: decoded and given to `write`.
   */
  readonly writeLines?: (head: Uint8Array, bytes: Uint8Array, spans: Int32Array, count: number) => void;
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `HH:MM:SS` of a local time, as Python's `strftime('%H:%M:%S')`. */
export function formatClock(d: Date): string {
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export class Printer {
  readonly #write: (text: string) => void;
  readonly #color: boolean;
  readonly #now: () => number;
  /** The stamp of the last second printed. */
  #stampSecond = Number.NaN;
  #stamp = '';
  readonly #writeLines: PrinterOptions['writeLines'];
  /** printLinesWithTimestamp's stamp and message as bytes, made again when either changes. */
  #head = new Uint8Array(0);
  #headStamp = '';
  #headMessage = '';

  constructor(options: PrinterOptions) {
    this.#write = options.write;
    this.#color = options.color;
    this.#now = options.now ?? Date.now;
    this.#writeLines = options.writeLines;
  }

  get color(): boolean {
    return this.#color;
  }

  print(message: string): void {
    this.#write(`${message}\n`);
  }

  /** `message` (and `more`, joined to it here: one string less per line on a big log) with the time. */
  printWithTimestamp(message: string, more = ''): void {
    this.#write(`${this.#timestamp()}${message}${more}\n`);
  }

  /**
   * printWithTimestamp(message, more) for each `more` the ASCII bytes[spans[2k], spans[2k + 1]), k < count.
   * Called for the runs of lines of a big log: the head is renewed here only when the message or the stamp
   * changed since the last call or `clockMoved()`, which a caller that moves the clock between runs of
   * lines calls so that this never happens inside a run. The renewal's first run, at the first line, comes
   * before V8 keeps type feedback for the callers; taken again in their optimised code, it would make V8
   * throw that code away.
   */
  printLinesWithTimestamp(message: string, bytes: Uint8Array, spans: Int32Array, count: number): void {
    const stamp = this.#timestamp();
    if (this.#writeLines === undefined) {
      for (let k = 0; k < count; k++) {
        const more = Buffer.from(bytes.subarray(spans[2 * k], spans[2 * k + 1])).toString('latin1');
        this.#write(`${stamp}${message}${more}\n`);
      }
      return;
    }
    if (stamp !== this.#headStamp || message !== this.#headMessage) this.#renewHead(stamp, message);
    this.#writeLines(this.#head, bytes, spans, count);
  }

  /** The injected clock may have moved: the stamp and the bytes head are made again now, if it did. */
  clockMoved(): void {
    const stamp = this.#timestamp();
    if (stamp !== this.#headStamp) this.#renewHead(stamp, this.#headMessage);
  }

  #renewHead(stamp: string, message: string): void {
    this.#headStamp = stamp;
    this.#headMessage = message;
    this.#head = Buffer.from(stamp + message);
  }

  /** The `[HH:MM:SS] ` stamp, made once a second: formatting a date per line would dominate a big parse. */
  #timestamp(): string {
    const ms = this.#now();
    const second = Math.floor(ms / 1000);
    if (second !== this.#stampSecond) {
      this.#stampSecond = second;
      this.#stamp = `[${formatClock(new Date(ms))}] `;
    }
    return this.#stamp;
  }

  #paint(code: string, text: string): string {
    return this.#color ? code + text + RESET : text;
  }

  red(text: string): string {
    return this.#paint(RED, text);
  }

  yellow(text: string): string {
    return this.#paint(YELLOW, text);
  }

  green(text: string): string {
    return this.#paint(GREEN, text);
  }

  /** Length of the escape codes one colouring adds (13 with colour, else 0). */
  colorLen(): number {
    return this.red('').length;
  }
}
