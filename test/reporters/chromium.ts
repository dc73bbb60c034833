/**
 * Test and bench helper: Debian's Chromium driven by playwright-core (no browser download), opening a
 * report from file:// and recording every request and console error the page causes.
 */

import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Why the Chromium tests cannot run here, or false when they can. With `chromium` in VMUNIT_REQUIRE a
 * missing browser is an error, not a skip.
 */
export function chromiumSkipReason(env: NodeJS.ProcessEnv = process.env): string | false {
  if (existsSync(CHROMIUM_PATH)) return false;
  const reason = `${CHROMIUM_PATH} not found (apt-get install chromium, or scripts/setup.sh)`;
  const required = (env.VMUNIT_REQUIRE ?? '').split(',').map((s) => s.trim());
  if (required.includes('chromium')) throw new Error(`VMUNIT_REQUIRE=chromium: ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

export interface OpenedReport {
  readonly page: Page;
  /** From navigation start until two animation frames after `load`: the page is laid out and painted. */
  readonly renderMs: number;
  /** Every URL the page requested, the report itself included. */
  readonly requests: string[];
  readonly consoleErrors: string[];
}

export async function openReport(browser: Browser, path: string): Promise<OpenedReport> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  const start = performance.now();
  await page.goto(pathToFileURL(path).href, { waitUntil: 'load', timeout: 120_000 });
  // A string, so the browser-side code needs no DOM typings here.
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
  return { page, renderMs: performance.now() - start, requests, consoleErrors };
}
