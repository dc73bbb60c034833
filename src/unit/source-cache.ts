/**
 * Reads test sources to recover operand texts. One cache per run (owned by the executor), never global:
 * a file edited between two runs in one process is read afresh.
 */

import { readFileSync } from 'node:fs';
import type { SourceLocation } from '../events/types.js';
import { extractCallArguments } from './call-args.js';

export class SourceCache {
  readonly #files = new Map<string, string | null>();

  /** The source text of `file`, or null when it cannot be read (the caller falls back to values). */
  text(file: string): string | null {
    let text = this.#files.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        text = null;
      }
      this.#files.set(file, text);
    }
    return text;
  }

  /** Argument texts of the call at `location` (see call-args.ts), or undefined. */
  argumentsAt(location: SourceLocation): string[] | undefined {
    const text = this.text(location.file);
    if (text === null || location.column === undefined) return undefined;
    return extractCallArguments(text, location.line, location.column);
  }
}
