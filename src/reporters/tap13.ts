/**
 * `vmunit run -t`: run_tests.sh's TAP 13 output, fixed where upstream loses tests.
 *
 * Upstream turns each guest console line starting with `PASS`, `FAIL` or `SKIP` into
 * `ok N - <test>: <rest>`, `not ok N - <test>: <rest>`, `ok N - <test>: <rest> # skip` (the first 6
 * characters, `PASS: `, are cut), adds `not ok N - <test>: timeout; duration=…`, `… terminated on SIGx`
 * and `… aborted` lines, numbers everything in completion order and ends with the plan `1..N`.
 * It prints nothing for harness skips and for failures without a `FAIL:` line (a QEMU error, `s3`'s exit
 * status 3); vmunit adds one line for those (`ok N - <test> # SKIP <reason>`, `not ok N - <test>: <reason>`),
 * so every test appears in the TAP stream, and a test whose own verdict is not a pass (a crash, an
 * interruption) is `not ok` even when every check it printed passed.
 */

import type { RunEvent } from '../events/types.js';
import { isFailingStatus } from '../ktap/status.js';
import { openStreamSink, type TextSink } from '../util/sink.js';
import type { Reporter } from './types.js';

interface Pending {
  readonly name: string;
  readonly lines: string[];
  failLines: number;
  /** run_tests.sh's status of the test (`test:attr` `exit_status`), when QEMU ran. */
  status: number | undefined;
}

/** A reporter writing upstream-shaped TAP 13 to a stream or file as tests finish. */
export class Tap13Reporter implements Reporter {
  readonly #out: TextSink;
  readonly #tests = new Map<string, Pending>();
  #n = 0;
  readonly #roots = new Set<string>();
  #started = false;
  #interrupted = false;

  constructor(destination: NodeJS.WritableStream | string) {
    this.#out = openStreamSink(destination);
  }

  #line(text: string): void {
    this.#n++;
    this.#out.write(`${text.replace('TEST_NUMBER', String(this.#n))}\n`);
  }

  onEvent(event: RunEvent): void {
    switch (event.type) {
      case 'run:start':
        if (!this.#started) this.#out.write('TAP version 13\n');
        this.#started = true;
        return;
      case 'test:start':
        if (event.depth === 1)
          this.#tests.set(event.id, { name: event.name, lines: [], failLines: 0, status: undefined });
        if (event.parentId === null) this.#roots.add(event.id);
        return;
      case 'test:attr': {
        const t = this.#tests.get(event.id);
        if (t !== undefined && event.key === 'exit_status') t.status = Number(event.value);
        return;
      }
      case 'test:log':
        this.#log(event.id, event.line);
        return;
      case 'test:result':
        this.#result(event);
        return;
      case 'run:end':
        if (event.interrupted) this.#interrupted = true;
        return;
      default:
        return;
    }
  }

  #log(id: string, raw: string): void {
    const t = this.#tests.get(id);
    if (t === undefined) return;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const rest = line.slice(6);
    const head = line.slice(0, 4);
    if (head === 'PASS') t.lines.push(`ok TEST_NUMBER - ${t.name}: ${rest}`);
    else if (head === 'SKIP') t.lines.push(`ok TEST_NUMBER - ${t.name}: ${rest} # skip`);
    else if (head === 'FAIL') {
      t.lines.push(`not ok TEST_NUMBER - ${t.name}: ${rest}`);
      t.failLines++;
    }
  }

  #result(event: Extract<RunEvent, { type: 'test:result' }>): void {
    if (this.#roots.has(event.id)) {
      this.#rootResult(event);
      return;
    }
    const t = this.#tests.get(event.id);
    if (t === undefined) return;
    this.#tests.delete(event.id);
    for (const l of t.lines) this.#line(l);
    const reason = event.reason ?? '';
    const name = t.name;
    if (event.directive?.kind === 'TIMEOUT' || reason.startsWith('terminated on SIG')) {
      this.#line(`not ok TEST_NUMBER - ${name}: ${reason}`);
    } else if (t.status === 127) {
      this.#line(`not ok TEST_NUMBER - ${name}: aborted`);
    } else if (event.status !== 'SUCCESS' && event.status !== 'SKIPPED' && t.failLines === 0) {
      // Upstream drops these (QEMU errors, a guest failing through its exit status only).
      const why =
        t.status === undefined ? reason : `exit status ${t.status}${reason === '' ? '' : ` ${reason}`}`;
      this.#line(`not ok TEST_NUMBER - ${name}: ${why}`);
    } else if (t.lines.length === 0) {
      const skip = event.status === 'SKIPPED' ? ` # SKIP ${reason}` : '';
      this.#line(`ok TEST_NUMBER - ${name}${skip}`);
    }
  }

  /**
   * A run that failed with no test to say so (`vmunit parse` of a log without KTAP) gets one line for
   * itself: with no line at all, `1..0` would read as a clean run.
   */
  #rootResult(event: Extract<RunEvent, { type: 'test:result' }>): void {
    if (this.#n > 0 || this.#tests.size > 0 || !isFailingStatus(event.status)) return;
    const why = event.status === 'FAILURE_TO_PARSE_TESTS' ? 'no test output was found' : (event.reason ?? '');
    this.#line(`not ok TEST_NUMBER - ${event.name}${why === '' ? '' : `: ${why}`}`);
  }

  async close(): Promise<void> {
    const why = this.#interrupted ? 'interrupted' : 'did not finish';
    for (const [id, t] of this.#tests) {
      this.#result({ type: 'test:result', id, name: t.name, status: 'TEST_CRASHED', reason: why });
    }
    if (this.#started) this.#out.write(`1..${this.#n}\n`);
    await this.#out.close();
  }
}
