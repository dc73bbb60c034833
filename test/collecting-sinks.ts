/**
 * Test helper (not a suite): sinks that keep everything they are given. Engine sinks, for tests that drive
 * an engine (`runKunit`, `execGuest`) as a library user would: what it printed and noted, the events its
 * reporter got, and how many reporters it opened and closed. A collecting stream, for writers.
 */

import { Writable } from 'node:stream';
import type { RunEvent } from '../src/events/types.js';
import type { Reporter } from '../src/reporters/types.js';

export interface Collected {
  readonly printed: string[];
  readonly noted: string[];
  readonly events: RunEvent[];
  opened: number;
  closed: number;
}

export function collectingSinks(): {
  got: Collected;
  sinks: { open: () => Reporter; print: (text: string) => void; note: (text: string) => void };
} {
  const got: Collected = { printed: [], noted: [], events: [], opened: 0, closed: 0 };
  const reporter: Reporter = {
    onEvent: (e) => {
      got.events.push(e);
    },
    close: async () => {
      got.closed++;
    },
  };
  const sinks = {
    open: () => {
      got.opened++;
      return reporter;
    },
    print: (text: string) => {
      got.printed.push(text);
    },
    note: (text: string) => {
      got.noted.push(text);
    },
  };
  return { got, sinks };
}

/**
 * A stream that keeps every chunk it is given, as many test doubles do (so a writer must not reuse a block it
 * gave it), and finishes each write at once; `text` is everything written, as UTF-8.
 */
export function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}
