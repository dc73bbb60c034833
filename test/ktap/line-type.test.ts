import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attributeOf, classifyLine, GRAMMAR, parseResultLine } from '../../src/ktap/line-type.js';

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
    assert.equal(line.match?.[1], 'my suite');
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
