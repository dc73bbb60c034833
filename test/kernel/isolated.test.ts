import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fakeTree, type JsonGroup, jsonRows, normalize, removeTempDirs, vmunit } from './helpers.js';

after(removeTempDirs);

/** `suite.test STATUS` rows of a kunit.py JSON document, sorted. */
function rows(doc: string): string[] {
  return jsonRows(doc).sort();
}

const EXTRA = [
  'CONFIG_FAKE_FAIL_TEST=y',
  'CONFIG_FAKE_HANG_TEST=y',
  'CONFIG_FAKE_CRASH_TEST=y',
  'CONFIG_FAKE_EARLY_CRASH_TEST=y',
];

describe('vmunit kunit exec --run_isolated (fake tree)', () => {
  let tree = '';
  before(async () => {
    tree = await fakeTree();
    const built = await vmunit(tree, ['kunit', 'build', ...EXTRA.flatMap((c) => ['--kconfig_add', c])]);
    assert.equal(built.code, 0, built.stderr);
  });

  it('lists tests with kunit.action=list, honouring the filter glob', async () => {
    const r = await vmunit(tree, ['kunit', 'exec', '--list_tests', 'fail*']);
    assert.equal(r.code, 0);
    assert.equal(
      normalize(r.stdout),
      "Running tests with:\n$ .kunit/linux kunit.action=list 'kunit.filter_glob=fail*' kunit.enable=1 mem=1G console=tty kunit_shutdown=halt\n" +
        'fail_suite.fail_passing_case\nfail_suite.fail_failing_case\nElapsed time: …\n\n',
    );
  });

  it('--list_suites prints the suites and caches an unfiltered list for shell completion', async () => {
    const filtered = await vmunit(tree, ['kunit', 'exec', '--list_suites', 'fail*']);
    assert.equal(filtered.code, 0);
    assert.match(filtered.stdout, /^fail_suite$/m);
    await assert.rejects(readFile(join(tree, '.kunit', '.vmunit-suites'), 'utf8'));
    const all = await vmunit(tree, ['kunit', 'exec', '--list_suites']);
    assert.equal(all.code, 0);
    const printed = all.stdout.split('\n').filter((l) => /^[\w-]+$/.test(l));
    assert.ok(printed.includes('fail_suite') && printed.length > 1, all.stdout);
    assert.deepEqual(
      (await readFile(join(tree, '.kunit', '.vmunit-suites'), 'utf8')).trimEnd().split('\n'),
      printed,
    );
  });

  it('gives the same per-test results as one boot, in one merged summary, and a crashed or hung boot fails only its suite', async () => {
    const single = await vmunit(tree, ['kunit', 'exec', '--timeout', '2', '--json=single.json', 'ex*']);
    const isolated = await vmunit(tree, [
      'kunit',
      'exec',
      '--timeout',
      '2',
      '--run_isolated',
      'suite',
      '-j',
      '3',
      '--json=iso.json',
    ]);
    assert.equal(isolated.code, 1);
    const out = normalize(isolated.stdout);
    // One summary for all boots.
    assert.equal(out.match(/^Testing complete\./gm)?.length, 1);
    assert.match(
      out,
      /^Testing complete\. Ran 20 tests: passed: 14, failed: 1, crashed: 3, skipped: 2, errors: 5$/m,
    );
    assert.match(out, /timed out after 2 seconds/, out);
    const iso = rows(await readFile(join(tree, 'iso.json'), 'utf8'));
    assert.deepEqual(
      iso.filter((r) => !r.endsWith(' PASS')),
      [
        'crash_suite. ERROR',
        'early_crash_suite ERROR',
        'example.example_mark_skipped_test SKIP',
        'example.example_skip_test SKIP',
        'fail_suite.fail_failing_case FAIL',
        'hang_suite. ERROR',
      ],
    );
    // Suites before the bad ones still pass: exactly as in a single boot of them.
    const alone = rows(await readFile(join(tree, 'single.json'), 'utf8'));
    assert.ok(alone.length > 0);
    for (const row of alone) assert.ok(iso.includes(`${row}`), `${row} missing from the isolated run`);
    assert.equal(single.code, 0);
    // The early crash has a stand-in carrying the console tail and the reason.
    assert.match(out, /vmunit: kernel exited with status 1 before reporting any result/);
    // Results are reported in list order whatever the boot order.
    const order = [...out.matchAll(/^=+ (\S+) \(\d+ subtests?\) =+$/gm)].map((m) => m[1]);
    assert.deepEqual(order, [
      'example',
      'list-kunit-test',
      'string-stream-test',
      'sysctl_test',
      'bitfields',
      'fail_suite',
      'hang_suite',
      'crash_suite',
    ]);
  });

  it("keeps parallel UML boots apart: own uml_dir and umid each, the user's TMPDIR (UML memory on tmpfs)", async () => {
    const r = await vmunit(tree, ['kunit', 'exec', '--run_isolated', 'suite', '-j', '2', 's*']);
    assert.equal(r.code, 0, r.stdout);
    const dir = join(tree, '.kunit/isolated');
    const boots = (await readdir(dir)).sort();
    const seen = new Set<string>();
    for (const b of boots) {
      const log = await readFile(join(dir, b, 'test.log'), 'utf8');
      const m = /^fake-uml: TMPDIR=(\S*) umid=(\S+) uml_dir=(\S+)$/m.exec(log);
      assert.ok(m, log);
      assert.equal(m[1], process.env.TMPDIR ?? '');
      assert.equal(m[3], join(dir, b, 'uml'));
      for (const v of m.slice(2)) {
        assert.ok(!seen.has(v), `${v} shared between boots`);
        seen.add(v);
      }
    }
    // test.log holds every boot, in order, as one KTAP document (one suite per boot here).
    const all = await readFile(join(tree, '.kunit/test.log'), 'utf8');
    assert.equal(all.match(/^KTAP version 1$/gm)?.length, 1);
    assert.match(all, new RegExp(`^1\\.\\.${boots.length}$`, 'm'));
    assert.deepEqual(
      [...all.matchAll(/^ok (\d+) /gm)].map((m) => Number(m[1])),
      boots.map((_, i) => i + 1),
    );
  });

  it('by test, merges the one-test boots of a suite back into one suite node', async () => {
    const r = await vmunit(tree, [
      'kunit',
      'exec',
      '--run_isolated',
      'test',
      '-j',
      '2',
      '--json=bytest.json',
      'example',
    ]);
    assert.equal(r.code, 0, r.stdout);
    const out = normalize(r.stdout);
    assert.equal(out.match(/Starting KUnit Kernel \(\d\/5\)/g)?.length, 5);
    assert.equal(out.match(/^=+ example \(5 subtests\) =+$/gm)?.length, 1);
    assert.match(out, /^Testing complete\. Ran 5 tests: passed: 3, skipped: 2$/m);
    const doc = JSON.parse(await readFile(join(tree, 'bytest.json'), 'utf8')) as JsonGroup;
    assert.equal(doc.sub_groups.length, 1);
    assert.deepEqual(
      doc.sub_groups[0]?.test_cases.map((c) => c.name),
      [
        'example_simple_test',
        'example_skip_test',
        'example_mark_skipped_test',
        'example_all_expect_macros_test',
        'example_static_stub_test',
      ],
    );
  });

  it('keeps the test part of the glob on every suite (kunit.py test_run_isolated_by_suite)', async () => {
    const r = await vmunit(tree, ['kunit', 'exec', '--run_isolated', 'suite', '-j', '1', 's*.*init*']);
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, / 'kunit\.filter_glob=string-stream-test\.\*init\*' /);
    assert.match(normalize(r.stdout), /^Testing complete\. Ran 1 tests: passed: 1$/m);
  });
});

describe('vmunit kunit exec --run_isolated: the merged test.log', () => {
  it('re-parses to every test of every boot (one KTAP document), with kunit parse and vmunit parse', async () => {
    const tree = await fakeTree();
    assert.equal((await vmunit(tree, ['kunit', 'build'])).code, 0);
    const isolated = await vmunit(tree, ['kunit', 'exec', '--run_isolated', 'suite', '-j', '2']);
    const ran = /^Testing complete\. (Ran \d+ tests: .*)$/m.exec(normalize(isolated.stdout))?.[1];
    assert.ok(ran !== undefined && !ran.startsWith('Ran 1 tests'), isolated.stdout);
    for (const command of [
      ['kunit', 'parse', '.kunit/test.log'],
      ['parse', '.kunit/test.log'],
    ]) {
      const again = await vmunit(tree, command);
      assert.equal(/^Testing complete\. (Ran \d+ tests: .*)$/m.exec(normalize(again.stdout))?.[1], ran);
    }
  });
});
