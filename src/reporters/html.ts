/**
 * Self-contained single-file HTML report of the final result tree: run header, summary counts, and the
 * tree with a coloured status per test, directives and reasons, durations, failure detail, parse issues
 * and collapsible logs. No scripts and no external assets: collapsing uses <details>, styling is inline,
 * and a Content-Security-Policy forbids everything else, so a report opened from a CI artifact store can
 * never run code even if a guest managed to smuggle markup past the escaping (which every test name, log
 * line, reason and metadata value goes through).
 */

import type { RunEvent, RunStartEvent, TestStatus } from '../events/types.js';
import { isOkStatus, type TestCounts, type TestNode, totalTests } from '../ktap/model.js';
import { TreeBuilder } from '../ktap/tree.js';
import { htmlEscape as h } from './escape.js';
import { formatFailure } from './failure-text.js';
import { writeDocument } from './sink.js';
import type { Reporter, ReporterOptions } from './types.js';

/** What the page shows besides the tree. */
export interface HtmlReportInfo {
  readonly title?: string;
  readonly runStart?: RunStartEvent;
  readonly elapsedMs?: number;
  readonly interrupted?: boolean;
}

const STATUS_LABEL: Readonly<Record<TestStatus, string>> = {
  SUCCESS: 'PASSED',
  FAILURE: 'FAILED',
  SKIPPED: 'SKIPPED',
  TEST_CRASHED: 'CRASHED',
  NO_TESTS: 'NO TESTS RUN',
  FAILURE_TO_PARSE_TESTS: 'NOT PARSED',
};

const STATUS_CLASS: Readonly<Record<TestStatus, string>> = {
  SUCCESS: 'pass',
  FAILURE: 'fail',
  SKIPPED: 'skip',
  TEST_CRASHED: 'crash',
  NO_TESTS: 'none',
  FAILURE_TO_PARSE_TESTS: 'crash',
};

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:1.5em;color:#1d1d1f;background:#fff}
h1{font-size:1.4em;margin:0 0 .3em}
.meta{color:#555;margin:.2em 0}
.summary{display:flex;gap:.6em;flex-wrap:wrap;margin:1em 0}
.count{padding:.35em .8em;border-radius:6px;background:#f2f2f4}
.count b{font-size:1.15em}
ul.tree{list-style:none;padding-left:1.2em;margin:0}
ul.tree.top{padding-left:0}
li{margin:.15em 0}
.badge{display:inline-block;min-width:6.5em;text-align:center;font:bold 11px/1.7 ui-monospace,monospace;
border-radius:4px;color:#fff;margin-right:.5em}
.pass{background:#1a7f37}.fail{background:#cf222e}.crash{background:#8250df}.skip{background:#9a6700}
.none{background:#6e7781}
.name{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
.dir{color:#9a6700;margin-left:.5em}.dur{color:#6e7781;margin-left:.5em}.why{color:#555;margin-left:.5em}
pre{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.5em .7em;overflow:auto;
margin:.3em 0;white-space:pre-wrap;word-break:break-all}
pre.failure{background:#fff5f5;border-color:#f5c2c7}
.issue{color:#cf222e}
details>summary{cursor:pointer}
#only-problems:checked~ul li.ok{display:none}
label{margin-left:.3em;color:#555}
.interrupted{background:#fff8c5;border:1px solid #d4a72c;padding:.4em .7em;border-radius:6px}
`;

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function badge(status: TestStatus): string {
  return `<span class="badge ${STATUS_CLASS[status]}">${STATUS_LABEL[status]}</span>`;
}

function summary(counts: TestCounts, elapsedMs: number | undefined): string {
  const cells: Array<[string, number | string]> = [
    ['tests', totalTests(counts)],
    ['passed', counts.passed],
    ['failed', counts.failed],
    ['crashed', counts.crashed],
    ['skipped', counts.skipped],
    ['errors', counts.errors],
  ];
  if (elapsedMs !== undefined) cells.push(['time', formatMs(elapsedMs)]);
  const inner = cells.map(([k, v]) => `<span class="count ${k}">${h(k)}: <b>${h(String(v))}</b></span>`);
  return `<div class="summary">${inner.join('')}</div>`;
}

/** The one-line head of a test: badge, name, directive, reason, duration. */
function nodeHead(node: TestNode): string {
  const parts = [
    badge(node.status),
    `<span class="name">${h(node.name === '' ? '(unnamed)' : node.name)}</span>`,
  ];
  if (
    node.directive &&
    !(node.directive.kind === 'SKIP' && node.status === 'SKIPPED' && !node.directive.reason)
  ) {
    const text = node.directive.reason
      ? `${node.directive.kind}: ${node.directive.reason}`
      : node.directive.kind;
    parts.push(`<span class="dir"># ${h(text)}</span>`);
  }
  if (node.reason) parts.push(`<span class="why">(${h(node.reason)})</span>`);
  if (node.subtests.length > 0) parts.push(`<span class="dur">${h(countsText(node.counts))}</span>`);
  if (node.durationMs !== undefined) parts.push(`<span class="dur">${h(formatMs(node.durationMs))}</span>`);
  return parts.join('');
}

function countsText(c: TestCounts): string {
  return `${c.passed}/${totalTests(c)} passed`;
}

/** Failure detail, parse issues and the log of one test. */
function nodeBody(node: TestNode): string {
  const out: string[] = [];
  for (const failure of node.failures)
    out.push(`<pre class="failure">${h(formatFailure(failure).join('\n'))}</pre>`);
  for (const issue of node.issues) out.push(`<div class="issue">[ERROR] ${h(issue)}</div>`);
  if (node.log.length > 0) {
    const open = isOkStatus(node.status) || node.subtests.length > 0 ? '' : ' open';
    const n = node.log.length;
    out.push(
      `<details class="log"${open}><summary>log (${n} line${n === 1 ? '' : 's'})</summary>` +
        `<pre>${h(node.log.join('\n'))}</pre></details>`,
    );
  }
  return out.join('');
}

function renderNode(node: TestNode): string {
  const body = nodeBody(node);
  // "ok" items are hidden by the "only problems" toggle (pure CSS, the page has no scripts).
  const li = isOkStatus(node.status) && node.counts.errors === 0 ? '<li class="ok">' : '<li>';
  if (node.subtests.length === 0) return `${li}${nodeHead(node)}${body}</li>`;
  // Suites with problems start expanded; passing ones stay folded so failures are what one sees first.
  const open = isOkStatus(node.status) ? '' : ' open';
  const children = node.subtests.map(renderNode).join('');
  return `${li}<details${open}><summary>${nodeHead(node)}</summary>${body}<ul class="tree">${children}</ul></details></li>`;
}

function header(root: TestNode, info: HtmlReportInfo): string {
  const run = info.runStart;
  const title = info.title ?? (run ? `vmunit: ${run.name}` : 'vmunit report');
  const lines = [`<h1>${badge(root.status)}${h(title)}</h1>`];
  if (run) {
    const meta = Object.entries(run.meta ?? {}).map(([k, v]) => `${h(k)}=${h(v)}`);
    lines.push(
      `<div class="meta">producer: ${h(run.producer)}${meta.length ? ` · ${meta.join(' · ')}` : ''}</div>`,
    );
    if (run.time !== undefined)
      lines.push(`<div class="meta">started: ${h(new Date(run.time).toISOString())}</div>`);
  }
  if (info.interrupted)
    lines.push('<div class="interrupted">The run was interrupted; results are partial.</div>');
  return lines.join('\n');
}

/** Renders one result tree as a complete HTML document. */
export function treeToHtml(root: TestNode, info: HtmlReportInfo = {}): string {
  const title = info.title ?? (info.runStart ? `vmunit: ${info.runStart.name}` : 'vmunit report');
  const rootBody = nodeBody(root);
  const children = root.subtests.map(renderNode).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${header(root, info)}
${summary(root.counts, info.elapsedMs ?? root.durationMs)}
${rootBody}
<input type="checkbox" id="only-problems"><label for="only-problems">only failures, crashes and errors</label>
<ul class="tree top">
${children}
</ul>
</body>
</html>
`;
}

/** A reporter that writes the HTML page on close (atomically for files). */
export function createHtmlReporter(opts: ReporterOptions & { readonly title?: string }): Reporter {
  const builder = new TreeBuilder();
  return {
    onEvent(event: RunEvent): void {
      builder.push(event);
    },
    async close(): Promise<void> {
      const root = builder.root();
      const elapsedMs = builder.elapsedMs;
      const info: HtmlReportInfo = {
        interrupted: builder.interrupted,
        ...(opts.title === undefined ? {} : { title: opts.title }),
        ...(builder.runStart ? { runStart: builder.runStart } : {}),
        ...(elapsedMs === undefined ? {} : { elapsedMs }),
      };
      await writeDocument(opts.destination, treeToHtml(root, info));
    },
  };
}
