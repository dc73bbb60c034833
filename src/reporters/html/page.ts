/**
 * The report page for one run record: run metadata and whether the run completed, counts at both levels
 * (tests with their harness verdicts; the checks inside them), a list of failing tests linking to their
 * anchors, a CSS-only status filter, and every test in record order (test-view.ts). No scripts and no
 * external resources: the Content-Security-Policy forbids both, so markup that slipped past the escaping
 * still could not run or fetch anything.
 */

import { verdictChangeKind } from '../../record/changes.js';
import type { LevelCounts, RecordRoot, RecordTest, RunMeta, RunRecord } from '../../record/types.js';
import { htmlEscape as h } from '../escape.js';
import { anchorIds } from './anchors.js';
import type { CheckLimits } from './checks.js';
import { excerpt } from './excerpt.js';
import { FILTERS, type FilterId, STYLE } from './style.js';
import {
  formatDuration,
  isBadVerdict,
  issuesHtml,
  logHtml,
  renderTest,
  type TestLogView,
  type TestViewOptions,
  VERDICT_CLASS,
} from './test-view.js';

export interface HtmlRenderOptions {
  readonly title?: string;
  /** Log excerpts and links, by test id (log-file.ts reads them). */
  readonly logs?: ReadonlyMap<string, TestLogView>;
  readonly checkLimits?: CheckLimits;
  /** A previous run's record: tests whose verdict changed get a regression/fixed/changed badge. */
  readonly baseline?: RunRecord;
}

const MAX_PROBLEMS_LISTED = 200;

function metaRows(run: RunMeta): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    // The record's placeholders for facts nobody gave (0.0.0, the epoch) are left out, not shown as facts.
    ['tool', run.tool.version === '0.0.0' ? run.tool.name : `${run.tool.name} ${run.tool.version}`],
    ['command', run.command.length > 0 ? run.command.join(' ') : undefined],
    // What ran: a tree (with its HEAD), else the producer's name for it (a log file, a build dir).
    ['tree', run.tree ? `${run.tree.dir}${run.tree.head ? ` (HEAD ${run.tree.head})` : ''}` : undefined],
    ['ran', run.tree || run.name === '' ? undefined : run.name],
    ['arch', run.arch],
    ['accel', run.accel ? `${run.accel}${run.accelReason ? ` (${run.accelReason})` : ''}` : undefined],
    ['QEMU', run.qemu ? `${run.qemu.path} ${run.qemu.version}` : undefined],
    ['firmware', run.firmware],
    ['kernel', run.kernelRelease],
    [
      'host',
      run.host
        ? `${run.host.hostname}, ${run.host.os} ${run.host.kernelRelease}, ${run.host.cpus} CPUs`
        : undefined,
    ],
    ['jobs', run.jobs === undefined ? undefined : String(run.jobs)],
    ['MAX_SMP', run.maxSmp === undefined ? undefined : String(run.maxSmp)],
    ['shard', run.shard ? `${run.shard.index}/${run.shard.total}` : undefined],
    ['started', Date.parse(run.startTime) === 0 ? undefined : run.startTime],
    ['ended', run.endTime],
    ['duration', run.elapsedMs === undefined ? elapsed(run) : formatDuration(run.elapsedMs)],
    ...Object.entries(run.extra ?? {}),
    // What the producer itself said (run:start meta), where the fields above do not say it already.
    ...Object.entries(run.properties ?? {}).filter(([k]) => k !== 'arch' || run.arch === undefined),
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
}

function elapsed(run: RunMeta): string | undefined {
  if (run.endTime === undefined) return undefined;
  const ms = Date.parse(run.endTime) - Date.parse(run.startTime);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : undefined;
}

function stateBanner(run: RunMeta): string {
  if (run.interrupted) return '<div class="state partial">Interrupted: the results are partial.</div>';
  if (!run.complete)
    return '<div class="state partial">Incomplete: the run had not ended when this was written.</div>';
  return '<div class="state done">Complete.</div>';
}

function countCells(level: string, c: LevelCounts, extra: Array<[string, number]> = []): string {
  const cells: Array<[string, number]> = [
    ['passed', c.passed],
    ['failed', c.failed],
    ['crashed', c.errors],
    ['skipped', c.skipped],
    ['missing', c.missing],
    ...extra,
  ];
  const shown = cells.filter(([k, n]) => n > 0 || k === 'passed' || k === 'failed');
  return `<div class="counts"><span class="lvl">${h(level)}: <b>${c.total}</b></span>${shown
    .map(([k, n]) => `<span class="c-${h(k.split(' ')[0] ?? k)}">${h(k)}: <b>${n}</b></span>`)
    .join('')}</div>`;
}

function countsHtml(record: RunRecord): string {
  const timeouts = record.tests.filter((t) => t.directive?.kind === 'TIMEOUT').length;
  const extra: Array<[string, number]> = timeouts > 0 ? [['of which timeouts', timeouts]] : [];
  return countCells('Tests', record.counts.tests, extra) + countCells('Checks', record.counts.checks);
}

/**
 * What the run said outside any test: parse problems on a root (no KTAP found, a bad plan) and its own
 * output (a kernel's boot log), bounded like a test's.
 */
function rootsHtml(roots: readonly RecordRoot[]): string {
  return roots
    .map((root) => {
      const log = root.log ?? [];
      const of = roots.length > 1 ? ` of ${root.name}` : '';
      const output =
        log.length === 0 ? '' : logHtml({ parts: excerpt(log), lines: log.length }, false, `run output${of}`);
      return issuesHtml(root.node?.issues ?? []) + output;
    })
    .join('');
}

function problemsHtml(tests: readonly RecordTest[], anchors: readonly string[]): string {
  const bad = tests.flatMap((t, i) => (isBadVerdict(t.verdict) ? [{ t, anchor: anchors[i] ?? '' }] : []));
  if (bad.length === 0) return '';
  const items = bad
    .slice(0, MAX_PROBLEMS_LISTED)
    .map(
      ({ t, anchor }) =>
        `<li><span class="badge ${VERDICT_CLASS[t.verdict]}">${t.verdict}</span><a href="#${h(anchor)}">${h(t.name || '(unnamed)')}</a>${t.reason ? `<span class="why">${h(t.reason)}</span>` : ''}</li>`,
    );
  const more =
    bad.length > MAX_PROBLEMS_LISTED ? `<li>… and ${bad.length - MAX_PROBLEMS_LISTED} more</li>` : '';
  return `<h2>Failing tests (${bad.length})</h2><ul class="problems">${items.join('')}${more}</ul>`;
}

function filterHtml(tests: readonly RecordTest[]): string {
  const n: Record<FilterId, number> = {
    all: tests.length,
    failed: tests.filter((t) => isBadVerdict(t.verdict)).length,
    passed: tests.filter((t) => t.verdict === 'PASS').length,
    skipped: tests.filter((t) => t.verdict === 'SKIP').length,
  };
  const inputs = FILTERS.map(
    (f) =>
      `<input type="radio" class="filter" name="show" id="show-${f.id}"${f.id === 'all' ? ' checked' : ''}>`,
  ).join('');
  const labels = FILTERS.map((f) => `<label for="show-${f.id}">${f.label} (${n[f.id]})</label>`).join('');
  return `${inputs}\n<nav aria-label="filter by verdict">Show: ${labels}</nav>`;
}

type Change = NonNullable<TestViewOptions['change']>;

/** Each test's verdict change against the baseline (tests are matched by name, as `vmunit compare` does). */
function changesAgainst(record: RunRecord, baseline: RunRecord | undefined): Array<Change | undefined> {
  if (baseline === undefined) return record.tests.map(() => undefined);
  const before = new Map(baseline.tests.map((t) => [t.name, t.verdict]));
  return record.tests.map((t) => {
    const from = before.get(t.name);
    const kind = from === undefined ? undefined : verdictChangeKind(from, t.verdict);
    return kind === undefined || from === undefined ? undefined : { kind, from };
  });
}

function baselineHtml(changes: ReadonlyArray<Change | undefined>, baseline: RunRecord | undefined): string {
  if (baseline === undefined) return '';
  const n = (kind: Change['kind']) => changes.filter((c) => c?.kind === kind).length;
  const what = baseline.run.startTime ? ` (run of ${baseline.run.startTime})` : '';
  return `<div class="baseline">Against the baseline${h(what)}: <b>${n('regression')}</b> regressions, <b>${n('fix')}</b> fixed, <b>${n('changed')}</b> other changes.</div>`;
}

/** The whole page as one string. */
export function renderHtml(record: RunRecord, opts: HtmlRenderOptions = {}): string {
  const title = opts.title ?? `vmunit: ${record.run.name}`;
  const anchors = anchorIds(record.tests.map((t) => t.name));
  const rows = metaRows(record.run)
    .map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`)
    .join('');
  const changes = changesAgainst(record, opts.baseline);
  const tests = record.tests.map((t, i) => {
    const log = opts.logs?.get(t.id);
    const change = changes[i];
    return renderTest(t, {
      anchor: anchors[i] ?? '',
      ...(log ? { log } : {}),
      ...(change ? { change } : {}),
      ...(opts.checkLimits ? { checkLimits: opts.checkLimits } : {}),
    });
  });
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
<header>
<h1>${h(title)}</h1>
${stateBanner(record.run)}
<table class="meta">${rows}</table>
${countsHtml(record)}
${baselineHtml(changes, opts.baseline)}
${rootsHtml(record.roots ?? [])}
${problemsHtml(record.tests, anchors)}
</header>
${filterHtml(record.tests)}
<main>
${tests.join('\n')}
</main>
</body>
</html>
`;
}
