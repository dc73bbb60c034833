/**
 * The reporters for resolved output targets (output.ts). Apart from the grammar because it loads every
 * reporter (registry.ts): a command imports it only once it has a target to write.
 */

import { checkWritable } from '../util/sink.js';
import type { OutputTarget } from './output.js';
import { type CreateReporterOptions, createReporter } from './registry.js';
import { FanOutReporter } from './types.js';

/** Where stdout-bound reporters write, whether colour is wanted there, and per-format settings. */
export interface OutputContext extends Omit<CreateReporterOptions, 'destination' | 'color'> {
  readonly stdout: NodeJS.WritableStream;
  /** Colour for stdout (files never get colour). */
  readonly color: boolean;
}

/**
 * One reporter per target behind a FanOutReporter. Paths for whole-document formats are probed now, so
 * an unwritable `--output` fails before the run rather than after it.
 */
export function createOutputReporter(targets: readonly OutputTarget[], ctx: OutputContext): FanOutReporter {
  const { stdout, color, ...settings } = ctx;
  const reporters = targets.map((t) => {
    if (t.path !== '-' && (t.format === 'json' || t.format === 'junit' || t.format === 'html')) {
      checkWritable(t.path);
    }
    const destination = t.path === '-' ? stdout : t.path;
    return createReporter(t.format, { ...settings, destination, color: t.path === '-' && color });
  });
  return new FanOutReporter(reporters);
}
