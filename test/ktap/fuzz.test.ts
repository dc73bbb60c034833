import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KtapParser } from '../../src/ktap/parser.js';
import { TreeBuilder } from '../../src/ktap/tree.js';
import { LineSplitter } from '../../src/util/lines.js';
import { prng } from '../prng.js';

const PIECES = [
  'KTAP version 1',
  'TAP version 14',
  'KTAP version 99',
  '# Subtest: s',
  '1..',
  'ok ',
  'not ok ',
  '# SKIP',
  ' # TODO',
  ' - ',
  '#',
  '    ',
  '\t',
  'name',
  'Kernel panic - not syncing: VFS:',
  'kunit executor: x',
  '[    1.0] ',
  '\u00e9',
  '\ud83d\ude00',
  '99999999999999999999',
];

function randomLine(rand: () => number): string {
  let line = '';
  const n = Math.floor(rand() * 6);
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (r < 0.6) line += PIECES[Math.floor(rand() * PIECES.length)];
    else if (r < 0.8) line += String(Math.floor(rand() * 5));
    else line += String.fromCharCode(Math.floor(rand() * 0x3000));
  }
  return line;
}

/** Parses lines into events and a tree; the test fails if anything throws. */
function parseAndFold(lines: Iterable<string>): number {
  const parser = new KtapParser();
  const tree = new TreeBuilder();
  let count = 0;
  const take = (events: ReturnType<KtapParser['push']>) => {
    for (const e of events) {
      tree.push(e);
      count++;
    }
  };
  for (const line of lines) take(parser.push(line));
  take(parser.end());
  tree.root();
  return count;
}

function wellFormed(cases: number): string[] {
  const lines = ['KTAP version 1', '1..1', '    KTAP version 1', '    # Subtest: big', `    1..${cases}`];
  for (let i = 1; i <= cases; i++) lines.push(`    # case_${i}: diag`, `    ok ${i} case_${i}`);
  lines.push('ok 1 big');
  return lines;
}

describe('parser fuzz', () => {
  it('never throws on random lines', () => {
    const rand = prng(1);
    for (let round = 0; round < 200; round++) {
      const lines = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => randomLine(rand));
      assert.ok(parseAndFold(lines) > 0);
    }
  });
  it('never throws on mutated and truncated KUnit output', () => {
    const rand = prng(2);
    const base = wellFormed(30);
    for (let round = 0; round < 300; round++) {
      const lines = base.slice(0, Math.floor(rand() * (base.length + 1)));
      for (let m = 0; m < 5; m++) {
        const i = Math.floor(rand() * Math.max(1, lines.length));
        const op = rand();
        if (op < 0.3) lines.splice(i, 1);
        else if (op < 0.6) lines.splice(i, 0, randomLine(rand));
        else if (lines[i] !== undefined) lines[i] = lines[i].slice(0, Math.floor(rand() * lines[i].length));
      }
      assert.ok(parseAndFold(lines) > 0);
    }
  });
  it('never throws on binary input through the line reader', () => {
    const rand = prng(3);
    for (let round = 0; round < 50; round++) {
      const bytes = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(rand() * 256)));
      for (const invalidUtf8 of ['replace', 'backslash'] as const) {
        const splitter = new LineSplitter(1024, { invalidUtf8, breaks: 'splitlines' });
        const lines = [
          ...splitter.push(bytes.subarray(0, 1000)),
          ...splitter.push(bytes.subarray(1000)),
          ...splitter.end(),
        ];
        assert.ok(parseAndFold(['KTAP version 1', ...lines]) > 0);
      }
    }
  });
  it('handles a single 10 MB line', () => {
    const huge = `ok 1 ${'a # '.repeat(2_500_000)}`;
    assert.ok(
      parseAndFold(['KTAP version 1', huge, ` ${' '.repeat(10_000_000)}`, huge.replaceAll('#', ' ')]) > 0,
    );
  });
  it('time grows linearly: 4× the input takes well under 16× the time', () => {
    const time = (cases: number) => {
      const lines = wellFormed(cases);
      const start = process.hrtime.bigint();
      parseAndFold(lines);
      return Number(process.hrtime.bigint() - start);
    };
    time(5000); // warm up the JIT
    const small = Math.min(time(20_000), time(20_000));
    const large = Math.min(time(80_000), time(80_000));
    // Linear is 4×; quadratic would be 16×. The bound is generous for a noisy shared machine.
    assert.ok(large < small * 10, `20k cases ${small / 1e6} ms, 80k cases ${large / 1e6} ms`);
  });
});
