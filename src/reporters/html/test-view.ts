/**
 * One test of the report: a `<details>` whose summary line carries the verdict, name, reason, duration
 * and check counts, and whose body puts what explains a failure first (the reason and the harness's own
 * lines, then the failing checks), then the first other checks, parse issues and the log excerpt with a
 * link to the full log. Every text goes through `htmlEscape`; every list is bounded (checks.ts,
 * excerpt.ts), so a test costs at most a few tens of kilobytes whatever it printed.
 */

import type { FailureDetail, TestDirective, TestStatus } from '../../events/types.js';
import { isBadVerdict, type VerdictChangeKind } from '../../record/changes.js';
import type { LevelCounts, RecordCheck, RecordIssue, RecordTest, Verdict } from '../../record/types.js';
import { htmlEscape as h } from '../escape.js';
import { formatFailure } from '../failure-text.js';
import { CHECK_LIMITS, type CheckLimits, type ShownCheck, selectChecks } from './checks.js';
import { type ExcerptPart, excerpt } from './excerpt.js';
import { whyLines } from './why.js';

export const VERDICT_CLASS: Readonly<Record<Verdict, string>> = {
  PASS: 'pass',
  FAIL: 'fail',
  SKIP: 'skip',
  ERROR: 'error',
  MISS: 'miss',
};

const CHECK_BADGE: Readonly<Record<TestStatus, readonly [label: string, cls: string]>> = {
  SUCCESS: ['PASS', 'pass'],
  FAILURE: ['FAIL', 'fail'],
  SKIPPED: ['SKIP', 'skip'],
  TEST_CRASHED: ['CRASH', 'error'],
  NO_TESTS: ['NONE', 'none'],
  FAILURE_TO_PARSE_TESTS: ['PARSE', 'error'],
};

/** Lines of failure explanation and of one check's log shown inline. */
const OUTPUT_LIMITS = { headLines: 10, tailLines: 30, lineChars: 400 };
const CHECK_LOG_LIMITS = { headLines: 5, tailLines: 10, lineChars: 400 };
const MAX_ISSUES = 20;

export { isBadVerdict };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

/** What a log looks like on the page, and where the whole of it is. */
export interface TestLogView {
  readonly parts?: readonly ExcerptPart[];
  readonly lines?: number;
  /** Already a relative URL (segments percent-encoded). */
  readonly href?: string;
}

export interface TestViewOptions {
  readonly anchor: string;
  readonly log?: TestLogView;
  readonly checkLimits?: CheckLimits;
  /** How the verdict changed against a baseline record, and the baseline's verdict. */
  readonly change?: { readonly kind: VerdictChangeKind; readonly from: Verdict };
}

/**
 * The directive and reason, each said once: run_tests.sh's SKIP carries its reason both as directive text
 * and as the verdict reason, which used to print `# SKIP: i386 only (i386 only)`.
 */
function reasonHtml(
  reason: string | undefined,
  directive: TestDirective | undefined,
  verdictWord: string,
): string {
  const parts: string[] = [];
  if (directive && directive.kind !== verdictWord)
    parts.push(`<span class="badge tag">${h(directive.kind)}</span>`);
  const texts = [...new Set([reason ?? '', directive?.reason ?? ''])].filter((t) => t !== '');
  if (texts.length > 0) parts.push(`<span class="why">${h(texts.join('; '))}</span>`);
  return parts.join('');
}

export function countsText(c: LevelCounts): string {
  const parts = [`${c.passed} passed`];
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  if (c.errors > 0) parts.push(`${c.errors} crashed`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.missing > 0) parts.push(`${c.missing} missing`);
  return `${c.total} check${c.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

function changeBadge(change: TestViewOptions['change']): string {
  if (change === undefined) return '';
  const word = change.kind === 'fix' ? 'fixed' : change.kind;
  return `<span class="badge chg-${change.kind}" title="baseline: ${change.from}">${word}</span>`;
}

function summaryLine(test: RecordTest, anchor: string, change: TestViewOptions['change']): string {
  const cls = VERDICT_CLASS[test.verdict];
  const out = [
    `<span class="badge ${cls}">${test.verdict}</span>`,
    changeBadge(change),
    `<span class="name">${h(test.name === '' ? '(unnamed)' : test.name)}</span>`,
    reasonHtml(test.reason, test.directive, test.verdict),
  ];
  if (test.durationMs !== undefined) out.push(`<span class="dur">${formatDuration(test.durationMs)}</span>`);
  if (test.counts.total > 0) out.push(`<span class="cnt">${h(countsText(test.counts))}</span>`);
  out.push(`<a class="self" href="#${h(anchor)}" title="link to this test">¶</a>`);
  return out.join('');
}

export function excerptHtml(parts: readonly ExcerptPart[], cls = ''): string {
  const inner = parts
    .map((p) =>
      'lines' in p
        ? h(p.lines.join('\n'))
        : `<span class="omitted">… ${p.omitted} line${p.omitted === 1 ? '' : 's'} omitted …</span>`,
    )
    .join('\n');
  return `<pre${cls === '' ? '' : ` class="${cls}"`}>${inner}</pre>`;
}

function checkIssues(checks: readonly RecordCheck[]): RecordIssue[] {
  return checks.flatMap((c) => [...(c.node?.issues ?? []), ...checkIssues(c.checks ?? [])]);
}

/** A failure that only says the check's name again (a guest's `FAIL: <name>` line) adds nothing. */
function repeatsName(f: FailureDetail, name: string): boolean {
  return f.location === undefined && f.leftText === undefined && f.message.endsWith(name);
}

function checkHtml({ path, check, failing }: ShownCheck): string {
  const [label, cls] = CHECK_BADGE[check.status];
  const head = [`<span class="badge ${cls}">${label}</span>`, h(path.join(' › ') || '(unnamed)')];
  head.push(reasonHtml(check.reason, check.directive, check.status === 'SKIPPED' ? 'SKIP' : ''));
  if (check.durationMs !== undefined)
    head.push(`<span class="dur">${formatDuration(check.durationMs)}</span>`);
  const body: string[] = [];
  if (failing) {
    const detail = (check.failures ?? []).filter((f) => !repeatsName(f, check.name)).flatMap(formatFailure);
    if (detail.length > 0) body.push(excerptHtml(excerpt(detail, CHECK_LOG_LIMITS), 'reason'));
    if (check.log && check.log.length > 0) body.push(excerptHtml(excerpt(check.log, CHECK_LOG_LIMITS)));
  }
  return `<li>${head.join('')}${body.join('')}</li>`;
}

function checksHtml(checks: readonly RecordCheck[], limits: CheckLimits): string {
  if (checks.length === 0) return '';
  const { shown, hidden, hiddenTotal } = selectChecks(checks, limits);
  const out = [`<ul class="checks">${shown.map(checkHtml).join('')}</ul>`];
  if (hiddenTotal > 0) {
    const by = Object.entries(hidden).map(
      ([status, n]) => `${n} ${CHECK_BADGE[status as TestStatus][0].toLowerCase()}`,
    );
    out.push(
      `<div class="more">… and ${hiddenTotal} more check${hiddenTotal === 1 ? '' : 's'} (${h(by.join(', '))}), in the full log</div>`,
    );
  }
  return out.join('');
}

/**
 * Parse problems, as kunit.py's `[ERROR]` lines, the first twenty of them; with `named`, each says which
 * test it is about (`Test: name:`), as for a test's checks.
 */
export function issuesHtml(issues: readonly RecordIssue[], named = false): string {
  const line = (i: RecordIssue) =>
    named && i.testName !== undefined ? `Test: ${i.testName}: ${i.message}` : i.message;
  const out = issues.slice(0, MAX_ISSUES).map((i) => `<div class="issue">[ERROR] ${h(line(i))}</div>`);
  if (issues.length > MAX_ISSUES)
    out.push(`<div class="more">… and ${issues.length - MAX_ISSUES} more parse errors</div>`);
  return out.join('');
}

export function logHtml(log: TestLogView | undefined, open: boolean, label = 'log'): string {
  if (!log) return '';
  const what = h(label);
  const link = log.href === undefined ? '' : ` · <a href="${h(log.href)}">full log</a>`;
  const n = log.lines === undefined ? '' : ` (${log.lines} line${log.lines === 1 ? '' : 's'})`;
  if (!log.parts) return log.href === undefined ? '' : `<div class="log">${what}${n}${link}</div>`;
  return `<details class="log"${open ? ' open' : ''}><summary>${what}${n}${link}</summary>${excerptHtml(log.parts)}</details>`;
}

/**
 * What explains a failure, first: the test's own failure detail when no check failed (a timeout, an abort),
 * then the lines of its output that say why it died.
 */
function whyHtml(test: RecordTest): string {
  const ownFailures =
    failingChecks(test) === 0 ? (test.failures ?? []).filter((f) => f.message !== test.reason) : [];
  const lines = [...ownFailures.flatMap(formatFailure), ...whyLines(test.output ?? [])];
  return lines.length === 0 ? '' : excerptHtml(excerpt(lines, OUTPUT_LIMITS), 'reason');
}

function failingChecks(test: RecordTest): number {
  return test.counts.failed + test.counts.errors;
}

/**
 * One test as a `<details>` element whose id is its anchor. Failing tests start open; their log excerpt
 * too when nothing else explains the failure (a timeout: the tail shows where the guest stopped).
 */
export function renderTest(test: RecordTest, opts: TestViewOptions): string {
  const bad = isBadVerdict(test.verdict);
  const body: string[] = [];
  const why = bad ? whyHtml(test) : '';
  body.push(why);
  body.push(checksHtml(test.checks, opts.checkLimits ?? CHECK_LIMITS));
  body.push(issuesHtml(test.node?.issues ?? []));
  // Its checks' parse problems too: a check shown or not (past the limits) must not take them with it.
  body.push(issuesHtml(checkIssues(test.checks), true));
  // The log file has the command line and stderr too; without one, the output the record kept.
  const output = test.output ?? [];
  const log = opts.log ?? (output.length > 0 ? { parts: excerpt(output), lines: output.length } : undefined);
  body.push(logHtml(log, bad && why === '' && failingChecks(test) === 0));
  const cls = `test v-${VERDICT_CLASS[test.verdict]}${bad ? ' bad' : ''}`;
  return `<details class="${cls}" id="${h(opts.anchor)}"${bad ? ' open' : ''}><summary>${summaryLine(test, opts.anchor, opts.change)}</summary><div class="body">${body.join('')}</div></details>`;
}
