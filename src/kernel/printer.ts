/**
 * kunit.py's console conventions for the tool's own messages: `[HH:MM:SS] ` local-time prefixes (the
 * clock format is reporters/printer.ts's, shared with the parse console) and seconds with three decimals.
 */

import { formatClock } from '../reporters/printer.js';
import type { KernelIo } from './types.js';

/** `[HH:MM:SS] ` in local time, as kunit_printer.print_with_timestamp. */
export function timestampPrefix(epochMs: number): string {
  return `[${formatClock(new Date(epochMs))}] `;
}

/** Prints one timestamped line. */
export function printTimestamped(io: Pick<KernelIo, 'out' | 'now'>, message: string): void {
  io.out(`${timestampPrefix(io.now())}${message}\n`);
}

/** Seconds with three decimals (Python's `%.3f`). */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
