/**
 * Name → reporter factory. The CLI turns `--format`/`--output` into names (formats.ts) and destinations
 * (output.ts) and asks this table for the reporters (output-reporter.ts).
 */

import type { RunMetaInput } from '../record/builder.js';
import type { RunRecord } from '../record/types.js';
import { VmunitError } from '../util/errors.js';
import { type ConsoleFactoryOptions, createConsoleReporter } from './console.js';
import { isReporterFormat, REPORTER_FORMATS, type ReporterFormat } from './formats.js';
import { createHtmlReporter } from './html/index.js';
import { createKunitJsonReporter, type KunitJsonMetadata } from './json-kunit.js';
import { createJUnitReporter, type JUnitStyle } from './junit.js';
import { createKcidbReporter } from './kcidb.js';
import { createKtapReporter } from './ktap.js';
import { Tap13Reporter } from './tap13.js';
import type { Reporter, ReporterOptions } from './types.js';

export { defaultFormat, isReporterFormat, REPORTER_FORMATS, type ReporterFormat } from './formats.js';

/** Per-format settings; each reporter reads only its own. */
export interface CreateReporterOptions extends ReporterOptions {
  /** console: clock for the `[HH:MM:SS]` prefix; summaryOnly for kunit.py's `--summary`. */
  readonly now?: ConsoleFactoryOptions['now'];
  readonly summaryOnly?: boolean;
  /** json: KernelCI metadata (arch, defconfig, build dir). */
  readonly metadata?: KunitJsonMetadata;
  /** junit: framing. */
  readonly junitStyle?: JUnitStyle;
  /** junit, json: exactly kunit.py's kunit_junit.py / kunit_json.py output. */
  readonly kunitCompatible?: boolean;
  /** html: page title, and the results folder whose log files the page excerpts and links. */
  readonly title?: string;
  readonly resultsDir?: string;
  /** html: what the CLI knows about the run beyond its events (tool version, tree, accelerator). */
  readonly meta?: RunMetaInput;
  /** html: a previous run's record; tests whose verdict changed are marked. */
  readonly baseline?: RunRecord;
  /** kcidb: the submitting origin (`--origin`, required) and where test logs are published. */
  readonly origin?: string;
  readonly logUrlBase?: string;
}

type Factory = (opts: CreateReporterOptions) => Reporter;

const base = (o: CreateReporterOptions): ReporterOptions => ({ destination: o.destination, color: o.color });

const FACTORIES: Readonly<Record<ReporterFormat, Factory>> = {
  console: (o) =>
    createConsoleReporter({
      ...base(o),
      ...(o.now === undefined ? {} : { now: o.now }),
      ...(o.summaryOnly === undefined ? {} : { summaryOnly: o.summaryOnly }),
    }),
  json: (o) =>
    createKunitJsonReporter({
      ...base(o),
      ...(o.metadata === undefined ? {} : { metadata: o.metadata }),
      ...(o.kunitCompatible === undefined ? {} : { kunitCompatible: o.kunitCompatible }),
    }),
  junit: (o) =>
    createJUnitReporter({
      ...base(o),
      ...(o.junitStyle === undefined ? {} : { style: o.junitStyle }),
      ...(o.kunitCompatible === undefined ? {} : { kunitCompatible: o.kunitCompatible }),
    }),
  ktap: (o) => createKtapReporter(base(o)),
  html: (o) =>
    createHtmlReporter({
      ...base(o),
      ...(o.title === undefined ? {} : { title: o.title }),
      ...(o.resultsDir === undefined ? {} : { resultsDir: o.resultsDir }),
      ...(o.meta === undefined ? {} : { meta: o.meta }),
      ...(o.baseline === undefined ? {} : { baseline: o.baseline }),
    }),
  // run_tests.sh's `-t` output: one line per guest check, so it only means something for guest runs.
  tap13: (o) => new Tap13Reporter(o.destination),
  kcidb: (o) =>
    createKcidbReporter({
      destination: o.destination,
      origin: o.origin ?? '',
      ...(o.logUrlBase === undefined ? {} : { logUrlBase: o.logUrlBase }),
    }),
};

/** The reporter for `format`; an unknown name is a usage error listing the known ones. */
export function createReporter(format: string, opts: CreateReporterOptions): Reporter {
  if (!isReporterFormat(format)) {
    throw new VmunitError(
      'USAGE',
      `unknown output format '${format}' (choose from ${REPORTER_FORMATS.join(', ')})`,
    );
  }
  return FACTORIES[format](opts);
}
