/**
 * The record writer, a `Reporter`: it keeps a run's record in its results folder.
 * - `events.jsonl`: a header line (format, version, the CLI's run metadata), then every event, one JSON
 *   object a line. Lines are buffered and written with a synchronous write when a test starts or ends (and
 *   at run:end and close), so a run killed with SIGKILL leaves every finished test, and the ones that were
 *   running, on disk.
 * - `record.json`: the folded record, rewritten atomically (temporary file and rename, synchronous calls) at
 *   most once every `intervalMs` (default 5 s, counted from the writer's start) while tests end, and once
 *   more at close with complete/interrupted set.
 */

import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../events/types.js';
import { VmunitError } from '../util/errors.js';
import { writeAtomicSync } from '../util/sink.js';
import { RecordBuilder, type RunMetaInput } from './builder.js';
import { EVENTS_FILE, type EventsHeader, RECORD_FILE } from './files.js';
import { RECORD_FORMAT, RECORD_VERSION, type RunRecord } from './types.js';

export interface RecordWriterOptions {
  /** The results folder (created when missing). */
  readonly dir: string;
  /** What the CLI knows about the run (tool, command line, host, accelerator, tree…). */
  readonly meta?: RunMetaInput;
  /** Least time between two record.json rewrites while the run goes on (default 5000 ms). */
  readonly intervalMs?: number;
  /** Called with the final record after close (the CLI renders its reports from it). */
  readonly onRecord?: (record: RunRecord) => void;
}

/** Flush the event buffer past this size even when no test ended (a guest flooding its console). */
const FLUSH_BYTES = 1 << 20;

/** A `Reporter` (reporters/types.ts) by shape: record sits below reporters and does not import them. */
export class RecordWriter {
  readonly #builder: RecordBuilder;
  readonly #dir: string;
  readonly #intervalMs: number;
  readonly #onRecord: ((record: RunRecord) => void) | undefined;
  #fd: number | undefined;
  #buffer: string[] = [];
  #bytes = 0;
  /** A run's first seconds are left alone: its quick tests end there, and the record would be a few tests. */
  #lastWrite = Date.now();
  #failure: unknown;

  constructor(opts: RecordWriterOptions) {
    this.#builder = new RecordBuilder(opts.meta);
    this.#dir = opts.dir;
    this.#intervalMs = opts.intervalMs ?? 5000;
    this.#onRecord = opts.onRecord;
    const path = join(opts.dir, EVENTS_FILE);
    try {
      mkdirSync(opts.dir, { recursive: true });
      this.#fd = openSync(path, 'w');
    } catch (cause) {
      throw new VmunitError('OUTPUT_UNWRITABLE', `cannot write ${path}: ${(cause as Error).message}`, {
        cause,
      });
    }
    const header: EventsHeader = { format: RECORD_FORMAT, version: RECORD_VERSION, run: opts.meta ?? {} };
    this.#append(header);
    this.#flush();
  }

  /** The record folded so far. */
  get builder(): RecordBuilder {
    return this.#builder;
  }

  onEvent(event: RunEvent): void {
    this.#builder.push(event);
    this.#append(event);
    const testLevel =
      (event.type === 'test:result' || event.type === 'test:start') &&
      (this.#builder.depthOf(event.id) ?? 2) <= 1;
    const testEnded = testLevel && event.type === 'test:result';
    if (testLevel || event.type === 'run:end' || this.#bytes > FLUSH_BYTES) this.#flush();
    if (testEnded && Date.now() - this.#lastWrite >= this.#intervalMs) this.#snapshot();
  }

  #append(value: unknown): void {
    const line = `${JSON.stringify(value)}\n`;
    this.#buffer.push(line);
    this.#bytes += line.length;
  }

  #flush(): void {
    if (this.#fd === undefined || this.#buffer.length === 0) return;
    const text = this.#buffer.join('');
    this.#buffer = [];
    this.#bytes = 0;
    try {
      writeSync(this.#fd, text);
    } catch (error) {
      // Kept for close(): a full disk must fail the run's report, not the run itself.
      this.#failure ??= error;
    }
  }

  #snapshot(record: RunRecord = this.#builder.record()): void {
    this.#lastWrite = Date.now();
    try {
      writeAtomicSync(join(this.#dir, RECORD_FILE), `${JSON.stringify(record)}\n`);
    } catch (error) {
      this.#failure ??= error;
    }
  }

  async close(): Promise<void> {
    this.#flush();
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    const record = this.#builder.record();
    this.#snapshot(record);
    if (this.#failure !== undefined) {
      const cause = this.#failure;
      throw new VmunitError('OUTPUT_UNWRITABLE', `cannot write the run record in ${this.#dir}`, { cause });
    }
    this.#onRecord?.(record);
  }
}
