/**
 * The names of vmunit's output formats, apart from their factories (registry.ts): parsing `--format` and
 * `--output` needs only the names, and importing every reporter for that slows every command's start-up.
 */

/** The output formats vmunit writes. */
export type ReporterFormat = 'console' | 'json' | 'junit' | 'ktap' | 'html' | 'tap13' | 'kcidb';

/** All formats, in the order help texts list them. */
export const REPORTER_FORMATS: readonly ReporterFormat[] = [
  'console',
  'json',
  'junit',
  'ktap',
  'html',
  'tap13',
  'kcidb',
];

/** Type guard for user-supplied format names. */
export function isReporterFormat(name: string): name is ReporterFormat {
  return (REPORTER_FORMATS as readonly string[]).includes(name);
}

/** What stdout gets when nothing is asked for: the kunit.py-style console on a terminal, KTAP in pipes. */
export function defaultFormat(isTTY: boolean): ReporterFormat {
  return isTTY ? 'console' : 'ktap';
}
