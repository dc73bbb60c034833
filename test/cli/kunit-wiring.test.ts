/**
 * The kernel tool's reporters (`vmunit kunit run|exec --json`, no file named): kunit.py prints the JSON
 * after the console's last line, so a document for stdout is held until every reporter has closed, even
 * when it is far larger than one write block.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createReporters } from '../../src/cli/commands/kunit-wiring.js';
import { buildTree } from '../../src/ktap/tree.js';
import { kunitJson } from '../../src/reporters/json-kunit.js';
import { collector } from '../collecting-sinks.js';
import { parseAll } from '../ktap/helpers.js';

/** 5,000 passing cases in 50 suites: a JSON document of about 500 KB. */
function log(): string[] {
  const lines = ['KTAP version 1', '1..50'];
  for (let s = 1; s <= 50; s++) {
    lines.push('    KTAP version 1', `    # Subtest: suite_${s}`, '    1..100');
    for (let c = 1; c <= 100; c++) lines.push(`    ok ${c} case_${c}`);
    lines.push(`ok ${s} suite_${s}`);
  }
  return lines;
}

describe('kunit createReporters', () => {
  it('--json to stdout comes whole after the console, not among its lines', async () => {
    const { stream, text } = collector();
    const { reporter, files } = createReporters({
      stdout: stream,
      color: false,
      baseDir: '/nonexistent',
      json: 'stdout',
      junit: undefined,
      console: true,
      metadata: {},
    });
    const events = parseAll(log());
    for (const event of events) reporter.onEvent(event);
    await reporter.close();
    assert.deepEqual(files, []);
    const out = text();
    const summary = out.indexOf('Testing complete. Ran 5000 tests: passed: 5000\n');
    assert.ok(summary > 0, 'the summary line');
    assert.equal(out.slice(0, summary).match(/\[PASSED\] case_/g)?.length, 5000);
    const json = out.slice(out.indexOf('\n', summary) + 1);
    assert.ok(json.length > 400_000, `a document of many blocks (${json.length} bytes)`);
    assert.ok(json === `${kunitJson(buildTree(events))}\n`, 'the whole document, after the console');
  });
});
