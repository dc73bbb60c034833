/**
 * The head and tail of a test's log file, read with bounded memory: a log may be the 8 MiB a flooding
 * guest is allowed. Only the first and last chunks are decoded; the middle is scanned for newlines to
 * count the lines left out.
 */

import { type FileHandle, open } from 'node:fs/promises';
import { pathInside } from '../../guest/logs.js';
import { type ExcerptLimits, type ExcerptPart, excerpt, excerptParts, LOG_LIMITS } from './excerpt.js';

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

/** Bytes read from each end; lines longer than this on average are clipped anyway. */
function edgeBytes(lines: number, limits: ExcerptLimits): number {
  return Math.max(4096, lines * (limits.lineChars + 1) * 4);
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

async function countNewlines(handle: FileHandle, size: number): Promise<number> {
  const buffer = Buffer.alloc(CHUNK);
  let count = 0;
  for (let pos = 0; pos < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK, size - pos), pos);
    if (bytesRead === 0) break;
    for (let i = buffer.indexOf(NEWLINE, 0); i !== -1 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1))
      count++;
    pos += bytesRead;
  }
  return count;
}

/**
 * The excerpt of `rel` (relative to `resultsDir`), or undefined when it escapes the folder or cannot be
 * read: the report then shows what the record holds instead.
 */
export async function readLogExcerpt(
  resultsDir: string,
  rel: string,
  limits: ExcerptLimits = LOG_LIMITS,
): Promise<{ parts: ExcerptPart[]; lines: number } | undefined> {
  let path: string;
  try {
    path = pathInside(resultsDir, rel);
  } catch {
    return undefined;
  }
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const { size } = await handle.stat();
    const head = edgeBytes(limits.headLines, limits);
    const tail = edgeBytes(limits.tailLines, limits);
    if (size <= head + tail) {
      const lines = splitLines((await handle.readFile()).toString('utf8'));
      return { parts: excerpt(lines, limits), lines: lines.length };
    }
    const headBuf = Buffer.alloc(head);
    await handle.read(headBuf, 0, head, 0);
    const tailBuf = Buffer.alloc(tail);
    await handle.read(tailBuf, 0, tail, size - tail);
    // A line that does not end the file still counts; the cut ends of both chunks are partial lines,
    // dropped rather than shown as if whole.
    const lines = (await countNewlines(handle, size)) + (tailBuf[tail - 1] === NEWLINE ? 0 : 1);
    const headText = headBuf.toString('utf8', 0, headBuf.lastIndexOf(NEWLINE) + 1);
    const tailText = tailBuf.toString('utf8', tailBuf.indexOf(NEWLINE) + 1);
    const headLines = splitLines(headText).slice(0, limits.headLines);
    const tailLines = splitLines(tailText).slice(-limits.tailLines);
    const omitted = lines - headLines.length - tailLines.length;
    return { parts: excerptParts(headLines, omitted, tailLines, limits), lines };
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
