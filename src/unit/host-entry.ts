/**
 * Entry point of an isolation host (a worker thread or a child process). It reads its request (workerData
 * or the VMUNIT_HOST_REQUEST environment variable), loads the test file, runs or lists, and reports
 * through the message channel. An exception that escapes every handler (a throw in a timer, an unhandled
 * rejection) is reported as `fatal` and ends the host: the parent marks the running case as crashed.
 */

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { HostMessage, HostRequest } from './protocol.js';
import { serveRequest } from './serve.js';

const request = (
  isMainThread ? JSON.parse(process.env.VMUNIT_HOST_REQUEST ?? '{}') : workerData
) as HostRequest;

function send(message: HostMessage): void {
  if (isMainThread) process.send?.(message);
  else parentPort?.postMessage(message);
}

function fatal(error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  send({ kind: 'fatal', message: text });
  // Exit code 70 (EX_SOFTWARE): the parent learns the cause from the message above.
  setImmediate(() => process.exit(70));
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

await serveRequest(request, send);
