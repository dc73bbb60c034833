/**
 * The KTAP vmunit writes keeps every test's verdict when it is read back, on the logs a crash or a bad
 * console leaves: the kernel's KUnit logs with a line dropped, the log cut short, or a line repeated. A
 * nested document without `# Subtest:` makes unnamed tests, whose bare `ok 1` kunit.py reads as a log line;
 * a log without KTAP must not come back as a clean run.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestNode } from '../../src/ktap/model.js';
import { isFailingStatus } from '../../src/ktap/status.js';
import { buildTree } from '../../src/ktap/tree.js';
import { eventsToKtap } from '../../src/reporters/ktap.js';
import { UNNAMED_TEST } from '../../src/reporters/ktap-lines.js';
import { FIXTURES, parseAll } from '../ktap/helpers.js';
import { prng } from '../prng.js';

/** Every test's path and whether it fails; the name the writer gives an unnamed test reads as none. */
function verdicts(node: TestNode, path = '', root = true): string[] {
  const name = node.name === UNNAMED_TEST ? '' : node.name;
  const here = root ? '' : `${path}/${name}`;
  const verdict = isFailingStatus(node.status) ? 'fails' : 'passes';
  return [`${here} ${verdict}`, ...node.subtests.flatMap((c) => verdicts(c, here, false))];
}

/** The verdicts of `lines` as parsed, and as parsed again from the KTAP written for them. */
function both(lines: readonly string[]): { before: string[]; after: string[]; ktap: string } {
  const events = parseAll(lines);
  const ktap = eventsToKtap(events);
  const after = verdicts(buildTree(parseAll(ktap.replace(/\n$/, '').split('\n'))));
  return { before: verdicts(buildTree(events)), after, ktap };
}

describe('KTAP written for a damaged log keeps every verdict', () => {
  it('on the KUnit logs with a line dropped, repeated, or the rest cut off', () => {
    const rnd = prng(11);
    let checked = 0;
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.log'))) {
      const log = readFileSync(join(FIXTURES, file), 'utf8').split('\n');
      for (let n = 0; n < 25; n++) {
        const lines = [...log];
        const at = Math.floor(rnd() * lines.length);
        const damage = Math.floor(rnd() * 3);
        if (damage === 0) lines.splice(at, 1);
        else if (damage === 1) lines.length = at;
        else lines.splice(at, 0, lines[Math.floor(rnd() * lines.length)] ?? '');
        const { before, after, ktap } = both(lines);
        assert.deepEqual(after, before, `${file}, damage ${damage} at line ${at}:\n${ktap}`);
        checked++;
      }
    }
    assert.ok(checked > 400);
  });

  it('names an unnamed test, and plans an unnamed suite, so that its result line stays its own', () => {
    const { before, after, ktap } = both(['KTAP version 1', '  KTAP version 1', 'ok 1 c # SKIP why']);
    assert.deepEqual(after, before);
    assert.equal(
      ktap,
      'KTAP version 1\n    KTAP version 1\n    1..1\n    ok 1 c # SKIP why\nok 1 (unnamed)\n',
    );
  });

  it('writes the crashed tests an unnamed suite lacked, which kunit.py cannot tell by its name', () => {
    const lines = ['KTAP version 1', '  KTAP version 1', '  1..3', '  ok 1 case_1', '  ok 2 case_2'];
    const { before, after, ktap } = both(lines);
    assert.deepEqual(after, before);
    assert.match(ktap, /^ {4}not ok 3 \(unnamed\) # ERROR/m);
  });
});
