import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { buildTree } from '../../src/ktap/tree.js';
import { createHtmlReporter, treeToHtml } from '../../src/reporters/html.js';
import { runReporter } from './capture.js';
import { hostileEvents, richEvents } from './sample-events.js';

const ALLOWED_TAGS = new Set([
  'input',
  'label',
  '!DOCTYPE',
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'h1',
  'div',
  'span',
  'b',
  'ul',
  'li',
  'details',
  'summary',
  'pre',
]);
const VOID = new Set(['!DOCTYPE', 'meta', 'input']);

/** Every tag is one the reporter writes on purpose, and non-void elements nest and close properly. */
function checkTags(html: string): string[] {
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

function htmlOf(events: readonly RunEvent[]): string {
  return treeToHtml(buildTree(events));
}

describe('HTML report', () => {
  it('shows summary counts, statuses, directives, durations, failure detail and logs', () => {
    const html = htmlOf(richEvents());
    checkTags(html);
    assert.match(
      html,
      /tests: <b>8<\/b>.*passed: <b>4<\/b>.*failed: <b>2<\/b>.*crashed: <b>1<\/b>.*skipped: <b>1<\/b>/,
    );
    assert.match(html, /<span class="badge fail">FAILED<\/span><span class="name">adds<\/span>/);
    assert.match(
      html,
      /<span class="badge crash">CRASHED<\/span><span class="name">boots<\/span><span class="dir"># TIMEOUT: 90s<\/span><span class="why">\(timeout\)<\/span>/,
    );
    assert.match(html, /<span class="name">xfail<\/span><span class="dir"># XFAIL: known bug<\/span>/);
    assert.match(html, /<span class="name">adds<\/span><span class="dur">150 ms<\/span>/);
    assert.match(
      html,
      /<pre class="failure">EXPECTATION FAILED at lib\/math.c:30\nExpected 1 \+ 1 == 3, but\n {4}1 \+ 1 == 2\n {4}3 == 3<\/pre>/,
    );
    assert.match(
      html,
      /<details class="log" open><summary>log \(1 line\)<\/summary><pre>serial: booting<\/pre>/,
    );
    // The failing suite starts open, the passing nested one folded.
    assert.match(
      html,
      /<details open><summary><span class="badge crash">CRASHED<\/span><span class="name">math/,
    );
    assert.match(html, /<details><summary><span class="badge pass">PASSED<\/span><span class="name">nested/);
    // The CSS-only filter hides passing and skipped items, never failing ones.
    assert.match(html, /<li class="ok"><span class="badge pass">PASSED<\/span><span class="name">subs/);
    assert.match(html, /<li class="ok"><span class="badge skip">SKIPPED<\/span><span class="name">skipper/);
    assert.match(html, /<li><span class="badge fail">FAILED<\/span><span class="name">adds/);
    assert.match(html, /#only-problems:checked~ul li\.ok\{display:none\}/);
  });

  it('escapes hostile names, reasons and logs and has no active content', () => {
    const html = htmlOf(hostileEvents());
    const tags = checkTags(html);
    assert.ok(!tags.includes('script'));
    assert.doesNotMatch(html, /<script|<evil|<\/system-out>|src=|href=|\x00|\x1b|\x07/);
    assert.match(html, /suite &lt;&amp;&gt; &quot;q&quot; &#39;a&#39;/);
    assert.match(html, /case&lt;1&gt; &amp; &quot;two&quot;\tTAB \\x1b\[31m \\x00/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /default-src &#39;none&#39;|default-src 'none'/);
  });

  it('marks an interrupted run and writes files atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-html-'));
    try {
      const path = join(dir, 'report.html');
      const reporter = createHtmlReporter({ destination: path, color: false });
      const events = richEvents().slice(0, 12);
      for (const e of [...events, { type: 'run:end', interrupted: true } as RunEvent]) reporter.onEvent(e);
      await reporter.close();
      const html = readFileSync(path, 'utf8');
      checkTags(html);
      assert.match(html, /The run was interrupted/);
      assert.match(html, /<title>vmunit: rich<\/title>/);
      assert.deepEqual(readdirSync(dir), ['report.html']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to a stream', async () => {
    const html = await runReporter(
      (out) => createHtmlReporter({ destination: out, color: false }),
      richEvents(),
    );
    assert.match(html, /^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
  });
});
