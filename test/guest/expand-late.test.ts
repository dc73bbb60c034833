/**
 * Issue 16.4 through `node bin/vmunit.js run -j 2` under real QEMU (TCG): a cfg value's `$(date +%s%N)` is
 * expanded when its test starts, not when the run starts, so the third test of a two-lane run reads a time
 * after one of the first two QEMUs has ended. Each log's first line is the exact command, with the value.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { qemuSkip, skipUnless } from '../requirements.js';
import { makeTree } from './e2e-helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const entry = (name: string) => `[${name}]\nfile = pass.flat\nextra_params = -append "t=$(date +%s%N)"\n`;

describe('vmunit run -j 2: cfg values expand when each test starts', {
  skip: qemuSkip('qemu-system-x86_64', 'as', 'ld') || skipUnless('dist', built ? false : 'dist/ not built'),
}, () => {
  let tree = '';
  before(async () => {
    tree = await makeTree(['pass'], ['a', 'b', 'c'].map(entry).join('\n'));
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it('the third test reads $(date) after the first QEMU to end has ended', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '-C', tree, '-j', '2', '--results', 'out'], {
      cwd: tree,
      env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const stampNs = (name: string) => {
      const first = readFileSync(join(tree, 'out', `${name}.log`), 'utf8').split('\n')[0] ?? '';
      const m = / -append t=(\d+) /.exec(first);
      assert.ok(m, first);
      return BigInt(m[1] ?? '0');
    };
    const results = JSON.parse(readFileSync(join(tree, 'out', 'results.json'), 'utf8'));
    const ms = (name: string): number =>
      results.tests.find((t: { name: string }) => t.name === name).durationMs as number;
    // c takes the lane of whichever of a and b ended first, after its QEMU ran for its whole duration.
    const firstStart = [stampNs('a'), stampNs('b')].reduce((x, y) => (x < y ? x : y));
    const waitedMs = Number(stampNs('c') - firstStart) / 1e6;
    assert.ok(
      waitedMs >= Math.min(ms('a'), ms('b')) - 1,
      `c expanded ${waitedMs} ms after the first start; a ran ${ms('a')} ms, b ${ms('b')} ms`,
    );
  });
});
