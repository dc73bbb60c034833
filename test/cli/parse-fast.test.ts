import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { distSkip } from '../requirements.js';
import { vmunitRun } from './cli-process.js';

/**
 * A KUnit log whose passing cases `vmunit parse` takes through the parser's fast lane (ktap/fast-leaf.ts),
 * mixed with every kind of line that must take the event path: failures with diagnostics, skips, names a
 * report escapes, non-ASCII names, wrong numbers, a suite without a plan.
 */
function kunitLog(): string {
  const lines = ['KTAP version 1', '1..4'];
  for (let s = 1; s <= 3; s++) {
    lines.push('    KTAP version 1', `    # Subtest: suite_${s}`, `    # module: mod_${s}`, '    1..40');
    for (let c = 1; c <= 40; c++) {
      if (c % 13 === 0)
        lines.push(`    # case_${c}: EXPECTATION FAILED at lib/x.c:${c}`, `    not ok ${c} case_${c}`);
      else if (c % 11 === 0) lines.push(`    ok ${c} case_${c} # SKIP not here`);
      else if (c % 7 === 0) lines.push(`    ok ${c} - "quoted" & <tagged> ${c}`);
      else if (c % 5 === 0) lines.push(`    ok ${c} caf\u00e9_${c}`);
      else lines.push(`    ok ${c} case_${c}`);
    }
    lines.push(`# suite_${s}: pass:30 fail:3 skip:3 total:40`, `not ok ${s} suite_${s}`);
  }
  lines.push(
    '    KTAP version 1',
    '    # Subtest: no_plan',
    '    ok 1 a',
    '    ok 3 b',
    '    ok 3 c',
    'ok 4 no_plan',
  );
  return `${lines.map((line, i) => `[    1.${String(i).padStart(6, '0')}] ${line}`).join('\n')}\n`;
}

const stamps = (text: string) => text.replace(/^\[\d\d:\d\d:\d\d\] /gm, '');

describe('vmunit parse: the fast lane changes no output (bin/vmunit.js)', { skip: distSkip() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-parse-fast-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'kunit.log'), kunitLog());

  /**
   * `vmunit parse ARGS kunit.log` in a folder of its own, with and without `--results` (the run record
   * takes every event, so a run with it never uses the fast lane): status, stdout (timestamps and the
   * folder removed), stderr and the report files must be the same.
   */
  async function compare(name: string, args: readonly string[], files: readonly string[]): Promise<string> {
    const runs = [];
    for (const record of [false, true]) {
      const cwd = join(dir, `${name}-${record ? 'events' : 'fast'}`);
      mkdirSync(cwd);
      const extra = record ? ['--results', 'rec'] : [];
      const run = await vmunitRun(['parse', ...args, ...extra, join(dir, 'kunit.log')], cwd);
      const reports = files.map((f) => readFileSync(join(cwd, f), 'utf8'));
      runs.push({ ...run, stdout: stamps(run.stdout).replaceAll(cwd, 'DIR'), reports });
    }
    const [fast, events] = runs;
    assert.ok(fast && events);
    assert.equal(fast.status, 1);
    assert.equal(fast.status, events.status);
    assert.equal(fast.stderr, '');
    assert.equal(fast.stderr, events.stderr);
    assert.equal(fast.stdout, events.stdout);
    assert.deepEqual(fast.reports, events.reports);
    return fast.stdout;
  }

  it('console, --json and --junit are byte for byte those of the event path', async () => {
    const out = await compare('reports', ['--json=r.json', '--junit=r.xml'], ['r.json', 'r.xml']);
    assert.match(out, /^\[PASSED\] case_1$/m);
    assert.match(out, /^\[FAILED\] case_13$/m);
    assert.match(out, /^Testing complete\. Ran 123 tests: passed: 105, failed: 9, skipped: 9, errors: 1$/m);
    assert.match(out, /^Test results stored in DIR\/r\.json$/m);
  });

  it('--failed and --summary are those of the event path', async () => {
    const failed = await compare('failed', ['--failed'], []);
    assert.doesNotMatch(failed, /PASSED\] case_1$/m);
    assert.match(failed, /^\[FAILED\] case_26$/m);
    const summary = await compare('summary', ['--summary'], []);
    assert.doesNotMatch(summary, /PASSED/);
  });
});

describe('vmunit parse --failed keeps only what failed (bin/vmunit.js)', { skip: distSkip() }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'vmunit-parse-failed-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints failed parents with their subtests that failed, even when none did, and no passing test', async () => {
    const log = [
      'KTAP version 1',
      '1..3',
      '    KTAP version 1',
      '    # Subtest: all_pass_but_not_ok',
      '    1..2',
      '    ok 1 a',
      '    ok 2 b',
      'not ok 1 all_pass_but_not_ok',
      '    KTAP version 1',
      '    # Subtest: outer',
      '    1..2',
      '        KTAP version 1',
      '        # Subtest: inner',
      '        1..2',
      '        ok 1 c',
      '        # d: EXPECTATION FAILED at x.c:1',
      '        not ok 2 d',
      '    not ok 1 inner',
      '    ok 2 e',
      'not ok 2 outer',
      '    KTAP version 1',
      '    # Subtest: passing',
      '    1..1',
      '    ok 1 f',
      'ok 3 passing',
    ];
    writeFileSync(join(dir, 'failed.log'), `${log.join('\n')}\n`);
    const run = await vmunitRun(['parse', '--failed', join(dir, 'failed.log')], dir);
    assert.equal(run.status, 1);
    assert.equal(run.stderr, '');
    assert.equal(
      stamps(run.stdout),
      [
        '='.repeat(60),
        '============= all_pass_but_not_ok (2 subtests) =============',
        '=============== [FAILED] all_pass_but_not_ok ===============',
        '==================== outer (2 subtests) ====================',
        '==================== inner (2 subtests) ====================',
        '# d: EXPECTATION FAILED at x.c:1',
        '[FAILED] d',
        '====================== [FAILED] inner ======================',
        '====================== [FAILED] outer ======================',
        '='.repeat(60),
        'Testing complete. Ran 7 tests: passed: 5, failed: 2',
        '',
      ].join('\n'),
    );
  });
});
