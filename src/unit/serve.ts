/**
 * What a host does with a request, separated from the entry point so the same code serves the in-process
 * backend (isolation "none") and tests.
 */

import { SuiteExecutor } from './executor.js';
import { describeSuites, loadSuites } from './loader.js';
import type { HostMessage, HostRequest } from './protocol.js';
import { SourceCache } from './source-cache.js';
import type { SuiteInfo } from './types.js';

/**
 * Serves one request. `fresh` (in-process use) makes each load evaluate the file again. Load errors are
 * reported as `load-failed`, never thrown, so the parent can name the file.
 */
export async function serveRequest(
  request: HostRequest,
  send: (m: HostMessage) => void,
  fresh?: string,
): Promise<void> {
  if (request.job === 'list') {
    const suites: SuiteInfo[] = [];
    for (const file of request.files) {
      try {
        suites.push(...describeSuites(file, await loadSuites(file, fresh)));
      } catch (error) {
        send({ kind: 'load-failed', file, message: error instanceof Error ? error.message : String(error) });
        return;
      }
    }
    send({ kind: 'listed', suites });
    return;
  }
  let suite: Awaited<ReturnType<typeof loadSuites>>[number] | undefined;
  try {
    suite = (await loadSuites(request.file, fresh))[request.suiteIndex];
  } catch (error) {
    send({
      kind: 'load-failed',
      file: request.file,
      message: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  if (!suite || suite.name !== request.suiteName) {
    send({
      kind: 'load-failed',
      file: request.file,
      message: `suite "${request.suiteName}" is no longer defined here`,
    });
    return;
  }
  await new SuiteExecutor(suite, request, send, new SourceCache()).run();
}
