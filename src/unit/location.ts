/**
 * Where a check stands in the user's source: the first stack frame outside this library (KUnit gets it
 * from `__FILE__`/`__LINE__` in its macros; JavaScript has only the stack). Under tsx the stack is already
 * source-mapped, so the line and column are those of the .ts file.
 */

import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SourceLocation } from '../events/types.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * This library's own folders: where it runs from, and both src/unit and dist/unit of the package, because
 * once tsx enables source maps in a host, frames of dist/unit/*.js are reported as src/unit/*.ts.
 */
const LIBRARY_DIRS = [HERE, join(HERE, '../../src/unit'), join(HERE, '../../dist/unit')].map(
  (d) => resolve(d) + sep,
);

/**
 * One V8 stack frame line. Accepted formats:
 * - `    at Object.eq (/abs/file.ts:12:5)`
 * - `    at file:///abs/file.js:12:5`
 * - `    at async run (file:///abs/file.js:12:5)`
 */
const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/|\/|[A-Za-z]:[\\/]).*?):(\d+):(\d+)\)?$/;

/** Parses one stack line into an absolute path and position; undefined for native/internal frames. */
export function parseFrame(line: string): SourceLocation | undefined {
  const m = FRAME.exec(line);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  let file = m[1];
  if (file.startsWith('file://')) {
    try {
      file = fileURLToPath(file.replace(/\?.*$/, ''));
    } catch {
      return undefined;
    }
  }
  return { file: file.replace(/\?.*$/, ''), line: Number(m[2]), column: Number(m[3]) };
}

/** First frame of `stack` whose file is not part of the unit library itself. */
export function userFrame(
  stack: string | undefined,
  libraryDirs: readonly string[] = LIBRARY_DIRS,
): SourceLocation | undefined {
  if (!stack) return undefined;
  for (const line of stack.split('\n')) {
    const frame = parseFrame(line);
    if (frame && !libraryDirs.some((d) => frame.file.startsWith(d))) return frame;
  }
  return undefined;
}

/** The location of the code that called into the library (cheap enough: only used on failures). */
export function callerLocation(): SourceLocation | undefined {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 30;
  const stack = new Error().stack;
  Error.stackTraceLimit = saved;
  return userFrame(stack);
}

/** Path for display: relative to `root` when inside it (KUnit prints tree-relative paths), else absolute. */
export function displayPath(file: string, root: string): string {
  const rel = relative(root, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}
