/**
 * `vmunit run --results DIR`: a relative DIR is the user's, relative to the folder they typed it in (as
 * `exec` and `parse` take it), not to the tree; `$unittest_log_dir` keeps run_tests.sh's tree-relative
 * meaning.
 */

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTree } from '../guest/e2e-helpers.js';
import { qemuSkip } from '../requirements.js';
import { notBuilt, vmunitRun } from './cli-process.js';

const made: string[] = [];
after(async () => {
  for (const d of made) await rm(d, { recursive: true, force: true });
});

const CFG = '[pass]\nfile = pass.flat\n';

describe('vmunit run --results', { skip: notBuilt || qemuSkip() }, () => {
  it('resolves a relative folder against the current folder', async () => {
    const tree = await makeTree(['pass'], CFG);
    const cwd = await mkdtemp(join(tmpdir(), 'vmunit-cwd-'));
    made.push(tree, cwd);
    const r = await vmunitRun(['run', '-C', tree, '--results', 'out'], cwd, { ACCEL: 'tcg' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^PASS pass/m);
    assert.ok(existsSync(join(cwd, 'out', 'record.json')), 'record.json in <cwd>/out');
    assert.ok(!existsSync(join(tree, 'out')), 'nothing in <tree>/out');
  });

  it('keeps $unittest_log_dir relative to the tree, as run_tests.sh does', async () => {
    const tree = await makeTree(['pass'], CFG);
    const cwd = await mkdtemp(join(tmpdir(), 'vmunit-cwd-'));
    made.push(tree, cwd);
    const r = await vmunitRun(['run', '-C', tree], cwd, { ACCEL: 'tcg', unittest_log_dir: 'mylogs' });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(tree, 'mylogs', 'record.json')), 'record.json in <tree>/mylogs');
    assert.ok(!existsSync(join(cwd, 'mylogs')), 'nothing in <cwd>/mylogs');
  });

  it('--format kcidb without --origin is exit 2 before any test runs', async () => {
    // KCIDB's document is rendered from the record after the run: the flag is checked with the others first.
    const tree = await makeTree(['pass'], CFG);
    const cwd = await mkdtemp(join(tmpdir(), 'vmunit-cwd-'));
    made.push(tree, cwd);
    const r = await vmunitRun(['run', '-C', tree, '--results', 'out', '--format', 'kcidb'], cwd, {
      ACCEL: 'tcg',
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^vmunit: error: --format kcidb needs --origin NAME/m);
    assert.doesNotMatch(r.stderr, /vmunit: tree /, 'no run header: nothing started');
    assert.ok(!existsSync(join(cwd, 'out', 'pass.log')), 'no test ran');
  });
});
