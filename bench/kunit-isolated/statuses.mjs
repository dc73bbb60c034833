// Reads kunit.py-style console output (kunit.py's or vmunit's) on stdin and prints one line per test,
// `suite.test STATUS`, sorted, then one `TOTAL …` line summing every "Testing complete." line (kunit.py
// --run_isolated prints one per boot). Two runs agree when this output is identical.
import { readFileSync } from 'node:fs';

const text = readFileSync(0, 'utf8');
const rows = [];
const stack = [];
const total = { tests: 0, passed: 0, failed: 0, crashed: 0, skipped: 0, errors: 0 };
for (const raw of text.split('\n')) {
  const line = raw.replace(/^\[\d\d:\d\d:\d\d\] /, '');
  const done = /^Testing complete\. Ran (\d+) tests: ?(.*)$/.exec(line);
  if (done) {
    total.tests += Number(done[1]);
    for (const part of done[2].split(', ').filter(Boolean)) {
      const [key, n] = part.split(': ');
      total[key] += Number(n);
    }
    continue;
  }
  if (/^=+$/.test(line)) {
    stack.length = 0;
    continue;
  }
  const divided = /^=+ (.*) =+$/.exec(line);
  if (divided) {
    const inner = divided[1];
    const footer = /^\[(PASSED|FAILED|SKIPPED|CRASHED|NO TESTS RUN)\] (.*)$/.exec(inner);
    if (footer) {
      rows.push(`${[...stack.slice(0, -1), footer[2]].join('.')} ${footer[1]}`);
      stack.pop();
    } else stack.push(inner.replace(/ ?\(\d+ subtests?\)$/, '').trimEnd());
    continue;
  }
  const leaf = /^\[(PASSED|FAILED|SKIPPED|CRASHED|NO TESTS RUN)\] (.*)$/.exec(line);
  if (leaf) rows.push(`${[...stack, leaf[2]].join('.')} ${leaf[1]}`);
}
rows.sort();
for (const row of rows) console.log(row);
console.log(
  `TOTAL tests=${total.tests} passed=${total.passed} failed=${total.failed} crashed=${total.crashed} skipped=${total.skipped} errors=${total.errors}`,
);
