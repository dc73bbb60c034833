import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { buildTree } from '../../src/ktap/tree.js';
import { createKtapReporter, eventsToKtap, KtapWriter, treeToKtap } from '../../src/reporters/ktap.js';
import { escapeKtapName, resultLine } from '../../src/reporters/ktap-lines.js';
import { parseAll } from '../ktap/helpers.js';
import { runReporter } from './capture.js';
import { checkKtap } from './ktap-check.js';
import { hostileEvents, richEvents } from './sample-events.js';

const RICH_KTAP = `KTAP version 1
1..2
    KTAP version 1
    # Subtest: math
    # module: math_test
    1..7
    # adds: initializing
    # EXPECTATION FAILED at lib/math.c:30
    # Expected 1 + 1 == 3, but
    #     1 + 1 == 2
    #     3 == 3
    not ok 1 adds
    ok 2 subs
    ok 3 skipper # SKIP needs kvm
    not ok 4 todo # TODO not implemented
    ok 5 xfail # XFAIL known bug
    # serial: booting
    not ok 6 boots # TIMEOUT 90s
        KTAP version 1
        # Subtest: nested
        1..1
        ok 1 deep
    ok 7 nested
    # math: pass:3 fail:2 skip:1 total:7
not ok 1 math
ok 2 top
# root diagnostic
`;

describe('KTAP writer golden output', () => {
  it('writes nested suites, plans, directives, failure detail and logs', () => {
    const text = eventsToKtap(richEvents());
    assert.equal(text, RICH_KTAP);
    assert.equal(checkKtap(text).length, 10);
  });
  it('keeps hostile text from injecting lines and escapes names', () => {
    const text = eventsToKtap(hostileEvents());
    assert.equal(
      text,
      `KTAP version 1
    KTAP version 1
    # Subtest: suite <&> "q" 'a'
    1..3
    # </system-out><evil/> \\x07 bell
    # ]]> & done
    ok 1 case<1> & "two"\tTAB \\x1b[31m \\x00 # SKIP needs <kvm> & "root" ]]>
    # ok 1 fake
    # # Subtest: fake
    # KTAP version 1
    # <script>alert(1)</script>
    not ok 2 hash \uff03 and \\ backslash
    ok 3 line ok 99 injected
not ok 1 suite <&> "q" 'a'
`,
    );
    assert.deepEqual(checkKtap(text), [
      '1:1:ok:case<1> & "two"\tTAB \\x1b[31m \\x00 # SKIP needs <kvm> & "root" ]]>',
      '1:2:not ok:hash \uff03 and \\ backslash',
      '1:3:ok:line ok 99 injected',
      '0:1:not ok:suite <&> "q" \'a\'',
    ]);
  });
  it('does not repeat failure detail the log already carries', () => {
    const events: RunEvent[] = [
      { type: 'test:start', id: 'r', parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      { type: 'test:plan', id: 'r', count: 2 },
      { type: 'test:start', id: 'a', parentId: 'r', name: 'logged', index: 1, depth: 1, isSuite: false },
      { type: 'test:log', id: 'a', line: '# logged: EXPECTATION FAILED at t.ts:3' },
      { type: 'test:log', id: 'a', line: 'Expected x == 1, but' },
      {
        type: 'test:result',
        id: 'a',
        name: 'logged',
        status: 'FAILURE',
        failures: [
          {
            message: 'EXPECTATION FAILED',
            leftText: 'x',
            rightText: '1',
            location: { file: 't.ts', line: 3, column: 9 },
          },
        ],
      },
      { type: 'test:start', id: 'b', parentId: 'r', name: 'guest', index: 2, depth: 1, isSuite: false },
      { type: 'test:log', id: 'b', line: 'FAIL: check one' },
      {
        type: 'test:result',
        id: 'b',
        name: 'guest',
        status: 'FAILURE',
        failures: [{ message: 'FAIL: check one' }, { message: 'exit status 3' }],
      },
    ];
    assert.equal(
      eventsToKtap(events),
      [
        'KTAP version 1',
        '1..2',
        '# logged: EXPECTATION FAILED at t.ts:3',
        '# Expected x == 1, but',
        'not ok 1 logged',
        '# FAIL: check one',
        '# exit status 3',
        'not ok 2 guest',
        '',
      ].join('\n'),
    );
  });
  it('formats result lines and escapes per the spec', () => {
    assert.equal(escapeKtapName('#DB a#b\\c'), '\uff03DB a\uff03b\\c');
    assert.equal(resultLine(2, 'x', 'SKIPPED', { kind: 'SKIP', reason: '' }), 'ok 2 x # SKIP');
    // kunit.py reads `not ok 3` alone as a log line: a test without a name gets one.
    assert.equal(resultLine(3, '', 'FAILURE', undefined), 'not ok 3 (unnamed)');
    assert.equal(
      resultLine(4, 'y', 'FAILURE', { kind: 'TIMEOUT', reason: 'after\n90s' }),
      'not ok 4 y # TIMEOUT after 90s',
    );
  });
  it('treeToKtap writes the same document from a built tree', () => {
    const text = treeToKtap(buildTree(richEvents()));
    // The tree applies kunit.py's rule that a crash anywhere below makes the suite crashed.
    assert.equal(text, RICH_KTAP.replace('not ok 1 math\n', 'not ok 1 math # ERROR\n'));
  });
  it('writes an empty run as an empty plan', () => {
    assert.equal(eventsToKtap([]), 'KTAP version 1\n1..0\n');
  });
  it('writes a log without KTAP as no KTAP either: it reads back as the same failure', () => {
    const events = parseAll(['no', 'KTAP here']);
    assert.equal(buildTree(events).status, 'FAILURE_TO_PARSE_TESTS');
    const text = eventsToKtap(events);
    assert.equal(text, '# vmunit: no KTAP output was found\n');
    assert.equal(buildTree(parseAll(text.split('\n'))).status, 'FAILURE_TO_PARSE_TESTS');
    // A log with KTAP and no tests stays a clean empty run.
    assert.equal(eventsToKtap(parseAll(['KTAP version 1', '1..0'])), 'KTAP version 1\n1..0\n');
  });
});

/** Two suites running concurrently under one root, events interleaved; b finishes before a. */
function interleaved(): RunEvent[] {
  const s = (
    id: string,
    parentId: string | null,
    name: string,
    index: number,
    isSuite = false,
  ): RunEvent => ({
    type: 'test:start',
    id,
    parentId,
    name,
    index,
    depth: parentId === null ? 0 : parentId === 'r' ? 1 : 2,
    isSuite,
  });
  return [
    s('r', null, 'main', 1, true),
    { type: 'test:plan', id: 'r', count: 2 },
    s('a', 'r', 'suite_a', 1, true),
    s('b', 'r', 'suite_b', 2, true),
    { type: 'test:plan', id: 'b', count: 1 },
    { type: 'test:plan', id: 'a', count: 2 },
    s('b1', 'b', 'b_one', 1),
    { type: 'test:log', id: 'b1', line: 'b1 says hi' },
    s('a1', 'a', 'a_one', 1),
    { type: 'test:result', id: 'b1', name: 'b_one', status: 'SUCCESS' },
    { type: 'test:result', id: 'b', name: 'suite_b', status: 'SUCCESS' },
    { type: 'test:result', id: 'a1', name: 'a_one', status: 'SUCCESS' },
    s('a2', 'a', 'a_two', 2),
    { type: 'test:result', id: 'a2', name: 'a_two', status: 'FAILURE' },
    { type: 'test:result', id: 'a', name: 'suite_a', status: 'FAILURE' },
    { type: 'test:result', id: 'r', name: 'main', status: 'FAILURE' },
  ];
}

const SEQUENTIAL = `KTAP version 1
1..2
    KTAP version 1
    # Subtest: suite_a
    1..2
    ok 1 a_one
    not ok 2 a_two
not ok 1 suite_a
    KTAP version 1
    # Subtest: suite_b
    1..1
    # b1 says hi
    ok 1 b_one
ok 2 suite_b
`;

describe('KTAP writer streaming', () => {
  it('orders interleaved producers by declaration, flushing finished subtrees as soon as they can go', () => {
    const chunks: string[] = [];
    const writer = new KtapWriter((c) => chunks.push(c));
    const events = interleaved();
    const written: number[] = [];
    for (const e of events) {
      writer.push(e);
      written.push(chunks.join('').length);
    }
    const whole = chunks.join('');
    assert.equal(whole, SEQUENTIAL);
    // suite_b finished first but waits; nothing of it is out before suite_a's result line.
    const bDone = events.findIndex((e) => e.type === 'test:result' && e.id === 'b');
    assert.doesNotMatch(whole.slice(0, written[bDone]), /suite_b/);
    // a_one is written the moment it finishes, before suite_a is complete.
    const a1Done = events.findIndex((e) => e.type === 'test:result' && e.id === 'a1');
    assert.match(whole.slice(0, written[a1Done]), /ok 1 a_one\n$/);
    // suite_a's result releases suite_b's whole buffered subtree in the same step.
    const aDone = events.findIndex((e) => e.type === 'test:result' && e.id === 'a');
    assert.equal(written[aDone], SEQUENTIAL.length);
    writer.close();
    assert.equal(chunks.join(''), SEQUENTIAL);
  });

  it('closes an interrupted run as a valid document', () => {
    const events = interleaved().slice(0, 12); // a_one finished, a_two never started, b done
    const text = eventsToKtap([...events, { type: 'run:end', interrupted: true }]);
    assert.equal(
      text,
      `KTAP version 1
1..2
    KTAP version 1
    # Subtest: suite_a
    1..2
    ok 1 a_one
    # vmunit: test interrupted before its result
not ok 1 suite_a # ERROR interrupted
    KTAP version 1
    # Subtest: suite_b
    1..1
    # b1 says hi
    ok 1 b_one
ok 2 suite_b
`,
    );
    // suite_a planned 2 but has 1: the reader sees the missing test, as kunit.py reports a crash.
    assert.throws(() => checkKtap(text), /plan 1\.\.2 but 1 results/);
  });

  it('gives unfinished suites whose header was never written a plan on close', () => {
    const events = richEvents();
    for (let cut = 1; cut < events.length; cut++) {
      const prefix = events.slice(0, cut).filter((e) => e.type !== 'test:plan');
      const text = eventsToKtap([...prefix, { type: 'run:end', interrupted: true }]);
      assert.doesNotThrow(() => checkKtap(text), `cut at ${cut}:\n${text}`);
    }
  });

  it('streams to a file as the run goes and finishes it on close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-ktap-'));
    try {
      const path = join(dir, 'out', 'run.ktap');
      const reporter = createKtapReporter({ destination: path, color: false });
      const events = interleaved();
      for (const e of events.slice(0, 12)) reporter.onEvent(e);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.match(readFileSync(path, 'utf8'), /^KTAP version 1\n1\.\.2\n[\s\S]*ok 1 a_one\n$/);
      for (const e of events.slice(12)) reporter.onEvent(e);
      await reporter.close();
      assert.equal(readFileSync(path, 'utf8'), SEQUENTIAL);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes to a caller stream without ending it', async () => {
    const text = await runReporter(
      (out) => createKtapReporter({ destination: out, color: false }),
      interleaved(),
    );
    assert.equal(text, SEQUENTIAL);
  });
});
