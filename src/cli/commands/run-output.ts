/**
 * `vmunit run`'s reports through the shared grammar (reporters/output.ts): `--format F` without a paired
 * `--output` writes F to its default file in the results folder; `--output PATH` / `F:PATH` anywhere
 * (`-` = stdout, the result lines then go to stderr). Reports on stdout stream as the run goes; report
 * files are rendered from the run record when the run ends (reporters/render-record.ts), which is what
 * `vmunit report` renders later, byte for byte. A run without a results folder (a dry run) streams them all.
 */

import { join } from 'node:path';
import { type OutputTarget, parseOutputSpecs } from '../../reporters/output.js';
import type { ReporterFormat } from '../../reporters/registry.js';

/** Format name → default file name in the results folder. */
export const RUN_FORMATS: Readonly<Partial<Record<ReporterFormat, string>>> = {
  ktap: 'results.ktap',
  junit: 'junit.xml',
  json: 'kernelci.json',
  html: 'report.html',
  tap13: 'results.tap13',
  kcidb: 'kcidb.json',
};

export interface RunTargets {
  /** Streamed to as the run goes (stdout, and every file when there is no results folder). */
  readonly live: readonly OutputTarget[];
  /** Rendered from the record at the end. */
  readonly fromRecord: readonly OutputTarget[];
}

/** `--format`/`--output` (and `-t`, TAP 13 on stdout) → where each report goes. */
export function runTargets(
  formats: readonly string[],
  outputs: readonly string[],
  opts: { readonly tap13: boolean; readonly resultsDir: string | undefined; readonly cwd: string },
): RunTargets {
  const files = Object.fromEntries(
    Object.entries(RUN_FORMATS).map(([f, name]) => [
      f,
      opts.resultsDir === undefined ? undefined : join(opts.resultsDir, name),
    ]),
  );
  const targets = parseOutputSpecs({
    format: formats,
    outputs: opts.tap13 ? [...outputs, 'tap13:-'] : outputs,
    isTTY: false,
    cwd: opts.cwd,
    defaultFiles: opts.resultsDir === undefined ? {} : files,
    ownStdout: true,
  });
  if (opts.resultsDir === undefined) return { live: targets, fromRecord: [] };
  return { live: targets.filter((t) => t.path === '-'), fromRecord: targets.filter((t) => t.path !== '-') };
}
