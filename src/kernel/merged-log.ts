/**
 * `<build_dir>/test.log` after isolated boots: one KTAP document for all of them, so that `kunit.py parse`
 * and `vmunit parse` read every suite (each boot prints its own `KTAP version 1` / `1..1` document, and a
 * parser stops after the first: "Ran 1 tests" of 384). The first boot's console preamble opens the file, a
 * version line and one plan for every top-level result follow, then each boot's KTAP with its top-level
 * results numbered on, and the last boot's closing lines (`reboot: System halted`). Each boot's raw console
 * stays whole in its own `isolated/` folder. Pure.
 */

import { KtapExtractor } from '../ktap/extract.js';

const VERSION = /^K?TAP version \d+$/;
const PLAN = /^1\.\.\d+/;
const RESULT = /^(not ok|ok) \d+(.*)$/;

interface BootPart {
  readonly preamble: string[];
  readonly body: string[];
  readonly epilogue: string[];
}

function split(log: string): BootPart {
  const lines = log.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const extractor = new KtapExtractor();
  const part: BootPart = { preamble: [], body: [], epilogue: [] };
  for (const raw of lines) {
    if (extractor.stopped) {
      part.epilogue.push(raw);
      continue;
    }
    const wasStarted = extractor.started;
    const line = extractor.push(raw);
    // The boot's version line opens the merged document once, above every boot.
    if (!wasStarted) {
      if (!extractor.started) part.preamble.push(raw);
      continue;
    }
    if (line === undefined) {
      part.epilogue.push(raw);
      continue;
    }
    // The boot's own top-level plan is replaced by the merged one; a repeated version line is dropped.
    if (PLAN.test(line) || VERSION.test(line)) continue;
    part.body.push(line);
  }
  return part;
}

/** The merged test.log text of isolated boots' console logs, in boot order. */
export function mergeBootLogs(logs: readonly string[]): string {
  const parts = logs.map(split);
  const body: string[] = [];
  let number = 0;
  for (const part of parts) {
    for (const line of part.body) {
      const m = RESULT.exec(line);
      body.push(m === null ? line : `${m[1]} ${++number}${m[2]}`);
    }
  }
  const first = parts[0]?.preamble ?? [];
  const last = parts.at(-1)?.epilogue ?? [];
  const doc = number === 0 && body.length === 0 ? [] : ['KTAP version 1', `1..${number}`, ...body];
  const all = [...first, ...doc, ...last];
  return all.length === 0 ? '' : `${all.join('\n')}\n`;
}
