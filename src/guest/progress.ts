/**
 * What `vmunit run` prints while it works. Result lines are run_tests.sh's, character for character
 * (`PASS name (summary)`, `FAIL name (timeout; duration=90s)`, `FAIL name ` with a trailing space when
 * there is no summary) because CI scripts grep them; colour only on a terminal. On a terminal a status
 * line under the results shows what is running and for how long.
 */

import pc from 'picocolors';
import type { RunEvent, TestStatus } from '../events/types.js';
import type { Reporter } from '../reporters/types.js';
import type { Verdict } from './exit-code.js';

export interface ProgressOptions {
  readonly out: NodeJS.WritableStream;
  /** Redraw a live status line (stdout is a terminal). */
  readonly live: boolean;
  readonly color: boolean;
  readonly total: number;
  readonly now?: () => number;
  readonly redrawMs?: number;
}

/** `print_result`: `STATUS name summary` or `STATUS name (reason)`. */
export function formatResultLine(verdict: Verdict, name: string, text: string, color: boolean): string {
  // Without colour (a file, a pipe, CI) no palette is made: a run prints this line for every test.
  if (!color) return `${verdict} ${name} ${text}`;
  const colors = pc.createColors(true);
  const word =
    verdict === 'PASS'
      ? colors.green(verdict)
      : verdict === 'SKIP'
        ? colors.yellow(verdict)
        : colors.red(verdict);
  return `${word} ${name} ${text}`;
}

/** `(reason)` when there is a harness reason, else the guest summary (already parenthesised, maybe ''). */
export function resultText(reason: string | undefined, summary: string): string {
  return reason !== undefined ? `(${reason})` : summary;
}

export class Progress {
  readonly #opts: ProgressOptions;
  #total: number;
  readonly #running = new Map<string, number>();
  readonly #now: () => number;
  #done = 0;
  #timer: NodeJS.Timeout | undefined;
  #drawn = false;

  constructor(options: ProgressOptions) {
    this.#opts = options;
    this.#total = options.total;
    this.#now = options.now ?? (() => performance.now());
    if (options.live) {
      this.#timer = setInterval(() => this.#draw(), options.redrawMs ?? 250);
      this.#timer.unref();
    }
  }

  /** The number of tests that will report a result, once selection knows it. */
  setTotal(total: number): void {
    this.#total = total;
  }

  started(name: string): void {
    this.#running.set(name, this.#now());
    if (this.#opts.live) this.#draw();
  }

  /** Prints one result line (above the live line). */
  finished(name: string, verdict: Verdict, text: string): void {
    this.#running.delete(name);
    this.#done++;
    this.#clear();
    this.#opts.out.write(`${formatResultLine(verdict, name, text, this.#opts.color)}\n`);
    if (this.#opts.live) this.#draw();
  }

  /** Any other line (`-v` command lines). */
  print(line: string): void {
    this.#clear();
    this.#opts.out.write(`${line}\n`);
    if (this.#opts.live) this.#draw();
  }

  /** The live line's text, e.g. `[3/87] running: vmx 12.3s, setjmp 0.4s`. */
  statusText(): string {
    const now = this.#now();
    const running = [...this.#running].map(([n, t]) => `${n} ${((now - t) / 1000).toFixed(1)}s`);
    return `[${this.#done}/${this.#total}] running: ${running.join(', ')}`;
  }

  #draw(): void {
    if (this.#running.size === 0) {
      this.#clear();
      return;
    }
    // A pseudo-terminal without a size reports 0 columns.
    const reported = (this.#opts.out as { columns?: number }).columns ?? 0;
    const cols = reported >= 20 ? reported : 100;
    const text = this.statusText();
    this.#opts.out.write(`\r\x1b[K${text.length > cols - 1 ? `${text.slice(0, cols - 2)}…` : text}`);
    this.#drawn = true;
  }

  #clear(): void {
    if (!this.#drawn) return;
    this.#opts.out.write('\r\x1b[K');
    this.#drawn = false;
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#clear();
  }
}

const VERDICT_OF: Readonly<Partial<Record<TestStatus, Verdict>>> = {
  SUCCESS: 'PASS',
  SKIPPED: 'SKIP',
};

/**
 * run_tests.sh's result lines and the live status line, as a reporter on the guest runner's event stream:
 * a line per harness-level test (depth 1) as it ends. The CLI picks the stream (stdout, or stderr when a
 * report goes to stdout) or leaves it out (`-t`); the runner never prints.
 */
export class ResultLinesReporter implements Reporter {
  readonly #progress: Progress;
  /** Harness-level tests still running, by id. */
  readonly #names = new Map<string, string>();

  constructor(options: Omit<ProgressOptions, 'total'>) {
    this.#progress = new Progress({ ...options, total: 0 });
  }

  onEvent(event: RunEvent): void {
    if (event.type === 'run:start') {
      this.#progress.setTotal(Number(event.meta?.tests ?? 0));
    } else if (event.type === 'test:start' && event.depth === 1) {
      this.#names.set(event.id, event.name);
      this.#progress.started(event.name);
    } else if (event.type === 'test:result' && this.#names.delete(event.id)) {
      const verdict = VERDICT_OF[event.status] ?? 'FAIL';
      this.#progress.finished(event.name, verdict, event.resultText ?? '');
    }
  }

  /** A line that is not a result (`-v` command lines, dry-run lines), printed above the live line. */
  print(line: string): void {
    this.#progress.print(line);
  }

  async close(): Promise<void> {
    this.#progress.close();
  }
}
