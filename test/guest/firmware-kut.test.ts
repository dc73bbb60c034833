/**
 * The verdict of every kvm-unit-tests x86 test that changes under qboot, pinned under TCG on the real tree
 * (KUT_DIR): with `--firmware auto` they keep SeaBIOS and run_tests.sh's verdicts; forced onto qboot they
 * change (which is why auto keeps them off it). Found by running the whole x86 suite under both firmwares:
 * only these three differ (the same three under this host's KVM).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { kutTree, qemuSkip, skipUnless } from '../requirements.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const kut = kutTree();
const TESTS = ['realmode', 's3', 'intel_iommu'];

describe('x86 tests whose verdict depends on the firmware (KUT_DIR, TCG)', {
  skip: kut.skip || qemuSkip() || skipUnless('dist', built ? false : 'dist/ not built'),
}, () => {
  const results = mkdtempSync(join(tmpdir(), 'vmunit-fw-kut-'));
  after(() => rmSync(results, { recursive: true, force: true }));

  const run = (firmware: string, env: Record<string, string> = {}) =>
    spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '-C',
        kut.dir ?? '',
        '-j',
        '2',
        '--firmware',
        firmware,
        '--results',
        join(results, firmware),
        ...TESTS,
      ],
      { env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1', ...env }, encoding: 'utf8' },
    );
  const sorted = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .sort();

  it('auto: SeaBIOS for each, with run_tests.sh verdicts (s3 fails under TCG with SeaBIOS too)', () => {
    const r = run('auto');
    assert.deepEqual(sorted(r.stdout), ['FAIL s3 ', 'PASS intel_iommu (11 tests)', 'PASS realmode ']);
    const record = JSON.parse(readFileSync(join(results, 'auto', 'record.json'), 'utf8'));
    for (const t of record.tests) assert.equal(t.attributes.firmware, 'seabios', t.name);
  });

  it('qboot: realmode and s3 hang, intel_iommu cannot reach its edu device', () => {
    const r = run('qboot', { TIMEOUT: '5' });
    assert.deepEqual(sorted(r.stdout), [
      'FAIL intel_iommu ',
      'FAIL realmode (timeout; duration=5)',
      'FAIL s3 (timeout; duration=5)',
    ]);
    assert.match(
      readFileSync(join(results, 'qboot', 'intel_iommu.log'), 'utf8'),
      /assert failed: edu_check_alive/,
    );
  });
});
