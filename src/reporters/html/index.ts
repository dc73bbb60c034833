/**
 * The HTML reporter: folds the run's events into the run record (src/record, the document every format
 * reads), and on close reads each test's log excerpt from the results folder and writes one
 * self-contained page (page.ts), atomically for files. `vmunit report` renders a saved record the same
 * way: `collectLogs` then `renderHtml`.
 */

import { dirname, join, relative, resolve, sep } from 'node:path';
import type { RunEvent } from '../../events/types.js';
import { RecordBuilder, type RunMetaInput } from '../../record/builder.js';
import type { RunRecord } from '../../record/types.js';
import { writeDocument } from '../sink.js';
import type { Reporter, ReporterOptions } from '../types.js';
import { readLogExcerpt } from './log-file.js';
import { type HtmlRenderOptions, renderHtml } from './page.js';
import type { TestLogView } from './test-view.js';

export { anchorIds } from './anchors.js';
export { type HtmlRenderOptions, renderHtml } from './page.js';

export interface HtmlReporterOptions extends ReporterOptions {
  readonly title?: string;
  /** The results folder the record's log paths are relative to; without it no log is read. */
  readonly resultsDir?: string;
  /** What the CLI knows about the run beyond the events (tool, command line, QEMU, tree…). */
  readonly meta?: RunMetaInput;
  /** A previous run to mark regressions against (see HtmlRenderOptions.baseline). */
  readonly baseline?: RunRecord;
}

/** A relative URL: each path segment percent-encoded, so `#`, `?` and `%` in test names stay in the path. */
export function fileHref(fromDir: string, target: string): string {
  return relative(fromDir, target).split(sep).map(encodeURIComponent).join('/');
}

/**
 * Log excerpts and links for the tests that have a log file. Links are relative to the page's folder;
 * for a page on a stream they are relative to the results folder.
 */
export async function collectLogs(
  record: RunRecord,
  resultsDir: string,
  pageDir: string = resultsDir,
): Promise<Map<string, TestLogView>> {
  const logs = new Map<string, TestLogView>();
  for (const test of record.tests) {
    if (test.log === undefined) continue;
    const read = await readLogExcerpt(resultsDir, test.log);
    if (!read) continue;
    const href = fileHref(resolve(pageDir), resolve(join(resultsDir, test.log)));
    logs.set(test.id, { parts: read.parts, lines: read.lines, href });
  }
  return logs;
}

/** The page for a finished list of events, without log files (benchmarks, tests, in-memory use). */
export function htmlFromEvents(events: Iterable<RunEvent>, opts: HtmlRenderOptions = {}): string {
  const builder = new RecordBuilder();
  for (const event of events) builder.push(event);
  return renderHtml(builder.record(), opts);
}

export function createHtmlReporter(opts: HtmlReporterOptions): Reporter {
  const builder = new RecordBuilder(opts.meta);
  return {
    onEvent(event: RunEvent): void {
      builder.push(event);
    },
    async close(): Promise<void> {
      const record = builder.record();
      const pageDir = typeof opts.destination === 'string' ? dirname(opts.destination) : opts.resultsDir;
      const render: HtmlRenderOptions = {
        ...(opts.title === undefined ? {} : { title: opts.title }),
        ...(opts.baseline === undefined ? {} : { baseline: opts.baseline }),
        ...(opts.resultsDir === undefined
          ? {}
          : { logs: await collectLogs(record, opts.resultsDir, pageDir) }),
      };
      await writeDocument(opts.destination, renderHtml(record, render));
    },
  };
}
