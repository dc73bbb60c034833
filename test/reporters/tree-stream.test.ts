import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { buildTree, TreeBuilder } from '../../src/ktap/tree.js';
import { createKunitJsonReporter, kunitJson } from '../../src/reporters/json-kunit.js';
import { createJUnitReporter, treeToJUnit } from '../../src/reporters/junit.js';
import type { Reporter } from '../../src/reporters/types.js';
import { FIXTURES, parseAll } from '../ktap/helpers.js';
import { prng } from '../prng.js';

/** What a reporter writes to a stream for these events. */
async function streamed(make: (out: PassThrough) => Reporter, events: readonly RunEvent[]): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const reporter = make(out);
  for (const e of events) reporter.onEvent(e);
  await reporter.close();
  return Buffer.concat(chunks).toString('utf8');
}

/** The whole-tree rendering, what the streamed documents must equal byte for byte. */
function byTree(events: readonly RunEvent[]): { json: string; junit: string } {
  const builder = new TreeBuilder();
  for (const e of events) builder.push(e);
  const roots = builder.finish();
  return {
    json: `${kunitJson(buildTree(events))}\n`,
    junit: treeToJUnit(roots.length > 0 ? roots : builder.root(), { style: 'dump', kunitCompatible: true }),
  };
}

async function check(events: readonly RunEvent[], what: string): Promise<void> {
  const want = byTree(events);
  const json = await streamed(
    (out) => createKunitJsonReporter({ destination: out, color: false, kunitCompatible: true }),
    events,
  );
  assert.equal(json, want.json, `JSON of ${what}`);
  const junit = await streamed(
    (out) => createJUnitReporter({ destination: out, color: false, kunitCompatible: true }),
    events,
  );
  assert.equal(junit, want.junit, `JUnit of ${what}`);
}

const PIECES = [
  'KTAP version 1',
  '# Subtest: s',
  '1..2',
  '1..0',
  'ok 1 a',
  'not ok 2 b',
  'ok 1 c # SKIP why',
  'not ok 1 s',
  'ok 2 s',
  '# log line',
  '  ok 1 x',
  '    not ok 1 y',
  '  KTAP version 1',
  '  # Subtest: t',
  '  1..1',
  'ok 3 é',
  'not ok 1 <&"> # SKIP',
  '\x1b[31mred',
  '',
];

describe('streamed kunit.py JSON and JUnit = the tree rendering', () => {
  it('on every KTAP fixture', async () => {
    const logs = readdirSync(FIXTURES).filter((f) => f.endsWith('.log'));
    assert.ok(logs.length > 10);
    for (const name of logs) {
      const lines = readFileSync(join(FIXTURES, name), 'utf8').split('\n');
      await check(parseAll(lines), name);
      await check(parseAll(lines, { blocks: 'all' }), `${name} --all-blocks`);
    }
  });
  it('on a log whose kept JUnit body spans many pieces with multi-line, non-ASCII logs', async () => {
    // Each failing case's log has line breaks (marked in the kept body) and UTF-8 of 2 to 4 bytes, and the
    // body is many 64 KiB pieces: the marks are dropped byte by byte, never splitting a character.
    const lines = ['KTAP version 1', '1..40'];
    for (let s = 1; s <= 40; s++) {
      lines.push('    KTAP version 1', `    # Subtest: suite_${s}`, '    1..100');
      for (let c = 1; c <= 100; c++) {
        if (c % 7 === 0)
          lines.push(`    # case_${c}: caf\u00e9 \u20ac ${'\u{1f600}'.repeat(c % 5)}`, '    # second line');
        lines.push(`    ${c % 7 === 0 ? 'not ok' : 'ok'} ${c} case_${c}`);
      }
      lines.push(`not ok ${s} suite_${s}`);
    }
    await check(parseAll(lines), 'a long log with marked, non-ASCII logs');
  });
  it('on 1500 random logs, several roots and unfinished tests included', async () => {
    const rnd = prng(5);
    for (let n = 0; n < 1500; n++) {
      const lines = ['KTAP version 1'];
      for (let k = Math.floor(rnd() * 30); k > 0; k--)
        lines.push(PIECES[Math.floor(rnd() * PIECES.length)] ?? '');
      const events = parseAll(lines, { extract: false });
      await check(events, JSON.stringify(lines));
      // Two roots, and the second cut short: <testsuites>, and tests closed as crashed at the end.
      const cut = events.filter((e) => e.type !== 'run:end');
      const second = cut
        .slice(0, Math.floor(cut.length * rnd()))
        .map((e) => ('id' in e ? { ...e, id: `b${e.id}` } : e))
        .map((e) =>
          e.type === 'test:start' && e.parentId !== null ? { ...e, parentId: `b${e.parentId}` } : e,
        );
      await check([...events, ...second], `two roots of ${JSON.stringify(lines)}`);
    }
  });
});
