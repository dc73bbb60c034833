/** Test helper: structural checks on a generated report page. */

import assert from 'node:assert/strict';

const ALLOWED_TAGS = new Set([
  '!DOCTYPE',
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'header',
  'h1',
  'h2',
  'div',
  'span',
  'b',
  'table',
  'tr',
  'th',
  'td',
  'ul',
  'li',
  'a',
  'input',
  'nav',
  'label',
  'main',
  'details',
  'summary',
  'pre',
]);
const VOID = new Set(['!DOCTYPE', 'meta', 'input']);

/** Every tag is one the reporter writes on purpose, and non-void elements nest and close properly. */
export function checkTags(html: string): string[] {
  const stack: string[] = [];
  const seen: string[] = [];
  const body = html.replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([!A-Za-z][\w-]*)[^>]*>/g)) {
    const [, close, tag] = m as unknown as [string, string, string];
    assert.ok(ALLOWED_TAGS.has(tag), `unexpected tag <${tag}>`);
    seen.push(tag);
    if (VOID.has(tag)) continue;
    if (close) assert.equal(stack.pop(), tag, `mismatched </${tag}>`);
    else stack.push(tag);
  }
  assert.deepEqual(stack, []);
  return seen;
}

/** The numbers of one counts row (`Tests` or `Checks`), by label. */
export function countsRow(html: string, level: 'Tests' | 'Checks'): Record<string, number> {
  const row = html.match(
    new RegExp(`<div class="counts"><span class="lvl">${level}: <b>(\\d+)</b></span>(.*?)</div>`),
  );
  assert.ok(row, `no ${level} counts`);
  const out: Record<string, number> = { total: Number(row[1]) };
  for (const m of (row[2] ?? '').matchAll(/<span[^>]*>([^<:]+): <b>(\d+)<\/b><\/span>/g))
    out[m[1] as string] = Number(m[2]);
  return out;
}

/** The `<details class="test …">` element whose id is `anchor`. */
export function testElement(html: string, anchor: string): string {
  const start = html.indexOf(` id="${anchor}"`);
  assert.ok(start >= 0, `no element with id ${anchor}`);
  const open = html.lastIndexOf('<details', start);
  return html.slice(open, html.indexOf('</details>\n', start) + '</details>'.length);
}
