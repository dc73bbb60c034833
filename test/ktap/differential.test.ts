import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kunitRulesForTree } from '../../src/kernel/kunit-version.js';
import { buildTree } from '../../src/ktap/tree.js';
import { kunitJson } from '../../src/reporters/json-kunit.js';
import { prng } from '../prng.js';
import { kunitPy } from '../requirements.js';
import { consoleOf, parseAll } from './helpers.js';

// Differential test against the real kunit.py (KUNIT_PY: Linux 6.12's or mainline's) on seeded random, damaged KTAP: the console text
// and JSON must be identical. Runs only where kunit.py is given (KUNIT_PY; VMUNIT_REQUIRE=kunit makes it a must);
// cases where kunit.py itself crashes or loops forever are skipped (vmunit deliberately differs there).
const kunit = kunitPy();
const KUNIT_PY = kunit.path ?? '';
// Counting and wording follow the kunit.py under test, as `vmunit kunit parse --kernel_root` does.
const rules = kunitRulesForTree(kunit.dir === undefined ? undefined : join(kunit.dir, '..', '..', '..'));

const NAMES = ['a', 'b', 'suite', 'case_1', 'main', '', 'x y', 'sub#x', 'é', 'kunit-test'];
const DIRECTIVES = [
  '',
  '',
  '',
  ' # SKIP',
  ' # SKIP reason',
  ' # TODO later',
  ' # XFAIL',
  ' # TIMEOUT 30s',
  ' # skip',
];
const DIAGS = [
  '# diag',
  '# example: initializing',
  'Expected 1 == 2',
  '    indented more',
  '# module: m',
  '',
  '   ',
];

function randomLog(seed: number, n: number): string[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const indent = () => pick(['', '  ', '    ', '\t', '        ']);
  const prefix = pick(['', '[    0.1] ', '[ T1] ']);
  const lines = [prefix + pick(['KTAP version 1', 'TAP version 14', 'TAP version 13', 'KTAP version 2'])];
  for (let i = 0; i < n; i++) {
    const k = r();
    if (k < 0.12) lines.push(prefix + indent() + pick(['KTAP version 1', 'TAP version 14']));
    else if (k < 0.24) lines.push(`${prefix}${indent()}# Subtest: ${pick(NAMES)}`);
    else if (k < 0.255) lines.push(`${prefix}${indent()}1..${pick([0, 1, 2, 3])}`);
    else if (k < 0.75) {
      const res = `${pick(['ok', 'not ok'])} ${pick([1, 1, 2, 3, 0])} ${pick(['', '- '])}${pick(NAMES)}`;
      lines.push(prefix + indent() + res + pick(DIRECTIVES));
    } else if (k < 0.95) lines.push(prefix + indent() + pick(DIAGS));
    else lines.push('unprefixed noise');
  }
  return lines;
}

describe("differential: vmunit vs KUNIT_PY's kunit.py on random KTAP", {
  skip: kunit.skip,
}, () => {
  it('prints and reports the same on every case kunit.py completes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-diff-'));
    let compared = 0;
    try {
      for (let seed = 1; seed <= 40; seed++) {
        const lines = randomLog(seed, 30);
        const log = join(dir, 'in.log');
        writeFileSync(log, `${lines.join('\n')}\n`);
        const json = join(dir, 'k.json');
        rmSync(json, { force: true });
        const ref = spawnSync('python3', [KUNIT_PY, 'parse', `--json=${json}`, log], {
          encoding: 'utf8',
          timeout: 5000,
        });
        if (ref.error || ref.stderr.includes('Traceback')) continue; // kunit.py looped or crashed
        compared++;
        const want = ref.stdout
          .replace(/^\[\d\d:\d\d:\d\d\] /gm, '')
          .replace(/^Test results stored in .*\n/m, '');
        assert.equal(consoleOf(lines, false, { rules }), want, `seed ${seed}`);
        const root = buildTree(parseAll(lines, { rules }), rules);
        assert.deepEqual(JSON.parse(kunitJson(root)), JSON.parse(readFileSync(json, 'utf8')), `seed ${seed}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    assert.ok(compared >= 10, `only ${compared} comparable cases`);
  });
});
