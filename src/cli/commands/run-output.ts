/**
 * `vmunit run --format F [--output PATH]`: machine-readable reports of a guest run through the shared
 * reporters. Formats pair with outputs in order; a format without an output writes to a default file in
 * the results folder; `-` means stdout (the result lines then stay on stderr's side: see run.ts).
 */

import { join } from 'node:path';
import type { RunMetaInput } from '../../record/builder.js';
import { createReporter } from '../../reporters/registry.js';
import type { Reporter } from '../../reporters/types.js';
import { VmunitError } from '../../util/errors.js';

/** Format name → default file name in the results folder. */
export const RUN_FORMATS: Readonly<Record<string, string>> = {
  ktap: 'results.ktap',
  junit: 'junit.xml',
  json: 'kernelci.json',
  html: 'report.html',
};

export interface OutputRequest {
  readonly format: string;
  /** A path, or `-` for stdout. */
  readonly destination: string;
}

/** Pairs `--format` values with `--output` values. Throws USAGE for unknown formats or extra outputs. */
export function pairOutputs(
  formats: readonly string[],
  outputs: readonly string[],
  resultsDir: string | undefined,
): OutputRequest[] {
  if (outputs.length > formats.length) {
    throw new VmunitError('USAGE', `--output given ${outputs.length} times for ${formats.length} --format`);
  }
  return formats.map((format, i) => {
    const file = RUN_FORMATS[format];
    if (file === undefined) {
      throw new VmunitError(
        'USAGE',
        `unknown --format '${format}' (known: ${Object.keys(RUN_FORMATS).join(', ')})`,
      );
    }
    const destination = outputs[i] ?? (resultsDir === undefined ? '-' : join(resultsDir, file));
    return { format, destination };
  });
}

/**
 * Creates the reporters through the shared registry; `stdout` receives `-` destinations. The results
 * folder lets the HTML report show and link each test's log; `meta` is what the run knows beyond events.
 */
export function createRunReporters(
  requests: readonly OutputRequest[],
  stdout: NodeJS.WritableStream,
  context: { readonly resultsDir?: string; readonly meta?: RunMetaInput } = {},
): Reporter[] {
  return requests.map(({ format, destination }) =>
    createReporter(format, {
      destination: destination === '-' ? stdout : destination,
      color: false,
      title: 'vmunit run',
      ...context,
    }),
  );
}
