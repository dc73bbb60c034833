/**
 * bench/guest-suite/figures.mjs on a made-up comparison folder: the exit status says whether the two tools
 * agree, so a dead guest vmunit ended early (the record's `dead_guest` attribute, run_tests.sh timing out)
 * must pass, and a verdict or an unexplained reason difference must not. The firmware figure keeps only
 * tests that ended by themselves under both firmwares.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const FIGURES = resolve(import.meta.dirname, '../../bench/guest-suite/figures.mjs');

interface FakeTest {
  name: string;
  verdict: string;
  durationMs: number;
  firmware?: string;
  dead?: string;
  timeout?: boolean;
}

function recordOf(tests: FakeTest[]): string {
  return JSON.stringify({
    tests: tests.map((t) => ({
      name: t.name,
      verdict: t.verdict,
      durationMs: t.durationMs,
      ...(t.timeout ? { directive: { kind: 'TIMEOUT' } } : {}),
      attributes: {
        ...(t.firmware ? { firmware: t.firmware } : {}),
        ...(t.dead ? { dead_guest: t.dead } : {}),
      },
    })),
  });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function folder(ref: string[], vm: string[], tests: FakeTest[], seabios?: FakeTest[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-figures-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'ref.txt'), `${ref.join('\n')}\n`);
  writeFileSync(join(dir, 'vm.txt'), `${vm.join('\n')}\n`);
  mkdirSync(join(dir, 'vmunit-logs'));
  writeFileSync(join(dir, 'vmunit-logs', 'record.json'), recordOf(tests));
  if (seabios) {
    mkdirSync(join(dir, 'vmunit-seabios'));
    writeFileSync(join(dir, 'vmunit-seabios', 'record.json'), recordOf(seabios));
  }
  return dir;
}

function figures(dir: string) {
  return spawnSync(process.execPath, [FIGURES, dir], { encoding: 'utf8' });
}

describe('bench/guest-suite/figures.mjs', () => {
  it('a dead guest ended early where run_tests.sh timed out is not a difference', () => {
    const dir = folder(
      ['FAIL rdpru (timeout; duration=90s)', 'PASS setjmp (10 tests)'],
      ['FAIL rdpru (KVM internal error: emulation failure)', 'PASS setjmp (10 tests)'],
      [
        { name: 'rdpru', verdict: 'FAIL', durationMs: 900, firmware: 'qboot', dead: 'stderr' },
        { name: 'setjmp', verdict: 'PASS', durationMs: 800, firmware: 'qboot' },
      ],
      [
        { name: 'rdpru', verdict: 'FAIL', durationMs: 6000, dead: 'stderr' },
        { name: 'setjmp', verdict: 'PASS', durationMs: 5000 },
      ],
    );
    const r = figures(dir);
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /^verdicts identical: +2\/2$/m);
    assert.match(r.stdout, /^lines identical: +1\/2$/m);
    assert.match(r.stdout, /^dead guest ended early: +1 \(rdpru\)$/m);
    assert.match(r.stdout, /^rdpru +FAIL .* dead guest ended early \(stderr\)$/m);
    assert.match(r.stdout, /^firmware: 2 tests finish under both: SeaBIOS 11\.0 s, auto 1\.7 s = 0\.15x/m);
    assert.doesNotMatch(r.stdout, /DIFFERENT/);
  });

  it('a verdict difference, or a reason difference without a dead guest, fails', () => {
    const dir = folder(
      ['FAIL realmode (timeout; duration=90s)', 'PASS s3 ', 'SKIP x (no)'],
      ['PASS realmode ', 'FAIL s3 (timeout; duration=90s)', 'SKIP x (other)'],
      [
        { name: 'realmode', verdict: 'PASS', durationMs: 500, firmware: 'seabios' },
        { name: 's3', verdict: 'FAIL', durationMs: 90000, firmware: 'qboot', timeout: true },
        { name: 'x', verdict: 'SKIP', durationMs: 0 },
      ],
      [{ name: 's3', verdict: 'PASS', durationMs: 3000 }],
    );
    const r = figures(dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^DIFFERENT \(VERDICT; only run_tests\.sh timed out\): realmode$/m);
    assert.match(r.stdout, /^DIFFERENT \(VERDICT\): s3$/m);
    assert.match(r.stdout, /^DIFFERENT \(reason\): x$/m);
    assert.match(r.stdout, /^ {2}run_tests\.sh: SKIP x \(no\)$/m);
    // s3 timed out under qboot: no test left that finishes under both firmwares.
    assert.match(r.stdout, /^firmware: 0 tests finish under both/m);
    assert.match(r.stdout, /^firmware: verdicts that differ between SeaBIOS and auto: 1 \(s3\)$/m);
  });
});
