import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { register } from '../../src/cli/commands/test.js';
import { discoverTestFiles } from '../../src/cli/commands/test-run.js';
import type { CliContext } from '../../src/cli/context.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

function context(): { ctx: CliContext; out: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const ctx: CliContext = {
    version: '0',
    stdout,
    stderr: new PassThrough(),
    stdin: new PassThrough(),
    env: {},
    cwd: fixtures,
    signal: new AbortController().signal,
  };
  return { ctx, out: () => text };
}

/** Runs `vmunit test <args>` through commander, as main() would; returns the exit status and stdout. */
async function vmunitTest(...args: string[]): Promise<{ status: number; stdout: string }> {
  const { ctx, out } = context();
  let status = -1;
  const program = new Command('vmunit').exitOverride();
  register(program, ctx, (code) => {
    status = code;
  });
  await program.parseAsync(['node', 'vmunit', 'test', ...args]);
  return { status, stdout: out() };
}

describe('vmunit test', () => {
  it('discovers *.kunit.* files under a folder, or by glob', () => {
    const all = discoverTestFiles([], fixtures).map((f) => f.slice(fixtures.length));
    assert.deepEqual(all, [
      'basic.kunit.ts',
      'broken-hooks.kunit.ts',
      'crash.kunit.ts',
      'hooks.kunit.ts',
      'oom.kunit.ts',
      'output.kunit.ts',
    ]);
    assert.deepEqual(
      discoverTestFiles(['h*.kunit.ts'], fixtures).map((f) => f.slice(fixtures.length)),
      ['hooks.kunit.ts'],
    );
    assert.throws(() => discoverTestFiles(['nothing*.ts'], fixtures), /no test file matches/);
  });

  it('lists suite.case names with attributes, after filtering (--list_attr)', async () => {
    const { status, stdout } = await vmunitTest('basic.kunit.ts', '--list_attr', '--filter', 'speed<=slow');
    assert.equal(status, 0);
    assert.equal(stdout, 'basic\n# module: basic_mod\nbasic.slow_one\n# slow_one.speed: slow\n');
  });

  it('prints KTAP when stdout is not a terminal and exits 1 when a test fails', async () => {
    const { status, stdout } = await vmunitTest('basic.kunit.ts', '--isolation', 'none');
    assert.equal(status, 1);
    assert.match(stdout, /^KTAP version 1\n1\.\.1\n {4}KTAP version 1\n {4}# Subtest: basic\n/);
    assert.match(stdout, /\n {4}ok 5 skipped # SKIP not today\n/);
  });

  it('exits 0 when every selected test passes, in a worker', async () => {
    const { status, stdout } = await vmunitTest('basic.kunit.ts', '--filter_glob', 'basic.passes');
    assert.equal(status, 0);
    assert.match(stdout, /\n {4}ok 1 passes\nok 1 basic\n/);
  });

  it('writes extra reports through the shared output helper (--output junit file, JSON on stdout)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-test-cmd-'));
    try {
      const xml = join(dir, 'report.xml');
      const { status, stdout } = await vmunitTest(
        'basic.kunit.ts',
        '--isolation',
        'none',
        '--format',
        'json',
        '-o',
        `junit:${xml}`,
      );
      assert.equal(status, 1);
      assert.equal(JSON.parse(stdout).sub_groups[0].name, 'basic');
      assert.match(readFileSync(xml, 'utf8'), /<testcase name="expectContinues"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects bad options with a usage error', async () => {
    await assert.rejects(vmunitTest('basic.kunit.ts', '--isolation', 'thread'), /--isolation must be one of/);
    await assert.rejects(vmunitTest('basic.kunit.ts', '--filter', 'colour=red'), /attribute not found/);
  });
});
