/**
 * Paths a user or a test name gives, kept inside the folder they belong to (results folders, logs).
 */

import { isAbsolute, relative, resolve, sep } from 'node:path';
import { VmunitError } from './errors.js';

/** Resolves `rel` under `root`, refusing anything that would land outside it. */
export function pathInside(root: string, rel: string): string {
  const base = resolve(root);
  const full = resolve(base, rel);
  const r = relative(base, full);
  if (r === '' || r.startsWith(`..${sep}`) || r === '..' || isAbsolute(r)) {
    throw new VmunitError('PATH_ESCAPE', `log path '${rel}' escapes the results folder ${base}`);
  }
  return full;
}
