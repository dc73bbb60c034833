import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatResultLine, Progress, resultText } from '../../src/guest/progress.js';
import { sink } from './e2e-helpers.js';

describe('result lines (print_result)', () => {
  it('are run_tests.sh lines, trailing space when there is no summary', () => {
    assert.equal(formatResultLine('PASS', 'setjmp', '(10 tests)', false), 'PASS setjmp (10 tests)');
    assert.equal(formatResultLine('FAIL', 's3', '', false), 'FAIL s3 ');
    assert.equal(
      formatResultLine('SKIP', 'x', resultText('i386 only', '(1 tests)'), false),
      'SKIP x (i386 only)',
    );
    assert.equal(formatResultLine('FAIL', 'y', '', true), '\x1b[31mFAIL\x1b[39m y ');
  });
});

describe('Progress', () => {
  it('plain mode prints only result lines', () => {
    const out = sink();
    const p = new Progress({ out, live: false, color: false, total: 2 });
    p.started('a');
    p.finished('a', 'PASS', '(1 tests)');
    p.close();
    assert.equal(out.text(), 'PASS a (1 tests)\n');
  });
  it('live mode shows what runs and for how long, and clears it before result lines', () => {
    let now = 0;
    const out = sink();
    const p = new Progress({ out, live: true, color: false, total: 3, now: () => now, redrawMs: 60_000 });
    p.started('vmx');
    now = 12_340;
    p.started('setjmp');
    now = 12_740;
    assert.equal(p.statusText(), '[0/3] running: vmx 12.7s, setjmp 0.4s');
    p.finished('setjmp', 'PASS', '(10 tests)');
    p.close();
    const text = out.text();
    assert.match(text, /\r\x1b\[K\[0\/3\] running: vmx 0\.0s/);
    assert.match(text, /\r\x1b\[KPASS setjmp \(10 tests\)\n/);
    assert.match(text, /\[1\/3\] running: vmx 12\.7s/);
    assert.ok(text.endsWith('\r\x1b[K'));
  });
});
