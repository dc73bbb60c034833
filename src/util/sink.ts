/**
 * Where reporter text goes. Two disciplines, chosen by the reporter:
 * - streaming (`openStreamSink`): text is written as it is produced, so a killed run leaves everything
 *   written so far (KTAP). Files are opened at once, so an unwritable path fails before the run starts.
 * - atomic (`writeAtomic`): the whole document is written to a temporary file beside the target and renamed
 *   over it, so readers never see half a JUnit/HTML file, and an old report survives a crashed run.
 * Streams given by the caller (stdout) are written to but never ended.
 */

import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { VmunitError } from './errors.js';
import { type BlockDestination, OutputBuffer, type OutputEncoding } from './output-buffer.js';

/** A text destination that is written incrementally and closed once. */
export interface TextSink {
  write(text: string): void;
  /** Bytes already in the sink's encoding, after all text written before; the sink may keep them: do not change them. */
  writeBytes?(bytes: Uint8Array): void;
  /** Resolves when everything is on disk (or handed to the caller's stream); rejects on a write error. */
  close(): Promise<void>;
}

function unwritable(path: string, cause: unknown): VmunitError {
  return new VmunitError('OUTPUT_UNWRITABLE', `cannot write ${path}: ${(cause as Error).message}`, { cause });
}

/** Opens `path` for writing (created or truncated now, its folder too); OUTPUT_UNWRITABLE when it cannot be. */
function createFile(path: string): number {
  try {
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'w');
  } catch (error) {
    throw unwritable(path, error);
  }
}

/** A sink writing to the caller's stream (left open) or to a file created (truncated) now. */
export function openStreamSink(destination: NodeJS.WritableStream | string): TextSink {
  if (typeof destination !== 'string') {
    return {
      write: (text) => {
        if (text.length > 0) destination.write(text);
      },
      close: async () => {},
    };
  }
  const fd = createFile(destination);
  const stream = createWriteStream('', { fd, autoClose: true });
  let failure: unknown;
  stream.on('error', (error) => {
    failure ??= error;
  });
  return {
    write: (text) => {
      if (text.length > 0 && failure === undefined) stream.write(text);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        const settle = () => (failure === undefined ? resolve() : reject(unwritable(destination, failure)));
        if (stream.destroyed) {
          settle();
          return;
        }
        stream.end(settle);
      }),
  };
}

/** All of `text` to `fd` with synchronous writes: one, unless the file takes less (rare on a regular file). */
export function writeAllSync(fd: number, text: string): void {
  const written = writeSync(fd, text, null, 'utf8');
  if (written < text.length || written < Buffer.byteLength(text, 'utf8')) {
    // The rest from the byte where the short write stopped.
    writeAllBytesSync(fd, Buffer.from(text, 'utf8'), written);
  }
}

/** bytes[from, end) to `fd` with synchronous writes, as many as the file takes. */
function writeAllBytesSync(fd: number, bytes: Uint8Array, from = 0): void {
  for (let at = from; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
}

/**
 * A file written with synchronous writes of whole blocks (an OutputBuffer's): a write stream makes a
 * Buffer per write, and on a 100 MB report those cost more than the writes. Write errors are kept and
 * thrown by close.
 */
function openSyncFile(path: string): { readonly blocks: BlockDestination; close(): void } {
  const fd = createFile(path);
  let failure: unknown;
  let closed = false;
  return {
    blocks: {
      write: (bytes) => {
        if (failure !== undefined || closed) return true;
        try {
          writeAllBytesSync(fd, bytes);
        } catch (error) {
          failure = error;
        }
        return true;
      },
      reusable: () => true,
    },
    close: () => {
      if (!closed) {
        closed = true;
        try {
          closeSync(fd);
        } catch (error) {
          failure ??= error;
        }
      }
      if (failure !== undefined) throw unwritable(path, failure);
    },
  };
}

/** The temporary file beside `path` that a rename makes it (a hidden name no other process uses). */
export function atomicTemp(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
}

/** Writes `content` to `path` through a temporary file and a rename. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = atomicTemp(path);
  try {
    mkdirSync(dirname(path), { recursive: true });
    await writeFile(tmp, content, 'utf8');
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw unwritable(path, error);
  }
}

/**
 * `writeAtomic` with synchronous calls, for small documents rewritten while a run goes on: four system calls
 * in place of four trips through libuv's thread pool and the promises around them.
 */
export function writeAtomicSync(path: string, content: string): void {
  const tmp = atomicTemp(path);
  try {
    writeFileSync(tmp, content, 'utf8');
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw unwritable(path, error);
  }
}

/**
 * A destination that keeps what is written to it until `release` writes it all to `out`, in order: a
 * document for stdout while the console goes there too (kunit.py prints its JSON after the console's last
 * line, and a document streamed there would land in the middle of it).
 */
export class HeldOutput {
  readonly #chunks: Uint8Array[] = [];
  readonly stream: NodeJS.WritableStream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.#chunks.push(chunk);
      done();
    },
  });

  release(out: NodeJS.WritableStream): void {
    for (const chunk of this.#chunks) out.write(chunk);
    this.#chunks.length = 0;
  }
}

/** Fails early when `path` cannot be created, without leaving the file behind if it did not exist. */
export function checkWritable(path: string): void {
  const probe = join(dirname(path), `.${basename(path)}.${process.pid}.probe`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    closeSync(openSync(probe, 'w'));
    unlinkSync(probe);
  } catch (error) {
    throw unwritable(path, error);
  }
}

/** Writes a whole document to a destination: atomically for paths, plainly for the caller's stream. */
export async function writeDocument(
  destination: NodeJS.WritableStream | string,
  content: string,
): Promise<void> {
  if (typeof destination === 'string') {
    await writeAtomic(destination, content);
    return;
  }
  // Not waiting for the write callback: the caller's stream (stdout, a test double) stays theirs to flush.
  destination.write(content);
}

/**
 * A document written as it is produced, in blocks of 64 KiB (OutputBuffer: text and bytes copied into one
 * block, a write per block): to the caller's stream (left open), or to a temporary file beside `path`
 * renamed over it on close, so readers never see half a document.
 */
export function openDocumentSink(
  destination: NodeJS.WritableStream | string,
  encoding: OutputEncoding = 'utf8',
): Required<TextSink> {
  if (typeof destination !== 'string')
    return blockSink(new OutputBuffer(destination, encoding), async () => {});
  const tmp = atomicTemp(destination);
  let file: ReturnType<typeof openSyncFile>;
  try {
    file = openSyncFile(tmp);
  } catch (error) {
    throw unwritable(destination, (error as VmunitError).cause ?? error);
  }
  return blockSink(new OutputBuffer(file.blocks, encoding), async () => {
    try {
      file.close();
      await rename(tmp, destination);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error instanceof VmunitError ? error : unwritable(destination, error);
    }
  });
}

/** A TextSink over an OutputBuffer: what is left in its block goes out before `close`. */
function blockSink(out: OutputBuffer, close: () => Promise<void>): Required<TextSink> {
  return {
    write: out.write,
    writeBytes: out.writeBytes,
    close: async () => {
      out.flush();
      await close();
    },
  };
}
