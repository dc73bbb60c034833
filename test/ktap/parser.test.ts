import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import { KtapParser, parseKtapLines } from '../../src/ktap/parser.js';
import { KUNIT_6_12_RULES } from '../../src/ktap/rules.js';
import { buildTree } from '../../src/ktap/tree.js';
import { LineSplitter } from '../../src/util/lines.js';
import { consoleOf, parseAll, shape, treeOf } from './helpers.js';

const KUNIT = `KTAP version 1
1..1
    KTAP version 1
    # Subtest: suite
    # module: mod
    1..2
    # case_a.speed: slow
    ok 1 case_a
    # case_b: EXPECTATION FAILED
    not ok 2 case_b
# suite: pass:1 fail:1
not ok 1 suite`;

describe('KtapParser: structure', () => {
  it('builds kunit.py trees for 4-space KUnit nesting', () => {
    const root = treeOf(KUNIT);
    assert.equal(shape(root), 'main:FAILURE[suite:FAILURE[case_a:SUCCESS,case_b:FAILURE]]');
    assert.deepEqual(root.counts, { passed: 1, failed: 1, crashed: 0, skipped: 0, errors: 0 });
    const suite = root.subtests[0];
    assert.equal(suite?.expectedCount, 2);
    assert.deepEqual(suite?.attributes, { module: 'mod' });
    assert.deepEqual(suite?.subtests[0]?.attributes, { speed: 'slow' });
    assert.deepEqual(suite?.subtests[1]?.log, ['    # case_b: EXPECTATION FAILED']);
    assert.deepEqual(suite?.log, ['    # module: mod', '# suite: pass:1 fail:1']);
  });
  it('accepts 2-space KTAP-spec nesting with unnamed subtests', () => {
    const root = treeOf(
      'KTAP version 1\n1..1\n  KTAP version 1\n  1..2\n  ok 1 t1\n  not ok 2 t2\nnot ok 1 example',
    );
    assert.equal(shape(root), 'main:FAILURE[example:FAILURE[t1:SUCCESS,t2:FAILURE]]');
  });
  it('TAP 14 with "# Subtest:" only, and "- " before names', () => {
    const root = treeOf('TAP version 14\n1..1\n  # Subtest: s\n  1..1\n  ok 1 - c\nok 1 - s');
    assert.equal(shape(root), 'main:SUCCESS[s:SUCCESS[c:SUCCESS]]');
  });
  it("keeps kselftest's '# '-prefixed nested TAP as log text (kunit.py: 2 tests, not 4)", () => {
    const root = treeOf(
      'TAP version 13\n1..1\n# selftests: x: y\n# TAP version 13\n# 1..2\n# ok 1 a\n# ok 2 b\nok 1 selftests: x: y',
    );
    assert.equal(shape(root), 'main:SUCCESS[selftests: x: y:SUCCESS]');
    assert.equal(root.subtests[0]?.log.length, 5);
  });
  it('plan missing: reads children until EOF; plan 1..0: NO_TESTS with an error', () => {
    assert.equal(shape(treeOf('KTAP version 1\nok 1 a\nok 2 b')), 'main:SUCCESS[a:SUCCESS,b:SUCCESS]');
    const empty = treeOf('KTAP version 1\n1..0');
    assert.equal(empty.status, 'NO_TESTS');
    assert.deepEqual(empty.issues, ['0 tests run!']);
  });
  it('plan smaller than the results: the rest is ignored', () => {
    assert.equal(shape(treeOf('KTAP version 1\n1..1\nok 1 a\nok 2 b')), 'main:SUCCESS[a:SUCCESS]');
  });
  it('test-number mismatch is an error that does not change the status', () => {
    const root = treeOf('KTAP version 1\n1..2\nok 1 a\nok 3 b');
    assert.equal(root.status, 'SUCCESS');
    assert.deepEqual(root.subtests[1]?.issues, ['Expected test number 2 but found 3']);
    assert.equal(root.counts.errors, 1);
  });
  it("version out of range: error, parsed anyway, worded as the tree's kunit.py words it", () => {
    const root = treeOf('KTAP version 2\n1..1\nok 1 a');
    assert.deepEqual(root.issues, ['KTAP version higher than expected!']);
    const old = treeOf('KTAP version 2\n1..1\nok 1 a', { rules: KUNIT_6_12_RULES });
    assert.deepEqual(old.issues, ['KTAP version higer than expected!']);
    assert.equal(treeOf('TAP version 12\nok 1 a').issues[0], 'TAP version lower than expected!');
  });
});

describe('KtapParser: directives', () => {
  const leaf = (line: string) => treeOf(`KTAP version 1\n1..1\n${line}`).subtests[0];
  it('SKIP makes SKIPPED for ok and not ok, with its reason', () => {
    assert.equal(leaf('ok 1 a # SKIP no hw')?.status, 'SKIPPED');
    assert.equal(leaf('not ok 1 a # SKIP')?.status, 'SKIPPED');
    assert.deepEqual(leaf('ok 1 a # SKIP no hw')?.directive, { kind: 'SKIP', reason: 'no hw' });
  });
  it('TODO, XFAIL, TIMEOUT, ERROR are kept as directives; the status stays kunit.py’s', () => {
    for (const kind of ['TODO', 'XFAIL', 'TIMEOUT', 'ERROR'] as const) {
      const node = leaf(`not ok 1 a # ${kind} because`);
      assert.equal(node?.status, 'FAILURE');
      assert.deepEqual(node?.directive, { kind, reason: 'because' });
    }
    assert.equal(leaf('ok 1 a # TODOS x')?.directive, undefined);
    assert.equal(leaf('ok 1 a # skip x')?.status, 'SUCCESS');
  });
});

describe('KtapParser: damaged input', () => {
  it('truncated stream: missing subtests crash the suite (kunit_kernel panic case)', () => {
    const root = treeOf('KTAP version 1\n1..2\n  # Subtest: s\n  1..3\n  ok 1 a');
    assert.equal(root.status, 'TEST_CRASHED');
    assert.deepEqual(root.counts, { passed: 1, failed: 0, crashed: 3, skipped: 0, errors: 4 });
    assert.deepEqual(root.subtests[0]?.issues, [
      'missing expected subtest!',
      'missing expected subtest!',
      'missing subtest result line!',
    ]);
    const events = parseAll('KTAP version 1\n1..2\nok 1 a'.split('\n'));
    assert.deepEqual(events.at(-1), { type: 'run:end', interrupted: true });
  });
  it('no KTAP at all: FAILURE_TO_PARSE_TESTS named <missing>, not counted', () => {
    const root = treeOf('just\nnoise');
    assert.equal(root.status, 'FAILURE_TO_PARSE_TESTS');
    assert.equal(root.name, '<missing>');
    assert.deepEqual(root.counts, { passed: 0, failed: 0, crashed: 0, skipped: 0, errors: 1 });
  });
  it('a plan line among unplanned results does not loop forever (kunit.py would)', () => {
    const root = treeOf('KTAP version 1\nok 1 a\n1..2\nok 2 b');
    assert.equal(shape(root), 'main:SUCCESS[a:SUCCESS,b:SUCCESS]');
    assert.match(root.issues[0] ?? '', /unexpected test plan line/);
  });
  it('an absurd plan at EOF stops copying placeholders after a budget', () => {
    const events = parseAll(['KTAP version 1', '1..999999999999']);
    assert.ok(events.length < 400_000, String(events.length));
    assert.ok(events.some((e) => e.type === 'parse:issue' && e.kind === 'too-many-missing'));
  });
  it('CRLF and invalid UTF-8 through the line reader, as kunit.py reads them', () => {
    const splitter = new LineSplitter(undefined, { invalidUtf8: 'backslash', breaks: 'splitlines' });
    const bytes = Buffer.concat([
      Buffer.from('KTAP version 1\r\n1..1\r\nnot ok 1 bad'),
      Buffer.from([0xff, 0x0d, 0x0a]),
    ]);
    const lines = [...splitter.push(bytes), ...splitter.end()];
    const root = buildTree(parseAll(lines));
    assert.equal(root.subtests[0]?.name, 'bad\\xff');
  });
});

describe('KtapParser: API', () => {
  it('several parsers in one run: idPrefix keeps ids unique', () => {
    const ids = (prefix: string) =>
      parseAll(['KTAP version 1', 'ok 1 a'], { idPrefix: prefix }).flatMap((e) => ('id' in e ? [e.id] : []));
    const a = new Set(ids('boot1:'));
    for (const id of ids('boot2:')) assert.ok(!a.has(id));
  });
  it('embeds under an existing node (parentId/depth) without a root of its own', () => {
    const events = parseAll(['TAP version 14', '1..1', 'ok 1 inner'], { parentId: 'guest7', depth: 2 });
    assert.equal(events.filter((e) => e.type === 'run:start').length, 0);
    const start = events.find((e) => e.type === 'test:start');
    assert.deepEqual(start && { parentId: start.parentId, depth: start.depth, name: start.name }, {
      parentId: 'guest7',
      depth: 3,
      name: 'inner',
    });
    assert.ok(!events.some((e) => e.type === 'test:result' && e.id === 'guest7'));
  });
  it('streams: the result of a test comes out when its line is pushed', () => {
    const parser = new KtapParser();
    assert.ok(parser.push('KTAP version 1').some((e) => e.type === 'run:start'));
    parser.push('1..2');
    const events = parser.push('ok 1 first');
    assert.ok(events.some((e) => e.type === 'test:result' && e.name === 'first'));
    const last = parser.push('ok 2 second');
    assert.ok(last.some((e) => e.type === 'test:result' && e.id === parser.rootId && e.status === 'SUCCESS'));
    assert.deepEqual(parser.push('ignored after the plan'), []);
  });
  it('parseKtapLines reads async sources', async () => {
    async function* source() {
      yield 'KTAP version 1';
      yield 'ok 1 a';
    }
    const events: RunEvent[] = [];
    for await (const e of parseKtapLines(source())) events.push(e);
    assert.equal(buildTree(events).counts.passed, 1);
  });
  it("blocks: 'all' appends later KTAP documents to the root", () => {
    const text = 'KTAP version 1\n1..1\nok 1 a\nnoise\nKTAP version 1\n1..1\nnot ok 1 b';
    assert.equal(shape(treeOf(text)), 'main:SUCCESS[a:SUCCESS]');
    assert.equal(shape(treeOf(text, { blocks: 'all' })), 'main:FAILURE[a:SUCCESS,b:FAILURE]');
  });
  it("blocks: 'all' gives the root's children positions that go on across documents", () => {
    // Numbers start at 1 again in each document, and are still checked against that; positions (which
    // order children in every report) go on, for leaves and for suites alike.
    const lines = ['KTAP version 1', '1..2', 'ok 1 a', '  KTAP version 1', '  # Subtest: s', '  1..1'];
    lines.push('  ok 1 c', 'ok 2 s', 'KTAP version 1', '1..2', 'ok 1 b', 'ok 3 t');
    const events = parseAll(lines, { blocks: 'all' });
    const starts = events.filter((e) => e.type === 'test:start' && e.depth === 1);
    assert.deepEqual(
      starts.map((e) => (e.type === 'test:start' ? `${e.name}@${e.index}` : '')),
      ['a@1', 's@2', 'b@3', 't@4'],
    );
    const issues = events.filter((e) => e.type === 'parse:issue').map((e) => e.message);
    assert.deepEqual(issues, ['Expected test number 2 but found 3']);
  });
  it('console: errors name the test as it is named at that moment (renamed by its result line)', () => {
    const out = consoleOf(['KTAP version 1', '1..1', '  KTAP version 1', '  1..0', 'ok 1 renamed']);
    assert.match(out, /^\[ERROR\] Test: renamed: 0 tests run!$/m);
  });
  it('console: a nested version problem prints before the suite header, as kunit.py', () => {
    const out = consoleOf(
      ['KTAP version 1', '1..1', '  KTAP version 2', '  # Subtest: s', '  1..1', '  ok 1 c', 'ok 1 s'],
      false,
      { rules: KUNIT_6_12_RULES },
    );
    assert.deepEqual(out.split('\n').slice(1, 3), [
      '[ERROR] Test: : KTAP version higer than expected!',
      '====================== s (1 subtest) =======================',
    ]);
  });
});
