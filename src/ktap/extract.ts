/**
 * Extraction of the KTAP part of a kernel log, as kunit.py's `extract_tap_lines` does it, one line at a time:
 * - every line is right-stripped first (Python `rstrip()`);
 * - the first line that *ends* with `KTAP version N` (else `TAP version N`) starts extraction; the number of
 *   characters before the first `KTAP version` (`TAP version`) in it is the prefix length (printk timestamps,
 *   `[ T1]` caller ids, console prefixes), and that many characters are cut from every later line, blindly;
 * - once started, a line containing `List of all partitions:`, `Kernel panic - not syncing: VFS:` or
 *   `reboot: System halted` ends extraction (the line and everything after it are dropped);
 * - before the start, lines containing `kunit executor: ` are kept whole (filter errors), others dropped.
 */

import { pyLen, pyRstrip, pySliceFrom } from './py-text.js';

/** Markers after which kunit.py stops reading (KTAP_END). */
export const KTAP_END_MARKERS: readonly string[] = [
  'List of all partitions:',
  'Kernel panic - not syncing: VFS:',
  'reboot: System halted',
];

const EXECUTOR_MARK = 'kunit executor: ';

/** All stop markers in one search (one scan of the line instead of three). */
const END_SEARCH = new RegExp(
  KTAP_END_MARKERS.map((m) => m.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'),
);

/** True when `text` ends with `<keyword> <digits>` (the unanchored `\s*KTAP version ([0-9]+)$` search). */
function endsWithVersion(text: string, keyword: string): boolean {
  let i = text.length;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c < 0x30 || c > 0x39) break;
    i--;
  }
  if (i === text.length) return false;
  return text.startsWith(`${keyword} `, i - keyword.length - 1);
}

/** State of one extraction pass. `push` returns the extracted text of a line, or undefined to drop it. */
export class KtapExtractor {
  #started = false;
  #stopped = false;
  #prefixLen = 0;

  /** True once a version line was seen. */
  get started(): boolean {
    return this.#started;
  }

  /** Characters cut from the start of every line after the version line. */
  get prefixLength(): number {
    return this.#prefixLen;
  }

  /** True once a KTAP_END marker was seen: every later line is dropped. */
  get stopped(): boolean {
    return this.#stopped;
  }

  push(rawLine: string): string | undefined {
    if (this.#stopped) return undefined;
    const line = pyRstrip(rawLine);
    if (!this.#started) {
      for (const keyword of ['KTAP version', 'TAP version']) {
        if (endsWithVersion(line, keyword)) {
          // Python: len(line.split(keyword)[0]) — characters before the first occurrence.
          this.#prefixLen = pyLen(line.slice(0, line.indexOf(keyword)));
          this.#started = true;
          return pySliceFrom(line, this.#prefixLen);
        }
      }
      return line.includes(EXECUTOR_MARK) ? line : undefined;
    }
    // Every marker has a ':', which most lines (result lines) lack: one native scan decides for them.
    if (line.includes(':') && END_SEARCH.test(line)) {
      this.#stopped = true;
      return undefined;
    }
    return pySliceFrom(line, this.#prefixLen);
  }
}

/** Convenience: the extracted lines of a whole log (tests, `--raw_output=kunit`). */
export function* extractKtap(lines: Iterable<string>): Generator<string> {
  const extractor = new KtapExtractor();
  for (const line of lines) {
    const out = extractor.push(line);
    if (out !== undefined) yield out;
    if (extractor.stopped) return;
  }
}
