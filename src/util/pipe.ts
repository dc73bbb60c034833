/**
 * A closed stdout pipe (`vmunit … | head -1`) ends nothing: the command runs on and exits with the status
 * it would have had, and writes that no longer have a reader are dropped. Without this, Node turns the
 * EPIPE into an unhandled 'error' event (a stack trace and exit 1) or leaves a writer waiting for a
 * 'drain' that never comes.
 */

type Stream = NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };

/** Swallows EPIPE on `stream` (other errors still reach `onError`). */
export function guardClosedPipe(stream: Stream, onError: (error: Error) => void): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') onError(error);
  });
}

/** True when writes to `stream` go nowhere any more. */
export function isClosed(stream: Stream): boolean {
  return stream.destroyed === true || stream.writableEnded === true;
}

/** Waits until `stream` can take more, or is gone (closed pipe): never hangs on a dead reader. */
export function waitDrain(stream: Stream): Promise<void> {
  if (isClosed(stream)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
