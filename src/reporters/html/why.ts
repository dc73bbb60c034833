/**
 * The lines of a failed test's output that say why it failed, shown before anything else. The patterns are
 * what kvm-unit-tests guests, QEMU and kernels print when a test dies rather than reports a failed check
 * (failed checks are listed as checks): an assertion, an abort, an unhandled exception, an emulation
 * failure, a panic, a QEMU error. Not QEMU's `terminating on signal`: that is the harness ending a timed-out
 * guest, and the log's tail shows better where it stopped.
 */

import { clipLine } from './excerpt.js';

const MARKERS: readonly RegExp[] = [
  /assert(ion)? failed/i,
  /^ABORT:/,
  /^\s*STACK:/,
  /Unhandled exception/i,
  /KVM internal error/,
  /emulation failure/,
  /Kernel panic/,
  /\bBUG:/,
  /\bOops\b/,
  /^qemu-system-[^:]+: (?!warning|terminating on signal)/,
];

const MAX_LINES = 12;
const LINE_CHARS = 400;

/** Up to a dozen marker lines, in output order, each clipped. */
export function whyLines(output: readonly string[]): string[] {
  const found: string[] = [];
  for (const line of output) {
    if (!MARKERS.some((m) => m.test(line))) continue;
    found.push(clipLine(line, LINE_CHARS));
    if (found.length === MAX_LINES) break;
  }
  return found;
}
