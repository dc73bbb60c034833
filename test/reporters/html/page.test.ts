import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../../src/events/types.js';
import { KtapParser } from '../../../src/ktap/parser.js';
import { RecordBuilder } from '../../../src/record/builder.js';
import { anchorIds, createHtmlReporter, htmlFromEvents } from '../../../src/reporters/html/index.js';
import { runReporter } from '../capture.js';
import { guestRunEvents, HOSTILE_NAME } from '../html-events.js';
import { hostileEvents, richEvents } from '../sample-events.js';
import { checkTags, countsRow, testElement } from './html-check.js';

const html = htmlFromEvents(guestRunEvents());
const [dup1, emulator, ioapic, hostile, cmpxchg8b, many, dup2] = anchorIds([
  'dup',
  'emulator',
  'ioapic',
  HOSTILE_NAME,
  'cmpxchg8b',
  'many',
  'dup',
]) as [string, string, string, string, string, string, string];

describe('HTML report page', () => {
  it('is well-formed and counts tests by verdict and checks separately', () => {
    checkTags(html);
    // The result lines of this run: PASS dup, FAIL emulator, FAIL ioapic, FAIL <hostile>, SKIP cmpxchg8b,
    // FAIL many, PASS dup.
    assert.deepEqual(countsRow(html, 'Tests'), {
      total: 7,
      passed: 2,
      failed: 4,
      skipped: 1,
      'of which timeouts': 1,
    });
    assert.deepEqual(countsRow(html, 'Checks'), { total: 10_027, passed: 10_023, failed: 4 });
    assert.match(html, /<label for="show-failed">Failed \(4\)<\/label>/);
  });

  it('shows a timed-out test with only passing checks as failed, with its reason said once', () => {
    const el = testElement(html, ioapic);
    assert.match(el, /^<details class="test v-fail bad" id="test-ioapic" open>/);
    assert.match(
      el,
      /<span class="badge fail">FAIL<\/span><span class="name">ioapic<\/span><span class="badge tag">TIMEOUT<\/span><span class="why">timeout; duration=90s<\/span><span class="dur">1 min 30 s<\/span><span class="cnt">20 checks: 20 passed<\/span>/,
    );
    assert.equal(el.split('timeout; duration=90s').length - 1, 1);
    assert.match(
      html,
      /<ul class="problems">.*<a href="#test-ioapic">ioapic<\/a><span class="why">timeout; duration=90s/,
    );
  });

  it('says a SKIP reason once', () => {
    const el = testElement(html, cmpxchg8b);
    assert.match(
      el,
      /<span class="badge skip">SKIP<\/span><span class="name">cmpxchg8b<\/span><span class="why">i386 only<\/span>/,
    );
    assert.equal(el.split('i386 only').length - 1, 1);
    assert.doesNotMatch(el, / open>/);
  });

  it('puts the failure reason and the failing checks before the passing ones', () => {
    const el = testElement(html, emulator);
    const failing = el.indexOf('arith: 2 + 2 == 5');
    assert.ok(failing > 0 && failing < el.indexOf('arith: add'), 'failing check first');
    assert.match(el, /<pre class="reason">FAIL: arith: 2 \+ 2 == 5 at x86\/emulator\.c:77<\/pre>/);
    const abort = testElement(html, hostile);
    assert.match(abort, /<pre class="reason">guest aborted\nx86\/setjmp\.c:42: assert failed/);
  });

  it('bounds the checks shown: every failing one, the first others, and a count of the rest', () => {
    const el = testElement(html, many);
    const shown = [...el.matchAll(/<li><span class="badge (\w+)">/g)].map((m) => m[1]);
    assert.deepEqual(shown.slice(0, 3), ['fail', 'fail', 'fail']);
    assert.equal(shown.length, 23);
    assert.match(el, /… and 9977 more checks \(9977 pass\), in the full log/);
    assert.ok(html.length < 60_000, `10,027 checks in ${html.length} bytes`);
  });

  it('gives every test a unique anchor, also for repeated and hostile names', () => {
    const ids = [...html.matchAll(/<details class="test[^"]*" id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(ids, [dup1, emulator, ioapic, hostile, cmpxchg8b, many, dup2]);
    assert.equal(new Set(ids).size, 7);
    assert.equal(dup2, 'test-dup-2');
    assert.match(hostile, /^test-GP_script_alert_1_script_unicode-[0-9a-f]{8}$/);
    assert.match(html, new RegExp(`<a class="self" href="#${hostile}"`));
  });

  it('escapes every name, reason and log line; the page has no active content', () => {
    const hostileHtml = htmlFromEvents(hostileEvents());
    for (const page of [html, hostileHtml]) {
      const tags = checkTags(page);
      assert.ok(!tags.includes('script'));
      assert.doesNotMatch(page, /<script|<evil|<b>longjmp|src=|\x00|\x1b|\x07/);
    }
    assert.match(html, /#GP &lt;script&gt;alert\(1\)&lt;\/script&gt; ünïcödé/);
    assert.match(html, /assert failed: &lt;b&gt;longjmp&lt;\/b&gt; returned/);
    assert.match(hostileHtml, /case&lt;1&gt; &amp; &quot;two&quot;\tTAB \\x1b\[31m \\x00/);
    assert.match(html, /content="default-src 'none'; style-src 'unsafe-inline'"/);
  });

  it('shows run metadata and whether the run completed', () => {
    assert.match(html, /<h1>vmunit: \/kut<\/h1>\n<div class="state done">Complete\.<\/div>/);
    assert.match(html, /<tr><th>arch<\/th><td>x86_64<\/td><\/tr>/);
    assert.match(html, /<tr><th>started<\/th><td>2026-12-03T10:00:00\.000Z<\/td><\/tr>/);
  });

  it('renders nested KUnit-style checks by their path', () => {
    const page = htmlFromEvents(richEvents());
    checkTags(page);
    assert.match(page, /<span class="badge pass">PASS<\/span>nested › deep/);
    assert.match(
      page,
      /<span class="badge fail">FAIL<\/span>adds<span class="dur">150 ms<\/span><pre class="reason">EXPECTATION FAILED at lib\/math\.c:30/,
    );
  });
});

describe('HTML reporter', () => {
  it('marks an interrupted run and writes files atomically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-html-'));
    try {
      const path = join(dir, 'report.html');
      const reporter = createHtmlReporter({ destination: path, color: false });
      const events = guestRunEvents().slice(0, 20);
      for (const e of [...events, { type: 'run:end', interrupted: true } as RunEvent]) reporter.onEvent(e);
      await reporter.close();
      const page = readFileSync(path, 'utf8');
      checkTags(page);
      assert.match(page, /<div class="state partial">Interrupted: the results are partial\.<\/div>/);
      assert.deepEqual(readdirSync(dir), ['report.html']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to a stream', async () => {
    const page = await runReporter(
      (out) => createHtmlReporter({ destination: out, color: false }),
      richEvents(),
    );
    assert.match(page, /^<!DOCTYPE html>[\s\S]*<\/html>\n$/);
  });
});

describe('HTML report of the kunit.py test logs', () => {
  const dir = join(import.meta.dirname, '../../fixtures/ktap');
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log'));

  it('renders every log well-formed, one anchored test per record test, counts as the record', () => {
    assert.ok(logs.length >= 20);
    for (const file of logs) {
      const parser = new KtapParser({ name: file });
      const events: RunEvent[] = [];
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) events.push(...parser.push(line));
      events.push(...parser.end());
      const builder = new RecordBuilder();
      for (const e of events) builder.push(e);
      const record = builder.record();
      const page = htmlFromEvents(events);
      checkTags(page);
      const ids = [...page.matchAll(/<details class="test[^"]*" id="([^"]+)"/g)].map((m) => m[1]);
      assert.equal(ids.length, record.tests.length, file);
      assert.equal(new Set(ids).size, ids.length, file);
      const tests = countsRow(page, 'Tests');
      assert.equal(tests.total, record.counts.tests.total, file);
      assert.equal(tests.failed, record.counts.tests.failed, file);
      assert.equal(countsRow(page, 'Checks').total, record.counts.checks.total, file);
    }
  });
});

describe('HTML report of what the run said outside its tests', () => {
  it('shows a root parse error and the root output, bounded', () => {
    const parser = new KtapParser({ name: 'boot.log', extract: false });
    const events: RunEvent[] = [];
    for (let i = 0; i < 500; i++) events.push(...parser.push(`boot line ${i} <b>`));
    events.push(...parser.end());
    const page = htmlFromEvents(events);
    checkTags(page);
    assert.match(page, /<div class="issue">\[ERROR\] 0 tests run!<\/div>/);
    // A record without a start time or tool version says nothing rather than 1970 or 0.0.0.
    assert.match(page, /<tr><th>tool<\/th><td>vmunit<\/td><\/tr>/);
    assert.doesNotMatch(page, /1970|<th>started/);
    assert.match(
      page,
      /<details class="log"><summary>run output \(500 lines\)<\/summary><pre>boot line 0 &lt;b&gt;\n/,
    );
    assert.match(page, /… 380 lines omitted …/);
  });
});
