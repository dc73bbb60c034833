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
import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import { expectationOf } from '../guest-sdk/expectations.js';
import { runCli } from './cli-run.js';
import { buildSdkTree, sdkSkip, tempDir } from './sdk-tree.js';

const RUNNER = fileURLToPath(new URL('../../scripts/avocado-exec-test.sh', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../guest-sdk/examples/', import.meta.url));

/**
 * What Avocado must see for each SDK example, from the example cfg and each example's EXPECT-STATUS:
 * `nodefault` tests answer "no" to the standalone prompt (stdin is /dev/null) and exit 2 (SKIP); a guest
 * that reports SKIP exits 77; every other example passes.
 */
function expectedVerdicts(): Record<string, string> {
  const specs = parseUnittestsCfg(readFileSync(join(EXAMPLES, 'unittests.cfg'), 'utf8'), 'unittests.cfg');
  const out: Record<string, string> = {};
  for (const spec of specs) {
    // Several entries may boot one example (ioapic and ioapic_smp): its source is the cfg's `file`.
    const { status } = expectationOf(spec.kernel);
    if (spec.groups.includes('nodefault')) out[spec.name] = 'SKIP 2';
    else if (status === 77) out[spec.name] = 'SKIP 77';
    else out[spec.name] = 'PASS 0';
  }
  return out;
}

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
    const expected = expectedVerdicts();
    assert.deepEqual(Object.fromEntries(verdicts), { ...expected, zz_corrupt: 'FAIL 126' });
    const all = Object.values(expected);
    const pass = all.filter((v) => v.startsWith('PASS')).length;
    const skip = all.length - pass;
    assert.match(
      r.stdout,
      new RegExp(
        `^RESULTS {4}: PASS ${pass} \\| ERROR 0 \\| FAIL 1 \\| SKIP ${skip} \\| WARN 0 \\| INTERRUPT 0 \\| CANCEL 0$`,
        'm',
      ),
    );
    assert.equal(r.status, 1, 'a failed test makes the job fail');
    const log = readFileSync(join(dir, 'logs', `${verdicts.size}-zz_corrupt.log`), 'utf8');
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
