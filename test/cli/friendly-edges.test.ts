/**
 * First-use edges through bin/vmunit.js: `run` from a subfolder of a tree, an empty selection is exit 2
 * with the known groups (`--allow-empty` runs nothing), a dry run shows skipped tests as `# SKIP` lines,
 * one wording for an unknown test in run and standalone, and every command's --help lists the environment
 * variables it reads.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMMAND_ENV } from '../../src/cli/env-help.js';
import { CONFIG_MAK } from '../guest/e2e-helpers.js';
import { distSkip } from '../requirements.js';

const BIN = fileURLToPath(new URL('../../bin/vmunit.js', import.meta.url));
const tree = mkdtempSync(join(tmpdir(), 'vmunit-edges-'));
after(() => rmSync(tree, { recursive: true, force: true }));
mkdirSync(join(tree, 'x86'));
writeFileSync(join(tree, 'config.mak'), CONFIG_MAK);
writeFileSync(
  join(tree, 'x86/unittests.cfg'),
  '[a]\nfile = a.flat\ngroups = g1\n\n[b]\nfile = b.flat\ngroups = g2 nodefault\n',
);
const CFG = join(tree, 'x86/unittests.cfg');

function vmunit(args: string[], cwd = tree) {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ACCEL: 'tcg', CI: '1' },
  });
}

describe('friendly edges (bin/vmunit.js)', { skip: distSkip() }, () => {
  it('run finds the tree upward from a subfolder', () => {
    const r = vmunit(['run', '-l'], join(tree, 'x86'));
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'a\nb\n');
  });

  it('an unknown group is exit 2 naming the known groups; --allow-empty runs nothing, exit 0', () => {
    const r = vmunit(['run', '-g', 'nosuch']);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `vmunit: error: unknown group 'nosuch' in ${CFG} (known groups: g1 g2 nodefault; --allow-empty runs nothing instead)\n`,
    );
    const allowed = vmunit(['run', '-g', 'nosuch', '--allow-empty', '--results', join(tree, 'logs')]);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.equal(allowed.stdout, '');
    assert.match(allowed.stderr, /^vmunit: 0 tests, 0 checks in /m);
  });

  it('names and groups that together select nothing are exit 2', () => {
    const r = vmunit(['run', 'a', '-g', 'g2']);
    assert.equal(r.status, 2);
    assert.match(
      r.stderr,
      /^vmunit: error: no test in \S+ is selected by a -g g2 \(known groups: g1 g2 nodefault;/,
    );
  });

  it('a dry run prints a skipped test as a # SKIP line', () => {
    const r = vmunit(['run', '-n', 'b']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '# SKIP b (test marked as manual run only)\n');
  });

  it('an unknown test has the same wording in run and standalone', () => {
    const wording = `vmunit: error: unknown test 'nosuch': no [nosuch] section in ${CFG}\n`;
    for (const command of ['run', 'standalone']) {
      const r = vmunit([command, 'nosuch']);
      assert.equal(r.status, 2);
      assert.equal(r.stderr, wording, command);
    }
  });

  it('every command lists the environment variables it reads in --help', () => {
    for (const [path, entry] of Object.entries(COMMAND_ENV)) {
      const r = vmunit([...path.split(' '), '--help']);
      assert.equal(r.status, 0, r.stderr);
      assert.ok(r.stdout.includes(`\n${entry.heading}:\n`), `${path}:\n${r.stdout}`);
      for (const name of entry.names)
        assert.match(r.stdout, new RegExp(`^  ${name} +\\S`, 'm'), `${path}: ${name}`);
    }
    const run = vmunit(['run', '--help']).stdout;
    assert.match(
      run,
      /^ {2}CHECK +Overwrites the 'check' unit test parameter \(see docs\/unittests\.txt\)$/m,
    );
    const kunitRun = vmunit(['kunit', 'run', '--help']).stdout;
    assert.match(kunitRun, /^ {2}KBUILD_OUTPUT +/m);
  });

  it('--help piped into head -1 ends quietly', () => {
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${BIN}" run --help | head -1`], {
      encoding: 'utf8',
    });
    assert.equal(r.stdout, 'Usage: vmunit run [options] [tests...]\n');
    assert.equal(r.stderr, '');
  });
});
