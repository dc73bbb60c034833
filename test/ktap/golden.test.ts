import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { formatCounts } from '../../src/ktap/model.js';
import { KUNIT_6_12_RULES } from '../../src/ktap/rules.js';
import { buildTree } from '../../src/ktap/tree.js';
import { kunitJson } from '../../src/reporters/json-kunit.js';
import { consoleOf, FIXTURES, fixtureLines, parseAll } from './helpers.js';

// Golden tests: for each of Linux 6.12's KUnit test logs, the console text, the JSON and the exit status
// that kunit.py 6.12 produced (test/fixtures/ktap/*.expected.*), read with 6.12's rules (mainline's, the
// parser's default, differ on two of them: test/cli/kunit-mainline.test.ts).
const rules = { rules: KUNIT_6_12_RULES };
const logs = readdirSync(FIXTURES).filter((f) => f.endsWith('.log'));

describe('kunit.py 6.12 golden outputs', () => {
  it('has the 23 logs', () => {
    assert.equal(logs.length, 23);
  });
  for (const log of logs) {
    const base = log.slice(0, -4);
    const expected = (ext: string) => readFileSync(join(FIXTURES, `${base}.expected.${ext}`), 'utf8');
    it(`${base}: console text`, () => {
      const want = expected('txt').trimEnd();
      assert.equal(consoleOf(fixtureLines(log), false, rules).trimEnd(), want);
    });
    it(`${base}: JSON, summary and exit status`, () => {
      const root = buildTree(parseAll(fixtureLines(log), rules));
      assert.deepEqual(JSON.parse(kunitJson(root)), JSON.parse(expected('json')));
      const summary = expected('txt')
        .split('\n')
        .filter((l) => l.startsWith('Testing complete.'))
        .pop();
      assert.equal(`Testing complete. ${formatCounts(root.counts)}`, summary);
      assert.equal(root.status === 'SUCCESS' ? 0 : 1, Number(expected('rc').trim()) === 0 ? 0 : 1);
    });
  }
});
