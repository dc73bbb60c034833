/** Test helper: a writable stream that keeps what is written, and a run of events through a reporter. */

import { Writable } from 'node:stream';
import type { RunEvent } from '../../src/events/types.js';
import type { Reporter } from '../../src/reporters/types.js';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

/** Feeds every event, closes, and returns the captured output. */
export async function runReporter(
  make: (out: Capture) => Reporter,
  events: readonly RunEvent[],
): Promise<string> {
  const out = new Capture();
  const reporter = make(out);
  for (const event of events) reporter.onEvent(event);
  await reporter.close();
  return out.text;
}
