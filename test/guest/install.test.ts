/**
 * `vmunit install`: scripts land in PREFIX/share/vmunit/tests/, tests.json beside that folder lists them
 * with checksums that match the files, and an installed script runs from there (QEMU, TCG).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import { renderManifest, type TestsManifest } from '../../src/guest/install.js';
import type { StandaloneEntry } from '../../src/guest/standalone/build.js';
import { sha256Hex } from '../../src/guest/standalone/payload.js';
import { runCli } from './cli-run.js';
import { buildSdkTree, sdkSkip, tempDir } from './sdk-tree.js';

describe('tests.json', () => {
  it('lists every entry with its path under tests/ and the status contract', () => {
    const entry: StandaloneEntry = {
      name: 'hello',
      file: 'hello',
      groups: ['examples'],
      arch: '',
      treeArch: 'x86_64',
      accel: '',
      machine: '',
      smp: '1',
      timeout: '90s',
      timeoutSeconds: 90,
      nodefault: false,
      kernel: 'x86/hello.flat',
      hasKernel: true,
      sha256: 'a'.repeat(64),
      binarySha256: 'b'.repeat(64),
      binarySize: 10,
    };
    const m = renderManifest([entry], 'vmunit 1');
    assert.equal(m.arch, 'x86_64');
    assert.equal(m.tests[0]?.path, 'tests/hello');
    assert.equal(m.statuses['77']?.startsWith('SKIP'), true);
    assert.equal(m.statuses['2']?.startsWith('SKIP'), true);
  });
});

describe('vmunit install (QEMU, TCG)', { skip: sdkSkip }, () => {
  let dir = '';
  let tree = '';
  let prefix = '';
  before(() => {
    dir = tempDir('install');
    tree = buildSdkTree(dir);
    prefix = join(dir, 'prefix');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('installs every cfg entry and writes tests.json with matching checksums', async () => {
    const r = await runCli(['install', '--prefix', prefix, '-C', tree], dir);
    assert.equal(r.status, 0, r.stderr);
    const manifestPath = join(prefix, 'share', 'vmunit', 'tests.json');
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as TestsManifest;
    const names = m.tests.map((t) => t.name);
    // Every entry of the tree's cfg, in cfg order (the SDK's examples grow; a hand list would go stale).
    const cfg = join(tree, 'x86', 'unittests.cfg');
    const expected = parseUnittestsCfg(readFileSync(cfg, 'utf8'), cfg).map((spec) => spec.name);
    assert.deepEqual(names, expected);
    assert.ok(names.includes('fail_demo'));
    for (const t of m.tests) {
      const file = join(prefix, 'share', 'vmunit', t.path);
      assert.equal(sha256Hex(readFileSync(file)), t.sha256, t.name);
      assert.equal(statSync(file).mode & 0o111, 0o111, `${t.name} is executable`);
      assert.equal(t.binarySha256, sha256Hex(readFileSync(join(tree, t.kernel))));
    }
    const fail = m.tests.find((t) => t.name === 'fail_demo');
    assert.deepEqual(fail?.groups, ['nodefault', 'expected-fail']);
    assert.equal(fail?.nodefault, true);
    assert.equal(fail?.timeoutSeconds, 90);
  });

  it('an installed script runs from the prefix', () => {
    const file = join(prefix, 'share', 'vmunit', 'tests', 'hello');
    const r = spawnSync(file, [], {
      cwd: dir,
      env: { PATH: process.env.PATH, ACCEL: 'tcg' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\x1b\[32mPASS\x1b\[0m hello \n$/);
  });

  it('named tests only, and an unknown name is exit 2', async () => {
    const p2 = join(dir, 'p2');
    const ok = await runCli(['install', '--prefix', p2, '-C', tree, 'arith'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    const m = JSON.parse(readFileSync(join(p2, 'share', 'vmunit', 'tests.json'), 'utf8')) as TestsManifest;
    assert.deepEqual(
      m.tests.map((t) => t.name),
      ['arith'],
    );
    const bad = await runCli(['install', '--prefix', p2, '-C', tree, 'nope'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown test 'nope': no \[nope\] section in \S+unittests\.cfg/);
  });
});
