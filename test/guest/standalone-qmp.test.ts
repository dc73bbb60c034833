/**
 * Standalone scripts of migration and panic tests (`node bin/vmunit.js standalone`), run as a lab runs them:
 * bash, QEMU (x86_64, TCG) and coreutils only, with netcat kept out of PATH. They must give `vmunit run`'s
 * verdicts for the same guest-SDK examples (qmp-groups.test.ts) and leave no QEMU or temporary file. The
 * SDK prints KTAP (`# SUMMARY: …`), which run_tests.sh's summary rule (`^SUMMARY: ` in the last 5 lines) and
 * so the scripts do not pick up: their result lines carry no summary.
 */

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSdkTree, customTree, QMP_GROUP_CFG, sdkSkip, tempDir } from './sdk-tree.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
const skip = sdkSkip || (built ? false : 'dist/ not built (npm run build)');
if (skip && process.env.VMUNIT_REQUIRE?.includes('qemu')) throw new Error(`VMUNIT_REQUIRE=qemu: ${skip}`);

/** A PATH of links to every program in /usr/bin and /bin except netcat. */
function pathWithoutNetcat(dir: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const from of ['/usr/bin', '/bin']) {
    for (const name of readdirSync(from)) {
      if (/^(ncat|nc|netcat|nc\..*)$/.test(name) || existsSync(join(bin, name))) continue;
      symlinkSync(join(from, name), join(bin, name));
    }
  }
  return bin;
}

describe('standalone scripts: migration and panic without ncat', { skip }, () => {
  let dir = '';
  let out = '';
  let tmp = '';
  let path = '';
  before(() => {
    dir = tempDir('sa-qmp');
    tmp = join(dir, 'tmp');
    mkdirSync(tmp);
    const tree = customTree(buildSdkTree(dir), dir, QMP_GROUP_CFG);
    out = join(dir, 'tests');
    const r = spawnSync(process.execPath, [BIN, 'standalone', '-C', tree, '--output', out], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    path = pathWithoutNetcat(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const run = (name: string) => {
    const r = spawnSync('bash', [join(out, name)], {
      env: { PATH: path, ACCEL: 'tcg', TMPDIR: tmp, HOME: dir },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 300_000,
    });
    const result = r.stdout
      .replace(/\x1b\[[0-9;]*m/g, '')
      .split('\n')
      .filter((l) => /^(PASS|FAIL|SKIP) /.test(l));
    return { status: r.status, result, stdout: r.stdout, stderr: r.stderr };
  };

  it('a guest that asks twice is migrated twice and passes (exit 0)', () => {
    const r = run('migrate');
    assert.deepEqual(r.result, ['PASS migrate '], r.stderr);
    assert.equal(r.status, 0);
    assert.equal(r.stdout.match(/^# Migration complete\r?$/gm)?.length, 2);
  });

  it('a guest that never asks fails as run_migration says (status 3)', () => {
    const r = run('never_asks');

    assert.deepEqual(r.result, ['FAIL never_asks ']);
    assert.equal(r.status, 3);
    assert.match(r.stderr, /^ERROR: Test exit before migration point\.$/m);
  });

  it('pvpanic gives the panic verdict; no panic device fails with run_panic line (status 3)', () => {
    const pass = run('pvpanic');
    assert.deepEqual(pass.result, ['PASS pvpanic '], pass.stderr);
    assert.equal(pass.status, 0);
    assert.match(pass.stdout, /^PASS: guest panicked$/m);
    const fail = run('no_panic_device');
    assert.deepEqual(fail.result, ['FAIL no_panic_device ']);
    assert.equal(fail.status, 3);
    assert.match(fail.stdout, /^FAIL: guest did not panic$/m);
  });

  it('vmunit exec honours MIGRATION=yes and PANIC=yes as the run scripts do', () => {
    const exec = (env: Record<string, string>, args: string[]) =>
      spawnSync(process.execPath, [BIN, 'exec', ...args], {
        cwd: join(dir, 'custom'),
        env: { ...process.env, ACCEL: 'tcg', TMPDIR: tmp, ...env },
        encoding: 'utf8',
      });
    const mig = exec({ MIGRATION: 'yes' }, ['x86/migrate.flat']);
    assert.equal(mig.status, 0, mig.stderr);
    assert.equal(mig.stdout.match(/^# Migration complete\r?$/gm)?.length, 2);
    assert.match(mig.stderr, /^vmunit: destination QEMU: .* -incoming unix:\S+ # QMP monitor .*$/m);
    const panic = exec({ PANIC: 'yes' }, ['x86/pvpanic.flat', '-device', 'pvpanic']);
    assert.equal(panic.status, 0, panic.stderr);
    assert.match(panic.stdout, /^PASS: guest panicked$/m);
    const plain = exec({}, ['x86/pvpanic.flat', '-device', 'pvpanic']);
    assert.notEqual(plain.status, 0, 'without PANIC=yes the panic is not a pass');
  });

  it('leaves no QEMU and no temporary file', () => {
    let qemus = '';
    try {
      qemus = execFileSync('pgrep', ['-af', 'qemu-system'], { encoding: 'utf8' });
    } catch {
      // pgrep exits 1 when nothing matches
    }
    assert.deepEqual(
      qemus.split('\n').filter((l) => l.includes(tmp)),
      [],
    );
    assert.deepEqual(readdirSync(tmp), []);
  });
});
