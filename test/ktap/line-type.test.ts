import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  attributeOf,
  classifyLine,
  GRAMMAR,
  parseResultLine,
  RESULT_SKIP,
  type ResultLine,
} from '../../src/ktap/line-type.js';
import { prng } from '../prng.js';

const kind = (text: string) => classifyLine(text, 1).kind;
const result = (text: string) => parseResultLine(classifyLine(text, 1));

describe('grammar table', () => {
  it('documents every production with an example that it accepts', () => {
    for (const p of Object.values(GRAMMAR)) {
      assert.ok(p.accepted.length > 0);
      assert.equal(kind(p.example), p.kind, p.example);
    }
  });
  it('version lines: KTAP and TAP, any indentation, nothing after the number', () => {
    assert.equal(kind('KTAP version 1'), 'ktapVersion');
    assert.equal(kind('\t  KTAP version 2'), 'ktapVersion');
    assert.equal(kind('TAP version 13'), 'tapVersion');
    assert.equal(kind('TAP version 14 extra'), 'diagnostic');
    assert.equal(kind('# TAP version 13'), 'diagnostic'); // kselftest nesting stays text, as in kunit.py
  });
  it('subtest header keeps the whole rest of the line as name', () => {
    const line = classifyLine('    # Subtest: my suite', 1);
    assert.equal(line.kind, 'subtestHeader');
    assert.equal(line.value, 'my suite');
    assert.equal(kind('#Subtest: x'), 'diagnostic');
  });
  it('plans are 1..N only, trailing text allowed', () => {
    assert.equal(kind('1..4'), 'plan');
    assert.equal(kind('  1..0'), 'plan');
    assert.equal(kind('1..3 # comment'), 'plan');
    assert.equal(kind('0..0'), 'diagnostic');
    assert.equal(kind('2..3'), 'diagnostic');
  });
  it('result lines: ok / not ok, number, optional "- ", description without #', () => {
    assert.deepEqual(result('not ok 3 - name with spaces'), {
      ok: false,
      numberText: '3',
      plainName: 'name with spaces',
      name: 'name with spaces',
      directiveText: '',
      skipReason: undefined,
    });
    assert.equal(kind('ok 1 test #foo'), 'diagnostic'); // '#' must be surrounded by spaces
    assert.equal(kind('ok 1'), 'diagnostic'); // a space after the number is required
    assert.equal(kind('okay 1 x'), 'diagnostic');
    assert.equal(result('ok 007 x')?.numberText, '7');
  });
  it('SKIP: upper case, the last " # SKIP" wins, name may then contain #', () => {
    assert.equal(result('ok 1 a # SKIP why')?.skipReason, ' why');
    assert.equal(result('ok 1 a # b # SKIP r')?.name, 'a # b');
    assert.equal(result('ok 1 a # b # SKIP r')?.plainName, 'a');
    assert.equal(result('ok 1 a # skip r')?.skipReason, undefined);
    assert.equal(result('ok 1 a # TODO x')?.directiveText, 'TODO x');
  });
  it('Python whitespace: \\x1c counts, U+FEFF does not', () => {
    assert.equal(kind('\x1cok 1 a'), 'result');
    assert.equal(kind('\ufeffok 1 a'), 'diagnostic');
  });
  it('attribute lines of KUnit (suite and case level)', () => {
    assert.deepEqual(attributeOf('    # module: kunit_example_test'), {
      key: 'module',
      value: 'kunit_example_test',
    });
    assert.deepEqual(attributeOf('# example_slow_test.speed: slow'), { key: 'speed', value: 'slow' });
    assert.equal(attributeOf('# example_simple_test: initializing'), undefined);
  });
});

/** The regex reading of a line, as the grammar table states it: what the scanners must reproduce. */
function byRegex(text: string): { kind: string; value: string; result?: ResultLine } {
  for (const p of [
    GRAMMAR.result,
    GRAMMAR.subtestHeader,
    GRAMMAR.ktapVersion,
    GRAMMAR.tapVersion,
    GRAMMAR.plan,
  ]) {
    const m = p.pattern.exec(text);
    if (!m) continue;
    if (p.kind !== 'result') return { kind: p.kind, value: m[1] ?? '' };
    const skip = text.includes(' # SKIP') ? RESULT_SKIP.exec(text) : null;
    const result: ResultLine = {
      ok: m[1] === 'ok',
      numberText: (m[2] ?? '').replace(/^0+(?=.)/, ''),
      plainName: m[4] ?? '',
      name: skip ? (skip[4] ?? '') : (m[4] ?? ''),
      directiveText: m[5] === undefined ? '' : m[5].slice(3),
      skipReason: skip ? (skip[5] ?? '') : undefined,
    };
    return { kind: 'result', value: m[4] ?? '', result };
  }
  return { kind: 'diagnostic', value: '' };
}

describe('the line scanners = the grammar regexes', () => {
  // Pieces that sit on the productions' edges: dashes, '#' with and without spaces, SKIP twice, zeros.
  const PIECES = [
    'ok',
    'not ok',
    ' ',
    '  ',
    '\t',
    '\x1c',
    '\u3000',
    '\ufeff',
    '1',
    '0',
    '07',
    '12',
    '-',
    '- ',
    '#',
    ' # ',
    ' # SKIP',
    ' # SKIP ',
    'SKIP',
    ' # TODO',
    'name',
    'a b',
    '1..',
    '# Subtest: ',
    'KTAP version ',
    'TAP version ',
    '\n',
    'é',
  ];
  it('agree on 100,000 generated lines', () => {
    const rnd = prng(7);
    let results = 0;
    const pick = (list: readonly string[]) => list[Math.floor(rnd() * list.length)] ?? '';
    for (let n = 0; n < 100_000; n++) {
      // Half the lines start as a result line would (indent, ok/not ok, number, space), then any pieces.
      let text =
        rnd() < 0.5
          ? `${pick(['', ' ', '\t', '\x1c'])}${pick(['ok ', 'not ok '])}${pick(['1', '0', '07'])} `
          : '';
      const parts = 1 + Math.floor(rnd() * 6);
      for (let k = 0; k < parts; k++) text += pick(PIECES);
      const want = byRegex(text);
      const line = classifyLine(text, 1);
      assert.deepEqual(
        { kind: line.kind, value: line.value },
        { kind: want.kind, value: want.value },
        JSON.stringify(text),
      );
      if (want.result) {
        results++;
        assert.deepEqual(parseResultLine(line), want.result, JSON.stringify(text));
      }
    }
    assert.ok(results > 10_000, `only ${results} result lines generated`);
  });
  it('agree on the edge cases written out', () => {
    for (const text of [
      'ok 1 - # SKIP',
      'ok 1 - # x # SKIP y',
      'not ok 0 - # x',
      'ok 1  # SKIP',
      'ok 1 -',
      'ok 1 - - # SKIP a # SKIP b',
      '  ok 3 a#b # SKIP',
      'ok 1 a # b\nc',
      'ok 1 a\n # SKIP x',
    ]) {
      const want = byRegex(text);
      const line = classifyLine(text, 1);
      assert.equal(line.kind, want.kind, JSON.stringify(text));
      assert.deepEqual(parseResultLine(line), want.result, JSON.stringify(text));
    }
  });
});
