import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { LeafScanner, MAX_LEAVES, passedLeavesEvents, plainLineEnd } from '../../src/ktap/fast-leaf.js';
import { classifyLine, parseResultLine } from '../../src/ktap/line-type.js';
import { KtapParser, type KtapParserOptions } from '../../src/ktap/parser.js';
import { LineSplitter, type LineVisitor } from '../../src/util/lines.js';
import { prng } from '../prng.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'ktap');

/** Ids renamed by first appearance: the fast lane's leaves have ids of their own, the rest the same. */
function normalise(events: RunEvent[]): unknown[] {
  const ids = new Map<string, string>();
  const rename = (id: string) => {
    if (!ids.has(id)) ids.set(id, `#${ids.size}`);
    return ids.get(id);
  };
  return events.map((e) => {
    const copy: Record<string, unknown> = { ...e };
    if (typeof copy.id === 'string') copy.id = rename(copy.id);
    if (typeof copy.parentId === 'string') copy.parentId = rename(copy.parentId);
    return copy;
  });
}

/**
 * The events of `log` read as `vmunit parse` reads it (chunks of `chunk` bytes, LineSplitter.each), with the
 * fast lane's leaves turned back into events, or without the fast lane; how many leaves it took, and the
 * longest run.
 */
function parse(log: Buffer, fast: boolean, chunk: number, options: KtapParserOptions = {}) {
  const events: RunEvent[] = [];
  let leaves = 0;
  let longest = 0;
  const parser = new KtapParser({
    ...options,
    ...(fast
      ? {
          onPassedLeaves: (run) => {
            leaves += run.count;
            longest = Math.max(longest, run.count);
            events.push(...passedLeavesEvents(run));
          },
        }
      : {}),
  });
  const splitter = new LineSplitter(undefined, { invalidUtf8: 'backslash', breaks: 'splitlines' });
  const visitor: LineVisitor = {
    take: (bytes, start, end) => {
      const taken = parser.pushBytes(bytes, start, end);
      if (taken > start) events.push(...parser.takeEvents());
      return taken;
    },
    line: (line) => {
      events.push(...parser.push(line));
    },
  };
  // One buffer for every chunk, overwritten by the next read, as `vmunit parse` reads a file.
  const reused = Buffer.alloc(chunk);
  for (let at = 0; at < log.length; at += chunk) {
    const size = log.copy(reused, 0, at, at + chunk);
    splitter.each(reused.subarray(0, size), visitor);
    parser.releaseBytes();
    reused.fill(0x3f);
  }
  for (const line of splitter.end()) visitor.line(line);
  events.push(...parser.end());
  return { events, leaves, longest };
}

function assertSameEvents(log: Buffer, chunk: number, options: KtapParserOptions = {}): number {
  const fast = parse(log, true, chunk, options);
  const slow = parse(log, false, chunk, options);
  assert.equal(slow.leaves, 0);
  assert.deepEqual(normalise(fast.events), normalise(slow.events));
  return fast.leaves;
}

/** A KUnit log with printk prefixes: every line the fast lane must leave to the event path, and some it takes. */
const EDGES = [
  'KTAP version 1',
  '1..3',
  '    KTAP version 1',
  '    # Subtest: suite',
  '    1..12',
  '    ok 1 plain',
  '    ok 2 - dashed',
  '    ok 03 leading_zero',
  '    ok 4 skipped # SKIP no hardware',
  '    ok 5 with:colon',
  '    ok 6 caf\u00e9',
  '    ok 7 trailing ',
  '    ok 9 wrong_number',
  '    # a diagnostic held for the next case',
  '    ok 9 after_diagnostic',
  '    not ok 10 failed',
  '\tok 11 tab_indented',
  '    ok 12 -',
  '# suite: pass:10 fail:1 skip:1 total:12',
  'not ok 1 suite',
  // Without a plan, the line with the suite's own name ends its list: its result, not a case.
  '    KTAP version 1',
  '    # Subtest: noplan',
  '    ok 1 first',
  'ok 2 noplan',
  'ok 3 top_level_leaf',
].map((line, i) => `[    1.${String(i).padStart(6, '0')}] ${line}`);

describe('the fast lane (ktap/fast-leaf.ts)', () => {
  it('gives the events of the event path on lines it must refuse, and takes the plain passing cases', () => {
    const log = Buffer.from(`${EDGES.join('\n')}\n`);
    // Lines cut by a chunk boundary reach the parser as strings (the event path).
    for (const chunk of [7, 64]) assertSameEvents(log, chunk);
    // plain, dashed, tab_indented, '-' and the top-level case; never after a held diagnostic, nor the first
    // case after a missing plan (read as the plan's lookahead).
    assert.equal(assertSameEvents(log, 1 << 16), 5);
  });

  it('takes runs of cases up to the plan, the end of the list or MAX_LEAVES, as the event path reads them', () => {
    const n = 2 * MAX_LEAVES + 5;
    const cases = (count: number) => Array.from({ length: count }, (_, i) => `    ok ${i + 1} case_${i + 1}`);
    const lines = [
      'KTAP version 1',
      '1..3',
      '    KTAP version 1',
      '    # Subtest: planned',
      `    1..${n}`,
      ...cases(n),
      'ok 1 planned',
      '    KTAP version 1',
      '    # Subtest: case_4',
      // No plan: the case named as the suite, number 4, is its result line (with a wrong number).
      ...cases(4),
      'ok 3 top_level_leaf',
      // Past the root's plan: ignored.
      'ok 4 past_the_plan',
    ].map((line, i) => `[    3.${String(i).padStart(6, '0')}] ${line}`);
    const log = Buffer.from(`${lines.join('\n')}\n`);
    for (const chunk of [50, 999, 1 << 16]) assertSameEvents(log, chunk);
    const whole = parse(log, true, 1 << 22);
    assert.equal(whole.longest, MAX_LEAVES);
    // planned's cases, case_4's second and third (its first is read as the plan's lookahead) and the
    // top-level case.
    assert.equal(whole.leaves, n + 2 + 1);
  });

  it("with blocks: 'all', gives later documents' top-level cases their positions after the earlier ones", () => {
    // Each document numbers its cases from 1; test:start's index goes on (1..3, then 4..6).
    const lines = ['x', 'KTAP version 1', '1..3', 'ok 1 a', 'ok 2 b', 'ok 3 c', 'y'];
    const log = Buffer.from(`${[...lines, ...lines].join('\n')}\n`);
    const options: KtapParserOptions = { blocks: 'all' };
    assert.ok(assertSameEvents(log, 1 << 16, options) >= 4);
    const starts = parse(log, true, 1 << 16, options).events.filter((e) => e.type === 'test:start');
    assert.deepEqual(
      starts.map((e) => (e.type === 'test:start' ? e.index : 0)),
      [1, 1, 2, 3, 4, 5, 6],
    );
  });

  it('reads bytes as the event path reads text: breaks, tabs, #, non-ASCII, long lines, any chunking', () => {
    const lines = [
      'KTAP version 1',
      '1..1',
      '    KTAP version 1',
      '    # Subtest: bytes',
      '    1..14',
      '    ok 1 plain',
      '    ok 2 crlf\r',
      '\tok 3 tab\tin\tname',
      '    ok 4 hash#in_name',
      '    ok 4 hash_refused',
      '    ok 5 caf\u00e9',
      `    ok 6 ${'x'.repeat(100_000)}`,
      '    ok 7 \u00e9\u00e8\u20ac\u{1f600}',
      '    ok 8 vertical\vtab',
      '    ok 9 trailing_tab\t',
      '    ok 10 lone\rcr',
      '    ok 11 nel\u0085here',
      '    ok 12 invalid\xff',
      '    ok 13 -',
      '    ok 14 last',
      'ok 1 bytes',
    ].map((line, i) => `[    1.${String(i).padStart(6, '0')}] ${line}`);
    const log = Buffer.from(`${lines.join('\n')}\n`, 'latin1');
    // Every line in latin1 but the non-ASCII ones, which must be UTF-8 (one of them invalid on purpose).
    const utf8 = Buffer.from(`${lines.join('\n')}\n`.replace('invalid\xff', 'invalid'));
    for (const bytes of [log, utf8]) {
      for (let chunk = 1; chunk <= 24; chunk++) assertSameEvents(bytes, chunk);
      // plain, tab, the long line, '-' and last; a '#' line (a diagnostic here) holds back the next case.
      assert.equal(assertSameEvents(bytes, 1 << 20), 5);
    }
  });

  it('gives the events of the event path on the KUnit test logs', () => {
    let leaves = 0;
    for (const name of readdirSync(FIX).filter((f) => f.endsWith('.log'))) {
      leaves += assertSameEvents(readFileSync(join(FIX, name)), 1 << 16);
    }
    assert.ok(leaves > 50, `fast lane took ${leaves} cases`);
  });

  it('gives the events of the event path on mutated and truncated logs, in any chunking', () => {
    const rand = prng(16);
    const pieces = [
      'ok ',
      'not ok ',
      '1..3',
      '# Subtest: s',
      'KTAP version 1',
      ' # SKIP',
      '- ',
      ':',
      's',
      '0',
    ];
    for (let round = 0; round < 200; round++) {
      const lines = EDGES.slice(0, 1 + Math.floor(rand() * EDGES.length));
      for (let m = 0; m < 4; m++) {
        const at = Math.floor(rand() * lines.length);
        const stamp = '[    2.000000] ';
        const random = Array.from({ length: 1 + Math.floor(rand() * 4) }, () =>
          rand() < 0.5 ? pieces[Math.floor(rand() * pieces.length)] : String(Math.floor(rand() * 15)),
        ).join('');
        if (rand() < 0.5) lines.splice(at, 0, stamp + random);
        else lines.splice(at, 1);
      }
      const log = Buffer.from(lines.join(rand() < 0.2 ? '\r\n' : '\n'));
      assertSameEvents(log, 1 + Math.floor(rand() * 200));
    }
  });

  it('accepts only lines the grammar reads as passing cases with that name and number', () => {
    const rand = prng(17);
    const scanner = new LeafScanner();
    const pick = (list: readonly string[]) => list[Math.floor(rand() * list.length)] ?? '';
    const name = ['x', '- ', '-', '#', ' # SKIP', ' # TODO', ':', '\u00e9', '\v', ' ', '\t', '', '"'];
    let accepted = 0;
    for (let round = 0; round < 20_000; round++) {
      const line = [
        pick(['', ' ', '\t', '    ', '\f']),
        pick(['ok ', 'ok ', 'not ok ', 'ok', 'ko ']),
        pick(['1', '7', '07', '0', '1234567890', '', '3x']),
        pick([' ', ' ', '', '  ']),
        pick(['', '- ']),
        pick(name),
        pick(name),
      ].join('');
      const text = `pre${line}`;
      const bytes = Buffer.from(`${text}\n`);
      const end = plainLineEnd(bytes, 0, bytes.length);
      if (end < 0 || !scanner.scan(bytes, 0, end, 3)) continue;
      assert.equal(end, bytes.length - 1);
      accepted++;
      const result = parseResultLine(classifyLine(line, 1));
      assert.ok(result, line);
      assert.equal(result.ok, true, line);
      assert.equal(result.directiveText, '', line);
      assert.equal(result.name, text.slice(scanner.nameStart), line);
      assert.equal(Number(result.numberText), scanner.number, line);
    }
    assert.ok(accepted > 100, `accepted ${accepted}`);
  });
});
