/** A results folder's record files and the header line that opens `events.jsonl`. */

import type { RunMetaInput } from './builder.js';
import type { RECORD_FORMAT, RECORD_VERSION } from './types.js';

export const EVENTS_FILE = 'events.jsonl';
export const RECORD_FILE = 'record.json';

/** Line 1 of events.jsonl: the record format it belongs to and what the CLI knew about the run. */
export interface EventsHeader {
  readonly format: typeof RECORD_FORMAT;
  readonly version: typeof RECORD_VERSION;
  readonly run: RunMetaInput;
}
