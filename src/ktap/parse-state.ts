/**
 * What the grammar phases share while one parser runs: the input cursor, the event output, the stack of
 * open tests (frame.ts) and the options that change the grammar. Phases read and advance it; nothing else
 * holds parser state.
 */

import type { LineCursor } from './cursor.js';
import type { EventOutput } from './event-output.js';
import type { Frame } from './frame.js';
import type { KunitRules } from './rules.js';

export interface ParseState {
  readonly cursor: LineCursor;
  readonly out: EventOutput;
  readonly stack: Frame[];
  readonly rule: KunitRules;
  /** `blocks: 'all'`: a later top-level version line starts another block of the root. */
  readonly allBlocks: boolean;
  /** The root is the caller's node: no test:result for it. */
  readonly embedded: boolean;
  /** The root finished: later lines are ignored. */
  done: boolean;
}
