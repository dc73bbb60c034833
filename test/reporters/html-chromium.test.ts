/**
 * The HTML report in a real browser: Debian's Chromium, headless, driven by playwright-core. Skips with a
 * printed reason when /usr/bin/chromium is absent, unless VMUNIT_REQUIRE names chromium.
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { logFileName } from '../../src/guest/logs.js';
import { anchorIds, createHtmlReporter } from '../../src/reporters/html/index.js';
import { chromiumSkipReason, launchChromium, type OpenedReport, openReport } from './chromium.js';
import { guestRunEvents, HOSTILE_NAME } from './html-events.js';

const skip = chromiumSkipReason();
if (skip) console.log(`# html-chromium: skipped: ${skip}`);

describe('HTML report in headless Chromium', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-html-chromium-'));
  const page = join(dir, 'report.html');
  let browser: Browser;
  let opened: OpenedReport;

  before(async () => {
    // Log files as `vmunit run` leaves them, one of them far over the excerpt's size.
    const serial = Array.from({ length: 5000 }, (_, i) => `serial line ${i + 1}`);
    writeFileSync(join(dir, logFileName('ioapic')), `${serial.join('\n')}\n`);
    writeFileSync(join(dir, logFileName(HOSTILE_NAME)), 'assert failed\n');
    const reporter = createHtmlReporter({ destination: page, color: false, resultsDir: dir });
    for (const event of guestRunEvents()) reporter.onEvent(event);
    await reporter.close();
    browser = await launchChromium();
    opened = await openReport(browser, page);
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no request beyond the file itself and no console error', () => {
    assert.deepEqual(opened.requests, [opened.page.url()]);
    assert.deepEqual(opened.consoleErrors, []);
  });

  it('shows the counts of both levels', async () => {
    const rows = await opened.page.locator('.counts').allInnerTexts();
    assert.equal(rows.length, 2);
    assert.match(rows[0] ?? '', /^Tests: 7\s+passed: 2\s+failed: 4\s+skipped: 1\s+of which timeouts: 1$/);
    assert.match(rows[1] ?? '', /^Checks: 10027\s+passed: 10023\s+failed: 4$/);
  });

  it('filters by verdict without scripts', async () => {
    const { page: p } = opened;
    await p.click('label[for=show-failed]');
    assert.equal(await p.isVisible('#test-dup'), false);
    assert.equal(await p.isVisible('#test-cmpxchg8b'), false);
    assert.equal(await p.isVisible('#test-ioapic'), true);
    await p.click('label[for=show-passed]');
    assert.equal(await p.isVisible('#test-ioapic'), false);
    assert.equal(await p.isVisible('#test-dup'), true);
    await p.click('label[for=show-all]');
    assert.equal(await p.locator('main > details.test:visible').count(), 7);
  });

  it('scrolls to a test from its anchor, also for a hostile name', async () => {
    const { page: p } = opened;
    await p.setViewportSize({ width: 900, height: 500 });
    const anchors = anchorIds(
      guestRunEvents().flatMap((e) => (e.type === 'test:start' && e.depth === 1 ? [e.name] : [])),
    );
    for (const anchor of [anchors[5], anchors[3]]) {
      await p.goto(`${p.url().split('#')[0]}#${anchor}`);
      const top = await p.evaluate(
        `document.getElementById(${JSON.stringify(anchor)}).getBoundingClientRect().top`,
      );
      const scrollY = await p.evaluate('window.scrollY');
      assert.ok(Math.abs(Number(top)) < 2, `${anchor} at ${top}, not at the top of the window`);
      assert.ok(Number(scrollY) > 0);
    }
    assert.equal(await p.title(), 'vmunit: /kut');
    assert.equal(await p.locator(`[id="${anchors[3]}"] .name`).innerText(), HOSTILE_NAME);
  });

  it('links each excerpted log to its full file', async () => {
    const { page: p } = opened;
    const links = await p
      .locator('#test-ioapic .log a')
      .evaluateAll((as) => as.map((a) => (a as unknown as { href: string }).href));
    assert.equal(links.length, 1);
    assert.ok(existsSync(fileURLToPath(links[0] ?? '')), `${links[0]} exists`);
    assert.match(await p.locator('#test-ioapic .omitted').innerText(), /4880 lines omitted/);
  });
});
