/**
 * Reading a file the user pointed at. A missing file and an unreadable one are different mistakes with
 * different fixes, so only ENOENT is "not found"; anything else (EACCES, EISDIR, EIO) says "cannot read"
 * and keeps the system error as the cause, which the CLI prints.
 */

import { open, readFile } from 'node:fs/promises';
import { VmunitError } from './errors.js';

/** True for the errno codes that mean "there is no such file". */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * The file's text. Throws INPUT_NOT_FOUND (`<path> not found<hint>`) when it does not exist, INPUT_INVALID
 * (`cannot read <path>`) with the system error as cause when it exists but cannot be read.
 */
export async function readInputFile(path: string, notFoundHint = ''): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if (isMissing(cause))
      throw new VmunitError('INPUT_NOT_FOUND', `${path} not found${notFoundHint}`, { cause });
    throw new VmunitError('INPUT_INVALID', `cannot read ${path}`, { cause });
  }
}

/** The file's text, or undefined when it does not exist; unreadable is still an error. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    if (isMissing(cause)) return undefined;
    throw new VmunitError('INPUT_INVALID', `cannot read ${path}`, { cause });
  }
}

/**
 * The file's bytes in chunks of up to `size`, read into one reused buffer: a chunk is valid only until the
 * next is asked for. A fresh buffer per chunk would cost, on a big log, a page fault per 4 KiB and external
 * memory the GC must track.
 */
export async function* readChunks(path: string, size = 1 << 18): AsyncGenerator<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    for (;;) {
      const { bytesRead } = await file.read(buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
