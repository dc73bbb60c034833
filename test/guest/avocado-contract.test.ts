/**
 * The Avocado contract (docs/avocado.md): every installed standalone test is one exec-test whose exit
 * status Avocado maps with `skip = [2, 77]`. Avocado itself is not installable here (PyPI only), so this
 * drives scripts/avocado-exec-test.sh, which applies the exec-test runner's rule, over an installed suite
 * built from the guest SDK (QEMU, TCG).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli-run.js';
import { buildSdkTree, sdkSkip, tempDir } from './sdk-tree.js';

const RUNNER = fileURLToPath(new URL('../../scripts/avocado-exec-test.sh', import.meta.url));

describe('Avocado exec-test contract over installed standalone tests', { skip: sdkSkip }, () => {
  let dir = '';
  let tests = '';
  before(async () => {
    dir = tempDir('avocado');
    const tree = buildSdkTree(dir);
    const r = await runCli(['install', '--prefix', join(dir, 'prefix'), '-C', tree], dir);
    assert.equal(r.status, 0, r.stderr);
    tests = join(dir, 'prefix', 'share', 'vmunit', 'tests');
    // One corrupted copy: it must be a FAIL, never a SKIP.
    const bad = join(tests, 'zz_corrupt');
    copyFileSync(join(tests, 'hello'), bad);
    const text = readFileSync(bad, 'utf8');
    const at = text.indexOf("<<'VMUNIT_PAYLOAD_END'\n") + 300;
    writeFileSync(bad, text.slice(0, at) + (text[at] === 'Q' ? 'R' : 'Q') + text.slice(at + 1), {
      mode: 0o755,
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('one test per file: PASS / SKIP (77 and 2) / FAIL, and RESULTS totals', () => {
    const files = readdirSync(tests)
      .sort()
      .map((f) => join(tests, f));
    const r = spawnSync('bash', [RUNNER, '--skip', '2,77', '--logs', join(dir, 'logs'), ...files], {
      env: { PATH: process.env.PATH, ACCEL: 'tcg' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const verdicts = new Map<string, string>();
    for (const m of r.stdout.matchAll(
      /^ \(\d+\/\d+\) \S+\/(\w+): (PASS|SKIP|FAIL) \([\d.]+ s\) \[exit (\d+)\]$/gm,
    )) {
      verdicts.set(m[1] ?? '', `${m[2]} ${m[3]}`);
    }
    assert.deepEqual(Object.fromEntries(verdicts), {
      args: 'PASS 0',
      arith: 'PASS 0',
      cpuid: 'PASS 0',
      crash_demo: 'SKIP 2', // nodefault, and stdin is /dev/null: answered "no"
      exceptions: 'PASS 0',
      fail_demo: 'SKIP 2',
      format: 'PASS 0',
      hello: 'PASS 0',
      skip_demo: 'SKIP 77',
      testdev: 'PASS 0',
      zz_corrupt: 'FAIL 126',
    });
    assert.match(
      r.stdout,
      /^RESULTS {4}: PASS 7 \| ERROR 0 \| FAIL 1 \| SKIP 3 \| WARN 0 \| INTERRUPT 0 \| CANCEL 0$/m,
    );
    assert.equal(r.status, 1, 'a failed test makes the job fail');
    const log = readFileSync(join(dir, 'logs', '11-zz_corrupt.log'), 'utf8');
    assert.match(log, /embedded guest binary is corrupt/);
  });

  it('without the skip list, skips are failures (why Avocado needs skip = [2, 77])', () => {
    const r = spawnSync('bash', [RUNNER, '--skip', '', join(tests, 'skip_demo')], {
      env: { PATH: process.env.PATH, ACCEL: 'tcg' },
      encoding: 'utf8',
    });
    assert.match(r.stdout, /skip_demo: FAIL \([\d.]+ s\) \[exit 77\]/);
    assert.equal(r.status, 1);
  });
});
