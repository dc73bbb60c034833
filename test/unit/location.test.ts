import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { displayPath, parseFrame, userFrame } from '../../src/unit/location.js';

describe('stack frames', () => {
  it('parses V8 frame lines with and without a function name, paths and file URLs', () => {
    assert.deepEqual(parseFrame('    at Object.eq (/a/b.ts:12:5)'), { file: '/a/b.ts', line: 12, column: 5 });
    assert.deepEqual(parseFrame('    at file:///a/b.js:3:9'), { file: '/a/b.js', line: 3, column: 9 });
    assert.deepEqual(parseFrame('    at async run (file:///a/b.js?vmunit=1:3:9)'), {
      file: '/a/b.js',
      line: 3,
      column: 9,
    });
    assert.equal(parseFrame('    at node:internal/process/task_queues:95:5'), undefined);
    assert.equal(parseFrame('Error: x'), undefined);
  });

  it('skips every library folder and returns the first user frame', () => {
    const stack = [
      'Error',
      '    at fail (/pkg/dist/unit/checks.js:1:1)',
      '    at Object.eq (/pkg/src/unit/checks.ts:2:2)',
      '    at first_case (/project/math.kunit.ts:7:14)',
      '    at run (/pkg/dist/unit/executor.js:3:3)',
    ].join('\n');
    assert.deepEqual(userFrame(stack, ['/pkg/dist/unit/', '/pkg/src/unit/']), {
      file: '/project/math.kunit.ts',
      line: 7,
      column: 14,
    });
    assert.equal(userFrame(undefined), undefined);
  });

  it('shows paths relative to the root when inside it', () => {
    assert.equal(displayPath('/project/test/a.kunit.ts', '/project'), 'test/a.kunit.ts');
    assert.equal(displayPath('/elsewhere/a.kunit.ts', '/project'), '/elsewhere/a.kunit.ts');
  });
});
