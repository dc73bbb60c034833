/**
 * A test's own verdict survives in the leaf-counting formats: a guest test that timed out after passing
 * checks is a JUnit failure and a KernelCI FAIL case, counted up to the root; kunit.py-compatible output
 * stays exactly kunit.py's.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { createKunitJsonReporter } from '../../src/reporters/json-kunit.js';
import { createJUnitReporter } from '../../src/reporters/junit.js';
import type { Reporter } from '../../src/reporters/types.js';
import { Capture } from './capture.js';

const events: RunEvent[] = [
  { type: 'test:start', id: 'g', parentId: null, name: 'x86_64', index: 1, depth: 0, isSuite: true },
  { type: 'test:start', id: 'g/1', parentId: 'g', name: 'ioapic', index: 1, depth: 1, isSuite: false },
  { type: 'test:start', id: 'g/1/1', parentId: 'g/1', name: 'check', index: 1, depth: 2, isSuite: false },
  { type: 'test:result', id: 'g/1/1', name: 'check', status: 'SUCCESS' },
  {
    type: 'test:result',
    id: 'g/1',
    name: 'ioapic',
    status: 'FAILURE',
    directive: { kind: 'TIMEOUT', reason: 'timeout; duration=90s' },
    reason: 'timeout; duration=90s',
  },
  { type: 'test:start', id: 'g/2', parentId: 'g', name: 'crashy', index: 2, depth: 1, isSuite: false },
  { type: 'test:start', id: 'g/2/1', parentId: 'g/2', name: 'check', index: 1, depth: 2, isSuite: false },
  { type: 'test:result', id: 'g/2/1', name: 'check', status: 'SUCCESS' },
  { type: 'test:result', id: 'g/2', name: 'crashy', status: 'TEST_CRASHED', reason: 'aborted' },
  { type: 'test:result', id: 'g', name: 'x86_64', status: 'FAILURE' },
];

async function render(reporter: Reporter, out: Capture): Promise<string> {
  for (const e of events) reporter.onEvent(e);
  await reporter.close();
  return out.text;
}

describe('verdict cases', () => {
  it('JUnit: a failure and an error case for the tests, counted at the root', async () => {
    const out = new Capture();
    const xml = await render(createJUnitReporter({ destination: out, color: false }), out);
    assert.match(xml, /^<testsuite name="x86_64" tests="4" failures="1" skipped="0" errors="1"/);
    assert.match(
      xml,
      /<testcase name="ioapic" classname="ioapic">\s*<failure message="timeout; duration=90s">/,
    );
    assert.match(xml, /<testcase name="crashy" classname="crashy">\s*<error message="aborted">/);
  });

  it('JUnit, kunit.py-compatible: unchanged', async () => {
    const out = new Capture();
    const xml = await render(
      createJUnitReporter({ destination: out, color: false, kunitCompatible: true }),
      out,
    );
    assert.match(xml, /^<testsuite name="x86_64" tests="2" failures="0" skipped="0" errors="0">/);
  });

  it('KernelCI JSON: FAIL and ERROR cases beside the checks', async () => {
    const out = new Capture();
    const json = JSON.parse(await render(createKunitJsonReporter({ destination: out, color: false }), out));
    assert.deepEqual(
      json.sub_groups.map((g: { name: string; test_cases: unknown[] }) => [g.name, g.test_cases]),
      [
        [
          'ioapic',
          [
            { name: 'check', status: 'PASS' },
            { name: 'ioapic', status: 'FAIL' },
          ],
        ],
        [
          'crashy',
          [
            { name: 'check', status: 'PASS' },
            { name: 'crashy', status: 'ERROR' },
          ],
        ],
      ],
    );
    const plain = new Capture();
    const kunit = JSON.parse(
      await render(
        createKunitJsonReporter({ destination: plain, color: false, kunitCompatible: true }),
        plain,
      ),
    );
    assert.equal(kunit.sub_groups[0].test_cases.length, 1);
  });
});
