/**
 * Size and Chromium load+render time of HTML reports, side by side: give the new report first and older
 * ones (another vmunit version's, the same run's) after it. Render time is from navigation to two
 * animation frames after `load` in Debian's headless Chromium, the median of REPEATS fresh pages.
 * Goal for the full kvm-unit-tests x86 suite: under 2 MB and under 3 s.
 *
 *   node --import tsx bench/html-render.ts RESULTS/report.html [OLD.html…]
 */

import { statSync } from 'node:fs';
import { chromiumSkipReason, launchChromium, openReport } from '../test/reporters/chromium.js';

const REPEATS = Number(process.env.REPEATS ?? 3);
const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: html-render.ts REPORT.html [OTHER.html…]');
  process.exit(2);
}
const skip = chromiumSkipReason();
if (skip) {
  console.error(`html-render: ${skip}`);
  process.exit(2);
}

const browser = await launchChromium();
const rows: Array<{ file: string; bytes: number; ms: number }> = [];
try {
  for (const file of files) {
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const opened = await openReport(browser, file);
      times.push(opened.renderMs);
      if (opened.requests.length !== 1)
        console.log(`  ${file}: ${opened.requests.length - 1} extra requests`);
      await opened.page.close();
    }
    times.sort((a, b) => a - b);
    rows.push({ file, bytes: statSync(file).size, ms: times[Math.floor(times.length / 2)] ?? Number.NaN });
  }
} finally {
  await browser.close();
}
const first = rows[0];
for (const r of rows) {
  const ratio =
    first && r !== first
      ? `  (new/this: size ${(first.bytes / r.bytes).toFixed(3)}, time ${(first.ms / r.ms).toFixed(3)})`
      : '';
  console.log(
    `${(r.bytes / 1e6).toFixed(3).padStart(8)} MB ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${r.file}${ratio}`,
  );
}
if (first) console.log(`goal: < 2 MB and < 3 s: ${first.bytes < 2e6 && first.ms < 3000 ? 'met' : 'NOT met'}`);
