/**
 * `readRecord(path)`: the record of a results folder or file. A folder's `record.json` is used when it is
 * complete; otherwise (a run killed or interrupted mid-way, or record.json missing) the record is rebuilt
 * from `events.jsonl`, which holds every test that ended. Unknown formats or versions are refused, and a
 * bad line is reported as `FILE:LINE: …` (exit 2).
 */

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunEvent, RunEventType } from '../events/types.js';
import { VmunitError } from '../util/errors.js';
import { RecordBuilder } from './builder.js';
import { EVENTS_FILE, RECORD_FILE } from './files.js';
import { RECORD_FORMAT, RECORD_VERSION, type RunRecord } from './types.js';

const EVENT_TYPES: ReadonlySet<RunEventType> = new Set<RunEventType>([
  'run:start',
  'test:start',
  'test:plan',
  'test:attr',
  'test:log',
  'test:result',
  'parse:issue',
  'stage',
  'run:end',
]);

function invalid(file: string, line: number | undefined, message: string, cause?: unknown): VmunitError {
  return new VmunitError('INPUT_INVALID', message, {
    position: line === undefined ? { file } : { file, line },
    ...(cause === undefined ? {} : { cause }),
  });
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new VmunitError('INPUT_INVALID', `cannot read ${file}: ${(cause as Error).message}`, { cause });
  }
}

/** Refuses a document that is not a vmunit record of a version this reader knows. */
function checkFormat(value: unknown, file: string, line: number | undefined): void {
  const v = value as { format?: unknown; version?: unknown } | null;
  if (typeof v !== 'object' || v === null || v.format !== RECORD_FORMAT) {
    throw invalid(file, line, `not a vmunit record (format ${JSON.stringify(v?.format)})`);
  }
  if (v.version !== RECORD_VERSION) {
    throw invalid(
      file,
      line,
      `record version ${JSON.stringify(v.version)} is not supported (this vmunit reads ${RECORD_VERSION})`,
    );
  }
}

function parseJson(text: string, file: string, line: number | undefined): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw invalid(file, line, `not JSON: ${(cause as Error).message}`, cause);
  }
}

/** A record.json document, checked for format, version and shape. */
export function parseRecordJson(text: string, file: string): RunRecord {
  const value = parseJson(text, file, undefined);
  checkFormat(value, file, undefined);
  const r = value as Partial<RunRecord>;
  if (
    typeof r.run !== 'object' ||
    r.run === null ||
    !Array.isArray(r.tests) ||
    typeof r.counts !== 'object'
  ) {
    throw invalid(file, undefined, 'not a vmunit record (run, tests or counts missing)');
  }
  return value as RunRecord;
}

/**
 * Rebuilds a record from events.jsonl text. A last line without its newline that does not parse is the
 * write a SIGKILL cut short, and is dropped; any other bad line is an error.
 */
export function parseEventsJsonl(text: string, file: string): RunRecord {
  const lines = text.split('\n');
  const cut = !text.endsWith('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw invalid(file, undefined, 'empty event log');
  const header = parseJson(lines[0] as string, file, 1) as { run?: unknown };
  checkFormat(header, file, 1);
  const builder = new RecordBuilder((header.run ?? {}) as ConstructorParameters<typeof RecordBuilder>[0]);
  for (let i = 1; i < lines.length; i++) {
    const last = i === lines.length - 1;
    let event: unknown;
    try {
      event = JSON.parse(lines[i] as string);
    } catch (cause) {
      if (last && cut) break;
      throw invalid(file, i + 1, `not JSON: ${(cause as Error).message}`, cause);
    }
    const type = (event as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !EVENT_TYPES.has(type as RunEventType)) {
      throw invalid(file, i + 1, `not a run event (type ${JSON.stringify(type)})`);
    }
    builder.push(event as RunEvent);
  }
  return builder.record();
}

/** The record in `path`: a results folder, a record.json or an events.jsonl. */
export async function readRecord(path: string): Promise<RunRecord> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    throw new VmunitError(
      missing ? 'INPUT_NOT_FOUND' : 'INPUT_INVALID',
      missing ? `${path}: no such file or folder` : `cannot read ${path}: ${(cause as Error).message}`,
      { cause },
    );
  }
  if (!info.isDirectory()) {
    const text = (await readText(path)) ?? '';
    return path.endsWith('.jsonl') ? parseEventsJsonl(text, path) : parseRecordJson(text, path);
  }
  const recordFile = join(path, RECORD_FILE);
  const recordText = await readText(recordFile);
  const record = recordText === undefined ? undefined : parseRecordJson(recordText, recordFile);
  if (record?.run.complete) return record;
  const eventsFile = join(path, EVENTS_FILE);
  const eventsText = await readText(eventsFile);
  if (eventsText !== undefined) return parseEventsJsonl(eventsText, eventsFile);
  if (record !== undefined) return record;
  throw new VmunitError(
    'INPUT_NOT_FOUND',
    `${path}: no ${RECORD_FILE} or ${EVENTS_FILE} (not a vmunit results folder)`,
  );
}
