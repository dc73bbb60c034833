import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QmpCommandError } from '../../src/guest/qmp/client.js';
import { formatErrorChain, VmunitError } from '../../src/util/errors.js';
import { mapStack } from '../../src/util/stack-map.js';

describe('VmunitError across copies of its module', () => {
  it('is a VmunitError for instanceof in every copy; subclasses keep the prototype test', async () => {
    // A second evaluation of the module, as the CLI bundle and dist/unit/ each have one.
    const copy: string = '../../src/util/errors.ts?copy=1';
    const other = (await import(copy)) as typeof import('../../src/util/errors.js');
    assert.notEqual(other.VmunitError, VmunitError);
    const foreign = new other.VmunitError('INPUT_INVALID', 'from the other copy');
    assert.ok(foreign instanceof VmunitError);
    assert.ok(new VmunitError('INPUT_INVALID', 'x') instanceof other.VmunitError);
    assert.equal(formatErrorChain(foreign), 'from the other copy');
    assert.ok(!(new Error('x') instanceof VmunitError));
    assert.ok(!((null as unknown as object) instanceof VmunitError));
    assert.ok(!(foreign instanceof QmpCommandError));
    assert.ok(!(new VmunitError('INPUT_INVALID', 'x') instanceof QmpCommandError));
  });

  it('prints a bug’s stack through the stack writer it is given', () => {
    const bug = new TypeError('x is undefined');
    assert.equal(
      formatErrorChain(bug, (e) => `STACK of ${e.message}`),
      'STACK of x is undefined',
    );
  });
});

describe('mapStack', () => {
  const map = {
    findEntry: (line: number, column: number) =>
      line === 9 ? { originalSource: '../../src/a.ts', originalLine: 41, originalColumn: column + 2 } : {},
  };

  it('replaces the frames that have a map with their source position, and leaves the others', () => {
    const stack = [
      'Error: boom',
      '    at f (file:///pkg/dist/bundle/chunk-A.js:10:5)',
      '    at file:///pkg/dist/bundle/chunk-A.js:3:1',
      '    at g (file:///elsewhere/x.js:10:5)',
      '    at node:internal/modules/run_main:1:1',
    ].join('\n');
    const mapped = mapStack(stack, (file) => (file === '/pkg/dist/bundle/chunk-A.js' ? map : undefined));
    assert.equal(
      mapped,
      [
        'Error: boom',
        '    at f (/pkg/src/a.ts:42:7)',
        '    at file:///pkg/dist/bundle/chunk-A.js:3:1',
        '    at g (file:///elsewhere/x.js:10:5)',
        '    at node:internal/modules/run_main:1:1',
      ].join('\n'),
    );
  });
});
