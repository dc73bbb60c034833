/**
 * kunit.py's console conventions for the tool's own messages: `[HH:MM:SS] ` local-time prefixes and
 * seconds printed with three decimals.
 */

import type { KernelIo } from './types.js';

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `[HH:MM:SS] ` in local time, as kunit_printer.print_with_timestamp. */
export function timestampPrefix(epochMs: number): string {
  const d = new Date(epochMs);
  return `[${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}] `;
}

/** Prints one timestamped line. */
export function printTimestamped(io: Pick<KernelIo, 'out' | 'now'>, message: string): void {
  io.out(`${timestampPrefix(io.now())}${message}\n`);
}

/** Seconds with three decimals (Python's `%.3f`). */
export function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
