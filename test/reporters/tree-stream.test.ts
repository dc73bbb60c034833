import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { PassedLeaves } from '../../src/ktap/fast-leaf.js';
import { KtapParser } from '../../src/ktap/parser.js';
import { buildTree, TreeBuilder } from '../../src/ktap/tree.js';
import { createKunitJsonReporter, kunitJson } from '../../src/reporters/json-kunit.js';
import { createJUnitReporter, treeToJUnit } from '../../src/reporters/junit.js';
import { type Reporter, takesLeaves } from '../../src/reporters/types.js';
import { LineSplitter } from '../../src/util/lines.js';
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

/** `events` as a second root's: ids prefixed with 'b', and no run:end (the first root's run has one). */
function secondRoot(events: readonly RunEvent[]): RunEvent[] {
  return events
    .filter((e) => e.type !== 'run:end')
    .map((e) => ('id' in e ? { ...e, id: `b${e.id}` } : e))
    .map((e) => (e.type === 'test:start' && e.parentId !== null ? { ...e, parentId: `b${e.parentId}` } : e));
}

/**
 * What a reporter writes for `log` read as `vmunit parse` reads it, the parser's fast lane handing it runs
 * of passing cases (passedLeaves) and the rest as events; with `roots` 2, the log is read twice, the second
 * time as secondRoot's.
 */
async function streamedFast(
  make: (out: PassThrough) => Reporter,
  log: Buffer,
  roots: 1 | 2,
): Promise<string> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const reporter = make(out);
  assert.ok(takesLeaves(reporter));
  let runs = 0;
  for (let root = 0; root < roots; root++) {
    const parser = new KtapParser({
      blocks: 'all',
      onPassedLeaves: (leaves) => {
        runs++;
        if (root === 0) return reporter.passedLeaves(leaves);
        const renamed = new PassedLeaves();
        Object.assign(renamed, { ...leaves, parentId: `b${leaves.parentId}` });
        renamed.names.set(leaves.names);
        reporter.passedLeaves(renamed);
      },
    });
    const deliver = (events: RunEvent[]) => {
      for (const e of root === 0 ? events : secondRoot(events)) reporter.onEvent(e);
    };
    const splitter = new LineSplitter(undefined, { invalidUtf8: 'backslash', breaks: 'splitlines' });
    const visitor = {
      take: (bytes: Buffer, start: number, end: number) => {
        const taken = parser.pushBytes(bytes, start, end);
        if (taken > start) deliver(parser.takeEvents());
        return taken;
      },
      line: (line: string) => deliver(parser.push(line)),
    };
    for (let at = 0; at < log.length; at += 1 << 16) {
      splitter.each(log.subarray(at, at + (1 << 16)), visitor);
      parser.releaseBytes();
    }
    for (const line of splitter.end()) visitor.line(line);
    deliver(parser.end());
  }
  await reporter.close();
  assert.ok(runs > 100, `the fast lane took ${runs} runs`);
  return Buffer.concat(chunks).toString('utf8');
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
  it('on runs of fast-lane cases: megabytes of them, names a document escapes inside runs, two roots', async () => {
    // One suite of 40k cases passes a run's byte limit and the chunk it is copied into; names with bytes
    // JSON or XML escapes end a run in its middle; a parameterised case makes its cases a group; the second
    // root (the log read again) makes JUnit indent every root inside <testsuites>.
    const lines: string[] = [];
    for (const block of [1, 2]) {
      lines.push(
        'KTAP version 1',
        '1..2',
        '    KTAP version 1',
        `    # Subtest: big_${block}`,
        '    1..40000',
      );
      for (let c = 1; c <= 40000; c++) {
        const name =
          c % 997 === 0 ? `case_"${c}"` : c % 1009 === 0 ? `case<${c}>&` : `case_${'x'.repeat(c % 40)}${c}`;
        lines.push(`    ok ${c} ${name}`);
      }
      lines.push(`ok 1 big_${block}`, '    KTAP version 1', '    # Subtest: param', '    1..1');
      lines.push('        KTAP version 1', '        # Subtest: p', '        1..300');
      for (let c = 1; c <= 300; c++) lines.push(`        ok ${c} p_${c}`);
      lines.push('    ok 1 p', 'ok 2 param');
    }
    const log = Buffer.from(`${lines.join('\n')}\n`);
    // The event path is the reference: with two blocks, the tree rendering orders the root's children by
    // index across blocks, where streamed documents keep them in the order they came.
    const events = parseAll(lines, { blocks: 'all' });
    const json = (out: PassThrough) =>
      createKunitJsonReporter({ destination: out, color: false, kunitCompatible: true });
    const fastJson = await streamedFast(json, log, 1);
    assert.ok(fastJson.length > 4e6);
    assert.equal(fastJson, await streamed(json, events));
    const junit = (out: PassThrough) =>
      createJUnitReporter({ destination: out, color: false, kunitCompatible: true });
    assert.equal(await streamedFast(junit, log, 1), await streamed(junit, events));
    const twoRoots = await streamedFast(junit, log, 2);
    assert.match(twoRoots, /^<testsuites>/);
    assert.equal(twoRoots, await streamed(junit, [...events, ...secondRoot(events)]));
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
      const second = secondRoot(events);
      second.length = Math.floor(second.length * rnd());
      await check([...events, ...second], `two roots of ${JSON.stringify(lines)}`);
    }
  });
});
