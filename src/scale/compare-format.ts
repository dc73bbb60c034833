/**
 * Renders a `Comparison` as text (terminal), JSON (machines) or Markdown (a merge-request comment).
 * Markdown escapes what test names could smuggle into a comment: table pipes, HTML, backticks, newlines.
 */

import type { CheckChange, Comparison, VerdictChange } from './compare.js';

export const COMPARE_FORMATS = ['text', 'json', 'markdown'] as const;
export type CompareFormat = (typeof COMPARE_FORMATS)[number];

/** Check-level changes shown per test before "… and N more" (all of them are in JSON). */
const CHECKS_SHOWN = 20;

function summary(c: Comparison): string {
  const part = (n: number, what: string): string => `${n} ${what}`;
  return [
    part(c.regressions.length, c.regressions.length === 1 ? 'regression' : 'regressions'),
    part(c.fixes.length, c.fixes.length === 1 ? 'fix' : 'fixes'),
    part(c.added.length, 'new'),
    part(c.vanished.length, 'vanished'),
    part(c.flaky.length, 'flaky'),
    part(c.changed.length, 'other changes'),
  ].join(', ');
}

const arrow = (v: VerdictChange): string => `${v.from} -> ${v.to}`;

function checksByTest(checks: readonly CheckChange[]): Map<string, CheckChange[]> {
  const out = new Map<string, CheckChange[]>();
  for (const c of checks) out.set(c.test, [...(out.get(c.test) ?? []), c]);
  return out;
}

function checkLine(c: CheckChange): string {
  return `${c.check}: ${c.from ?? '(new)'} -> ${c.to ?? '(vanished)'}`;
}

function textSection(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : [`${title}:`, ...lines.map((l) => `  ${l}`)];
}

function formatText(c: Comparison): string {
  const reason = (v: VerdictChange): string => (v.reason === undefined ? '' : ` (${v.reason})`);
  const checkLines = [...checksByTest(c.checks)].flatMap(([test, list]) => [
    test,
    ...list.slice(0, CHECKS_SHOWN).map((x) => `  ${checkLine(x)}`),
    ...(list.length > CHECKS_SHOWN ? [`  … and ${list.length - CHECKS_SHOWN} more`] : []),
  ]);
  const lines = [
    ...textSection(
      'Regressions',
      c.regressions.map((v) => `${v.name}: ${arrow(v)}${reason(v)}`),
    ),
    ...textSection(
      'Vanished',
      c.vanished.map((v) => `${v.name} (was ${v.verdict})`),
    ),
    ...textSection(
      'Flaky',
      c.flaky.map((f) => `${f.name}: ${f.verdicts.join(', ')}`),
    ),
    ...textSection(
      'Fixes',
      c.fixes.map((v) => `${v.name}: ${arrow(v)}`),
    ),
    ...textSection(
      'New',
      c.added.map((v) => `${v.name} (${v.verdict})`),
    ),
    ...textSection(
      'Changed',
      c.changed.map((v) => `${v.name}: ${arrow(v)}${reason(v)}`),
    ),
    ...textSection('Check changes', checkLines),
    `compare: ${summary(c)}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** Markdown cell text: no pipes, no raw HTML, no line breaks, backticks neutralised. */
export function mdCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, "'")
    .replace(/[\r\n]+/g, ' ');
}

function mdTable(title: string, head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return [];
  return [
    `### ${title} (${rows.length})`,
    '',
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
    '',
  ];
}

function formatMarkdown(c: Comparison): string {
  const icon = c.regressions.length > 0 || c.vanished.length > 0 ? ':x:' : ':white_check_mark:';
  const change = (v: VerdictChange): string[] => [v.name, v.from, v.to, v.reason ?? ''];
  const lines = [
    `## vmunit compare ${icon}`,
    '',
    `${summary(c)} (base: ${c.counts.base} tests; new: ${c.counts.new.join(', ')} tests)`,
    '',
    ...mdTable('Regressions', ['test', 'was', 'now', 'reason'], c.regressions.map(change)),
    ...mdTable(
      'Vanished',
      ['test', 'was'],
      c.vanished.map((v) => [v.name, v.verdict]),
    ),
    ...mdTable(
      'Flaky',
      ['test', 'verdicts'],
      c.flaky.map((f) => [f.name, f.verdicts.join(', ')]),
    ),
    ...mdTable('Fixes', ['test', 'was', 'now', 'reason'], c.fixes.map(change)),
    ...mdTable(
      'New tests',
      ['test', 'verdict'],
      c.added.map((v) => [v.name, v.verdict]),
    ),
    ...mdTable('Other changes', ['test', 'was', 'now', 'reason'], c.changed.map(change)),
  ];
  if (c.checks.length > 0) {
    const rows = c.checks
      .slice(0, 200)
      .map((x) => [x.test, x.check, x.from ?? '(new)', x.to ?? '(vanished)']);
    lines.push('<details><summary>Check-level changes</summary>', '');
    lines.push(...mdTable('Checks', ['test', 'check', 'was', 'now'], rows));
    if (c.checks.length > rows.length) lines.push(`… and ${c.checks.length - rows.length} more`, '');
    lines.push('</details>', '');
  }
  return `${lines.join('\n')}\n`;
}

export function formatComparison(c: Comparison, format: CompareFormat): string {
  if (format === 'json') return `${JSON.stringify(c, null, 2)}\n`;
  if (format === 'markdown') return formatMarkdown(c);
  return formatText(c);
}
