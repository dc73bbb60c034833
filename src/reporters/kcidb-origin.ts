/**
 * KCIDB's origin rule on its own: `vmunit run` checks `--origin` with its other flags, before any test runs,
 * without loading the KCIDB reporter (and node:crypto with it) on every run.
 */

import { VmunitError } from '../util/errors.js';

/** The schema's origin pattern (kcidb_io v03_00 `origin_pattern`). */
export const KCIDB_ORIGIN_PATTERN = /^[a-z0-9_]+$/;

/**
 * checkOrigin when one of `targets` is a KCIDB report: a command checks it before any work, since the report
 * is written at the end.
 */
export function checkOriginFor(
  targets: readonly { readonly format: string }[],
  origin: string | undefined,
): void {
  if (targets.some((t) => t.format === 'kcidb')) checkOrigin(origin);
}

/** `origin` when it is a KCIDB origin; USAGE naming the flag otherwise. */
export function checkOrigin(origin: string | undefined): string {
  if (origin === undefined || origin === '') {
    throw new VmunitError(
      'USAGE',
      '--format kcidb needs --origin NAME (the submitting CI system, [a-z0-9_]+)',
    );
  }
  if (!KCIDB_ORIGIN_PATTERN.test(origin)) {
    throw new VmunitError('USAGE', `--origin '${origin}' does not match KCIDB's origin pattern [a-z0-9_]+`);
  }
  return origin;
}
