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
  /** The stamp of the last second printed: formatting a date per line would dominate a big parse. */
  #stampSecond = Number.NaN;
  #stamp = '';

  constructor(options: PrinterOptions) {
    this.#write = options.write;
    this.#color = options.color;
    this.#now = options.now ?? Date.now;
  }

  get color(): boolean {
    return this.#color;
  }

  print(message: string): void {
    this.#write(`${message}\n`);
  }

  /** `message` (and `more`, joined to it here: one string less per line on a big log) with the time. */
  printWithTimestamp(message: string, more = ''): void {
    const ms = this.#now();
    const second = Math.floor(ms / 1000);
    if (second !== this.#stampSecond) {
      this.#stampSecond = second;
      this.#stamp = `[${formatClock(new Date(ms))}] `;
    }
    this.#write(`${this.#stamp}${message}${more}\n`);
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
