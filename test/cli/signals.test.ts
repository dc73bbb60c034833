/**
 * The one cancellation path, through the real entry point (`node bin/vmunit.js`): SIGTERM and SIGINT stop
 * every child (QEMU, a kernel, unit hosts) within 2 s, leave the requested reports as whole documents, and
 * end with 128 + the signal's number (130, 143). QEMU tests use TCG and skip without qemu-system-x86_64.
 */

import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findQemu, makeTree } from '../guest/e2e-helpers.js';
import { fakeTree, removeTempDirs, vmunit } from '../kernel/helpers.js';
import { interrupt, notBuilt, processesIn, vmunitProcess, vmunitRun } from './cli-process.js';

const noQemu = findQemu() === undefined ? 'qemu-system-x86_64 not installed' : false;
const TCG = { ACCEL: 'tcg' };
const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

const CFG =
  '[pass]\nfile = pass.flat\n\n[fail]\nfile = fail.flat\n\n[hang]\nfile = hang.flat\ntimeout = 60\n';

describe('vmunit run and exec: cancellation and streams (real QEMU, TCG)', {
  skip: notBuilt || noQemu,
}, () => {
  let tree = '';
  before(async () => {
    tree = await makeTree(['pass', 'fail', 'hang'], CFG);
  });
  after(async () => {
    if (tree !== '') await rm(tree, { recursive: true, force: true });
  });

  for (const [signal, status] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    it(`${signal}: QEMU gone within 2 s, exit ${status}, KTAP and JUnit closed as whole documents`, async () => {
      const p = vmunitProcess(['run', 'hang', '--format', 'ktap', '--format', 'junit'], tree, TCG);
      const qemuRuns = async () =>
        [...(await processesIn(tree)).values()].some((cmd) => cmd.includes('-kernel x86/hang.flat'));
      const end = await interrupt(p, signal, qemuRuns, 'QEMU to start', tree);
      assert.equal(end.status, status, p.stderr());
      assert.ok(end.ms < 2000, `exit took ${end.ms} ms`);
      assert.deepEqual(end.survivors, [], 'a child survived');
      const ktap = await readFile(join(tree, 'logs', 'results.ktap'), 'utf8');
      assert.match(ktap, /^KTAP version 1\n1\.\.1\n/);
      assert.match(ktap, /^not ok 1 hang$/m);
      const junit = await readFile(join(tree, 'logs', 'junit.xml'), 'utf8');
      assert.match(junit, /failures="1"/);
      assert.match(junit.trimEnd(), /<\/testsuites?>$/);
      assert.match(p.stdout(), /^FAIL hang \(terminated on SIGTERM\)$/m);
      const record = JSON.parse(await readFile(join(tree, 'logs', 'record.json'), 'utf8'));
      assert.equal(record.run.interrupted, true);
      assert.equal(record.run.accel, 'tcg');
      assert.equal(record.run.accelReason, 'ACCEL=tcg');
    });
  }

  it('exec: SIGTERM stops QEMU, exit 143, and its run record says so', async () => {
    const p = vmunitProcess(['exec', '--results', 'exec-rec', 'x86/hang.flat'], tree, TCG);
    const spinning = () => p.stdout().includes('spinning');
    const end = await interrupt(p, 'SIGTERM', spinning, 'the guest to print', tree);
    assert.equal(end.status, 143, p.stderr());
    assert.ok(end.ms < 2000, `exit took ${end.ms} ms`);
    assert.deepEqual(end.survivors, [], 'QEMU survived');
    const record = JSON.parse(await readFile(join(tree, 'exec-rec', 'record.json'), 'utf8'));
    assert.equal(record.run.interrupted, true);
    assert.deepEqual(
      record.tests.map((t: { name: string; verdict: string }) => `${t.name} ${t.verdict}`),
      ['x86/hang.flat FAIL'],
    );
    const pass = await vmunitRun(['exec', '--results', 'exec-pass', 'x86/pass.flat'], tree, TCG);
    assert.equal(pass.status, 0, pass.stderr);
    const passed = JSON.parse(await readFile(join(tree, 'exec-pass', 'record.json'), 'utf8'));
    assert.equal(passed.run.complete, true);
    assert.equal(passed.tests[0]?.verdict, 'PASS');
    assert.equal(passed.counts.checks.passed, 2);
  });

  it('--format junit --output -: stdout is only the XML, the result lines and the header go to stderr', async () => {
    const r = await vmunitRun(['run', 'pass', 'fail', '--format', 'junit', '--output', '-'], tree, TCG);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^(<\?xml [^\n]*\n)?<testsuite/);
    assert.match(r.stdout.trimEnd(), /<\/testsuites?>$/);
    assert.doesNotMatch(r.stdout, /PASS pass|vmunit:/);
    assert.match(r.stderr, /^PASS pass \(2 tests\)$/m);
    assert.match(r.stderr, /^FAIL fail \(2 tests, 1 unexpected failures\)$/m);
    assert.match(
      r.stderr,
      /^vmunit: tree \S+, arch x86_64, accel tcg \(ACCEL=tcg\), qemu \S+qemu-system-x86_64 \S+, firmware seabios, MAX_SMP \d+, -j 1, results \S+\/logs$/m,
    );
  });

  it('-t: stdout is only TAP 13', async () => {
    const r = await vmunitRun(['run', 'pass', 'fail', '-t'], tree, TCG);
    assert.equal(r.status, 1);
    for (const line of r.stdout.trimEnd().split('\n')) {
      assert.match(line, /^(TAP version 13|1\.\.\d+|(not )?ok \d+ .*|#.*|\s+.*)$/, line);
    }
    assert.match(r.stdout, /^ok 1 - pass/m);
  });

  it("the first line of each log runs as it stands (the environ file is kept beside it): bash gets QEMU's status", async () => {
    const r = await vmunitRun(['run', 'pass', 'fail'], tree, TCG);
    assert.equal(r.status, 1);
    for (const [test, status] of [
      ['pass', 1],
      ['fail', 3],
    ] as const) {
      const first = (await readFile(join(tree, 'logs', `${test}.log`), 'utf8')).split('\n')[0] ?? '';
      assert.match(first, /-initrd \S+\/logs\/environ-tcg$/);
      const again = await vmunitRun(['exec', '--dry-run', `x86/${test}.flat`], tree, TCG);
      assert.equal(again.status, 0);
      const bash = (await import('node:child_process')).spawnSync('bash', ['-c', first], { cwd: tree });
      // The debug-exit device's (code << 1) | 1: PASS (0) → 1, FAIL (1) → 3, as the run decoded it.
      assert.equal(bash.status, status, bash.stderr.toString());
    }
  });

  it('-n leaves no temp folder, --results . is refused (exit 2, nothing moved), the cause of a failure is printed', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'vmunit-signals-tmp-'));
    const dry = await vmunitRun(['run', '-n', 'pass'], tree, { ...TCG, TMPDIR: tmp });
    assert.equal(dry.status, 0);
    assert.match(dry.stdout, / -kernel x86\/pass\.flat -smp 1 # -initrd <environ file>\n$/);
    assert.deepEqual(await readdir(tmp), [], 'a dry run left something in the temp folder');
    await rm(tmp, { recursive: true });
    const dot = await vmunitRun(['run', '--results', '.', 'pass'], tree, TCG);
    assert.equal(dot.status, 2);
    assert.match(dot.stderr, /results folder \S+ exists and was not made by a vmunit run/);
    assert.ok(await exists(join(tree, 'config.mak')), 'the tree was moved');
    assert.equal(await exists(`${tree}.old`), false);
    const file = join(tree, 'x86', 'pass.flat');
    const notDir = await vmunitRun(['run', '--results', join(file, 'logs'), 'pass'], tree, TCG);
    assert.equal(notDir.status, 2);
    assert.match(
      notDir.stderr,
      /^vmunit: error: cannot prepare results folder \S+: ENOTDIR: not a directory/m,
    );
  });
});

describe('vmunit kunit: cancellation (fake kernel tree)', { skip: notBuilt }, () => {
  let tree = '';
  before(async () => {
    tree = await fakeTree();
    const built = await vmunit(tree, ['kunit', 'build', '--kconfig_add', 'CONFIG_FAKE_HANG_TEST=y']);
    assert.equal(built.code, 0, built.stderr);
  });
  after(removeTempDirs);

  for (const args of [['exec'], ['exec', '--run_isolated', 'suite', '-j', '2']]) {
    it(`kunit ${args.join(' ')}: SIGTERM stops the hung kernel(s) and their process groups, exit 143`, async () => {
      const p = vmunitProcess(['kunit', ...args, '--timeout', '300', '--json=out.json', 'hang*'], tree);
      const log = join(tree, '.kunit', args.length > 1 ? 'isolated' : 'test.log');
      const end = await interrupt(
        p,
        'SIGTERM',
        async () => (await processesIn(tree, [p.child.pid ?? 0])).size > 0 && (await exists(log)),
        'the kernel to boot',
        tree,
      );
      assert.equal(end.status, 143, p.stderr());
      assert.ok(end.ms < 2000, `exit took ${end.ms} ms`);
      assert.deepEqual(end.survivors, [], 'a kernel process survived');
      const record = JSON.parse(await readFile(join(tree, '.kunit', 'record.json'), 'utf8'));
      assert.equal(record.run.interrupted, true);
      assert.equal(record.run.producer, 'kernel');
    });
  }
});

describe('vmunit test and parse: cancellation', { skip: notBuilt }, () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vmunit-signals-'));
    const lib = fileURLToPath(new URL('../../dist/unit/index.js', import.meta.url));
    await writeFile(
      join(dir, 'slow.kunit.mjs'),
      `import { defineSuite } from ${JSON.stringify(lib)};\n` +
        'defineSuite({ name: "slow", cases: [\n' +
        '  function quick(t) { t.expect.true(true); },\n' +
        '  async function waits() { await new Promise((r) => setTimeout(r, 600000)); },\n' +
        ']});\n',
    );
  });
  after(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('test: SIGINT mid-case leaves a complete KTAP on stdout and a JUnit file, exit 130', async () => {
    const args = [
      'test',
      '--format',
      'ktap',
      '-o',
      'junit:r.xml',
      '--backend',
      'process',
      '--results',
      'rec',
    ];
    const p = vmunitProcess(args, dir);
    const end = await interrupt(p, 'SIGINT', () => /ok 1 quick/.test(p.stdout()), 'the first case', dir);
    assert.equal(end.status, 130, p.stderr());
    assert.ok(end.ms < 2000, `exit took ${end.ms} ms`);
    assert.match(p.stdout(), /^ {4}not ok 2 waits # ERROR crashed: interrupted$/m);
    assert.match(p.stdout(), /^not ok 1 slow$/m);
    const parsed = vmunitProcess(['parse'], dir);
    parsed.child.stdin?.end(p.stdout());
    await parsed.exited;
    assert.match(parsed.stdout(), /Testing complete\. Ran 2 tests: passed: 1, failed: 1$/m);
    const junit = await readFile(join(dir, 'r.xml'), 'utf8');
    assert.match(junit.trimEnd(), /<\/testsuites?>$/);
    assert.deepEqual(end.survivors, [], 'a unit host survived');
    const record = JSON.parse(await readFile(join(dir, 'rec', 'record.json'), 'utf8'));
    assert.equal(record.run.interrupted, true);
    assert.deepEqual(
      record.tests.map((t: { name: string; verdict: string }) => `${t.name} ${t.verdict}`),
      ['slow FAIL'],
    );
  });

  it('parse: SIGTERM while stdin stays open ends the input there, writes whole reports, exit 143', async () => {
    const p = vmunitProcess(['parse', '--json=out.json', '--ktap=out.ktap'], dir);
    p.child.stdin?.write('KTAP version 1\n1..2\nok 1 first\n');
    const end = await interrupt(p, 'SIGTERM', () => p.stdout().includes('first'), 'the first result', dir);
    assert.equal(end.status, 143, p.stderr());
    const json = JSON.parse(await readFile(join(dir, 'out.json'), 'utf8')) as { test_cases: unknown[] };
    assert.equal(json.test_cases.length > 0, true);
    assert.match(await readFile(join(dir, 'out.ktap'), 'utf8'), /^KTAP version 1\n1\.\.2\nok 1 first\n/);
  });

  it('kunit parse streams as parse does: a result shows while stdin is open; SIGTERM writes whole JSON', async () => {
    const p = vmunitProcess(['kunit', 'parse', '--json=kout.json'], dir);
    p.child.stdin?.write('KTAP version 1\n1..2\nok 1 first\n');
    const end = await interrupt(p, 'SIGTERM', () => p.stdout().includes('first'), 'the first result', dir);
    assert.equal(end.status, 143, p.stderr());
    const json = JSON.parse(await readFile(join(dir, 'kout.json'), 'utf8')) as { test_cases: unknown[] };
    assert.equal(json.test_cases.length > 0, true);
  });
});
