/**
 * The KTAP core as the exec stage drives it: one parser per boot (embedded under the stage's root, ids
 * prefixed per boot) and kunit.py's extract_tap_lines over a finished list of lines (listings, raw output).
 */

import { extractKtap } from '../ktap/extract.js';
import { KtapParser } from '../ktap/parser.js';
import type { BootParserOptions, KtapLineParser } from './types.js';

/** A KTAP core parser for one boot; run events are the exec stage's. */
export function ktapBootParser(options: BootParserOptions): KtapLineParser {
  return new KtapParser({
    idPrefix: options.idPrefix,
    ...(options.parentId === null ? {} : { parentId: options.parentId }),
    depth: options.depth,
    runEvents: false,
    ...(options.rules ? { rules: options.rules } : {}),
  });
}

/** kunit.py's extract_tap_lines over a finished list of lines. */
export function extractKtapLines(lines: readonly string[]): string[] {
  return [...extractKtap(lines)];
}
