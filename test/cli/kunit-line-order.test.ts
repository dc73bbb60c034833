// kunit.py's order of the closing lines of `run`/`exec`, through the real entry point: the summary, then
// where each report was written, then the crash hint, then the elapsed time (kunit.py writes its reports
// while parsing, before exec_tests prints the hint and run prints the time).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { fakeTree, removeTempDirs } from '../kernel/helpers.js';
import { distSkip } from '../requirements.js';
import { vmunitRun } from './cli-process.js';

/** Index of the first stdout line matching each pattern (−1 when absent). */
function order(stdout: string, patterns: readonly RegExp[]): number[] {
  const lines = stdout.split('\n');
  return patterns.map((p) => lines.findIndex((l) => p.test(l)));
}

describe('vmunit kunit run: closing lines in kunit.py order', { skip: distSkip() }, () => {
  after(removeTempDirs);
  it('summary, then "Test results stored in", then the crash hint, then the elapsed time', async () => {
    const tree = await fakeTree();
    const r = await vmunitRun(
      ['kunit', 'run', '--kconfig_add', 'CONFIG_FAKE_CRASH_TEST=y', '--json=r.json', '--junit=r.xml'],
      tree,
    );
    assert.equal(r.status, 1, r.stderr);
    const at = order(r.stdout, [
      /\] Testing complete\. Ran \d+ tests: .*crashed: 1/,
      /\] Test results stored in .*r\.json$/,
      /\] Test results stored in .*r\.xml$/,
      /^The kernel seems to have crashed/,
      /\] Elapsed time: .* total,/,
    ]);
    assert.ok(
      at.every((n, i) => n >= 0 && (i === 0 || n > (at[i - 1] ?? 0))),
      `${JSON.stringify(at)}\n${r.stdout}`,
    );
    assert.doesNotMatch(r.stderr, /Test results stored/);
  });
});
