import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { formatRunTotals } from '../../src/cli/commands/run-command.js';
import { runTargets } from '../../src/cli/commands/run-output.js';
import { main } from '../../src/cli/main.js';
import { makeTree, sink } from '../guest/e2e-helpers.js';
import { qemuSkip } from '../requirements.js';
import { notBuilt, vmunitRun } from './cli-process.js';

async function cli(args: string[], env: Record<string, string | undefined> = {}) {
  const stdout = sink();
  const stderr = sink();
  const status = await main(['node', 'vmunit', ...args], {
    version: '0',
    stdout,
    stderr,
    stdin: process.stdin,
    env: { PATH: process.env.PATH, CI: '1', ...env },
    cwd: '/',
    signal: new AbortController().signal,
  });
  return { status, out: stdout.text(), err: stderr.text() };
}

const trees: string[] = [];
after(async () => {
  for (const t of trees) await rm(t, { recursive: true, force: true });
});

async function tree(): Promise<string> {
  const t = await makeTree([], CFG);
  trees.push(t);
  return t;
}

const CFG = '[a]\nfile = a.flat\ngroups = g1\n\n[b]\nfile = b.flat\ngroups = g2 nodefault\n';

describe('vmunit run: command line errors exit 2', () => {
  it('rejects a bad -j like run_tests.sh (Invalid -j option)', async () => {
    const dir = await tree();
    const r = await cli(['run', '-C', dir, '-j', '0']);
    assert.equal(r.status, 2);
    assert.match(r.err, /Invalid -j option: 0/);
  });

  it('a tree without config.mak is an input error naming the file', async () => {
    const r = await cli(['run', '-C', '/nonexistent-tree']);
    assert.equal(r.status, 2);
    assert.match(r.err, /\/nonexistent-tree\/config\.mak not found/);
  });

  it('no QEMU binary is a harness error (exit 2) with upstream text', async () => {
    const dir = await tree();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'x86', 'a.flat'), 'not really a kernel');
    const r = await cli(['run', '-C', dir, '--results', join(dir, 'out')], { QEMU: '/nonexistent/qemu' });
    assert.equal(r.status, 2);
    assert.match(
      r.err,
      /A QEMU binary was not found\.\nYou can set a custom location by using the QEMU=<path> environment variable\./,
    );
  });

  it('-l lists names honouring -g only; unknown --format is a usage error', async () => {
    const dir = await tree();
    assert.deepEqual(await cli(['run', '-C', dir, '-l']), { status: 0, out: 'a\nb\n', err: '' });
    assert.equal((await cli(['run', '-C', dir, '-l', '-g', 'g2'])).out, 'b\n');
    const bad = await cli(['run', '-C', dir, '--format', 'yaml']);
    assert.equal(bad.status, 2);
    assert.match(bad.err, /--format: unknown format 'yaml'/);
  });
});

describe('vmunit run: unittests.cfg warnings', () => {
  it('names the file and line of a key run_tests.sh would silently ignore', async () => {
    const t = await makeTree([], '[a]\nfile = a.flat\ngrups = typo\n');
    trees.push(t);
    const r = await cli(['run', '-C', t, '-l']);
    assert.equal(r.status, 0);
    assert.equal(r.out, 'a\n');
    assert.match(r.err, /warning: .*unittests\.cfg:3: /);
  });

  it('a run prints them once, before its header (bin/vmunit.js; the tree is read once)', {
    skip: notBuilt,
  }, async () => {
    const t = await makeTree([], '[a]\nfile = a.flat\ngrups = typo\n');
    trees.push(t);
    const r = await vmunitRun(['run', '-C', t, '--results', join(t, 'out')], '/', {
      QEMU: '/nonexistent/qemu',
    });
    assert.equal(r.status, 0);
    assert.equal(r.stdout, "SKIP a (Test file 'x86/a.flat' not found)\n");
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('vmunit: warning: '));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /unittests\.cfg:3: /);
    assert.ok(r.stderr.startsWith('vmunit: warning: '));
    assert.match(r.stderr, /\nvmunit: tree /);
  });
});

describe('vmunit run: test names', () => {
  it('an unknown test name is an error naming the cfg file, exit 2 (run_tests.sh would run nothing)', async () => {
    const dir = await tree();
    const r = await cli(['run', '-C', dir, 'a', 'nosuch']);
    assert.equal(r.status, 2);
    assert.match(r.err, /unknown test 'nosuch': no \[nosuch\] section in .*unittests\.cfg/);
  });
});

describe('vmunit run: closing totals line', () => {
  it('counts, time and the logs folder; marks an interrupted run', () => {
    const s = { passed: 7, failed: 1, skipped: 2, interrupted: false };
    assert.equal(
      formatRunTotals({ ...s, elapsedMs: 12_345, resultsDir: '/t/logs' }),
      'vmunit: 10 tests: 7 passed, 1 failed, 2 skipped in 12.3 s; logs in /t/logs\n',
    );
    assert.equal(
      formatRunTotals({ ...s, interrupted: true, elapsedMs: 50, resultsDir: undefined }),
      'vmunit: 10 tests: 7 passed, 1 failed, 2 skipped in 0.1 s (interrupted)\n',
    );
  });
});

describe('vmunit run --format/--output', () => {
  it('sends each unpaired format to its default file, an --output by its extension, stdout live', () => {
    const show = (t: { format: string; path: string }) => `${t.format}:${t.path}`;
    const all = runTargets(['ktap', 'junit', 'json', 'html'], [], {
      tap13: false,
      resultsDir: '/r',
      cwd: '/c',
    });
    assert.deepEqual(all.fromRecord.map(show), [
      'ktap:/r/results.ktap',
      'junit:/r/junit.xml',
      'json:/r/kernelci.json',
      'html:/r/report.html',
    ]);
    assert.deepEqual(all.live, []);
    // The case: the HTML must not land in a.xml.
    const mixed = runTargets(['html', 'junit'], ['a.xml'], { tap13: false, resultsDir: '/r', cwd: '/c' });
    assert.deepEqual(mixed.fromRecord.map(show), ['junit:/c/a.xml', 'html:/r/report.html']);
    const piped = runTargets(['junit'], ['-'], { tap13: false, resultsDir: '/r', cwd: '/c' });
    assert.deepEqual(piped, { live: [{ format: 'junit', path: '-' }], fromRecord: [] });
    const tap = runTargets([], [], { tap13: true, resultsDir: '/r', cwd: '/c' });
    assert.deepEqual(tap.live, [{ format: 'tap13', path: '-' }]);
    // -t and a report on stdout cannot share it.
    assert.throws(() => runTargets(['junit'], ['-'], { tap13: true, resultsDir: '/r', cwd: '/c' }), /twice/);
  });
  it('streams everything when there is no results folder (dry run)', () => {
    const dry = runTargets(['junit'], [], { tap13: false, resultsDir: undefined, cwd: '/c' });
    assert.deepEqual(dry, { live: [{ format: 'junit', path: '-' }], fromRecord: [] });
  });
});

describe('vmunit run -j: start order', () => {
  // Under -j the slot a long test gets decides the wall time: sieve (timeout = 180) last in the cfg kept the
  // CI set at 217 s under KVM where 180 s was possible.
  it('with no previous run, a test whose cfg raises its timeout starts first (bin/vmunit.js -v)', {
    skip: qemuSkip() || notBuilt,
  }, async () => {
    const cfg = '[a]\nfile = pass.flat\n\n[b]\nfile = pass.flat\n\n[long]\nfile = pass.flat\ntimeout = 180\n';
    const dir = await makeTree(['pass'], cfg);
    trees.push(dir);
    const args = ['run', '-C', dir, '-v', '-j', '2', '--results', join(dir, 'out')];
    const r = await vmunitRun(args, '/', { ACCEL: 'tcg' });
    assert.equal(r.status, 0, r.stderr);
    // -v prints each test's command line as it starts; the third starts only once one of the first two ends.
    const started = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('TESTNAME='))
      .map((l) => /^TESTNAME=(\S+)/.exec(l)?.[1]);
    assert.deepEqual([...started.slice(0, 2)].sort(), ['a', 'long']);
    assert.equal(started[2], 'b');
    assert.deepEqual(
      r.stdout
        .split('\n')
        .filter((l) => /^PASS /.test(l))
        .sort(),
      ['PASS a (2 tests)', 'PASS b (2 tests)', 'PASS long (2 tests)'],
    );
    assert.doesNotMatch(r.stderr, /TESTNAME=|^PASS/m);
  });
});

describe('vmunit run --probe-maxsmp', () => {
  it('lowers MAX_SMP to what QEMU accepts, with the notice, before cfg values expand', {
    skip: qemuSkip(),
  }, async () => {
    const dir = await makeTree(['pass'], '[pass]\nfile = pass.flat\nsmp = $MAX_SMP\n');
    trees.push(dir);
    const r = await cli(['run', '-C', dir, '--probe-maxsmp', '--dry-run'], {
      ACCEL: 'tcg',
      MAX_SMP: '500',
    });
    assert.equal(r.status, 0, r.err);
    assert.match(r.err, /^Restricting MAX_SMP from \(500\) to the max supported \(255\)$/m);
    assert.match(r.out, / -kernel x86\/pass\.flat -smp 255 /);
  });
});
