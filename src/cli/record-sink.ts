/**
 * The run record a command keeps in its results folder (src/record): a RecordWriter whose metadata starts
 * with what the process knows (tool, command line, folder, host) and adds what the command found out.
 */

import type { RunMetaInput } from '../record/builder.js';
import { processMeta } from '../record/meta.js';
import type { RunRecord } from '../record/types.js';
import { RecordWriter } from '../record/writer.js';
import type { CliContext } from './context.js';

/** A reporter keeping `events.jsonl` and `record.json` in `dir`. */
export function recordWriter(
  ctx: CliContext,
  dir: string,
  meta: RunMetaInput = {},
  onRecord?: (record: RunRecord) => void,
): RecordWriter {
  const base = processMeta({ version: ctx.version, argv: ctx.argv, cwd: ctx.cwd });
  return new RecordWriter({ dir, meta: { ...base, ...meta }, ...(onRecord ? { onRecord } : {}) });
}
