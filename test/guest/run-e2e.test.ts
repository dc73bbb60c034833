/**
 * End-to-end: `vmunit run` on a tree of tiny asm guests under real QEMU (TCG forced for speed). Skips only
 * when qemu-system-x86_64 is absent (a failure with VMUNIT_REQUIRE=qemu).
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCommand } from '../../src/cli/commands/run-command.js';
import type { RunFlags } from '../../src/cli/commands/run-sinks.js';
import type { CliContext } from '../../src/cli/context.js';
import { qemuSkip } from '../requirements.js';
import { findQemu, makeTree, sink } from './e2e-helpers.js';

const qemu = findQemu();
const skip = qemuSkip();

const CFG = `
[pass]
file = pass.flat

[fail]
file = fail.flat

[skip77]
file = skip.flat

[abort]
file = abort.flat

[timeout]
file = hang.flat
timeout = 1

[qemufail]
file = pass.flat
qemu_params = -cpu nonexistent_cpu

[nodef]
file = pass.flat
groups = nodefault

[archskip]
file = pass.flat
arch = i386

[missing]
file = doesnotexist.flat

[flood]
file = flood.flat
timeout = 2
`;

function context(cwd: string, env: Record<string, string | undefined> = {}) {
  const stdout = sink();
  const stderr = sink();
  const ctx: CliContext = {
    version: '0',
    stdout,
    stderr,
    stdin: process.stdin,
    env: { PATH: process.env.PATH, ACCEL: 'tcg', CI: '1', ...env },
    cwd,
    signal: new AbortController().signal,
  };
  return { ctx, stdout, stderr };
}

const flags = (over: Partial<RunFlags> = {}): RunFlags => ({ group: [], format: [], output: [], ...over });

describe('vmunit run end-to-end (real QEMU, TCG)', { skip }, () => {
  let tree = '';
  before(async () => {
    tree = await makeTree(['pass', 'fail', 'skip', 'abort', 'hang', 'flood'], CFG);
  });
  after(async () => {
    if (tree !== '') await rm(tree, { recursive: true, force: true });
  });

  it('gives run_tests.sh verdicts and reasons, exit 1 on failure, -j2', async () => {
    const { ctx, stdout } = context(tree);
    const status = await runCommand([], flags({ parallel: '2', format: ['junit', 'ktap'] }), ctx);
    const lines = stdout.text().split('\n').filter(Boolean).sort();
    assert.deepEqual(lines, [
      'FAIL abort (1 tests)',
      'FAIL fail (2 tests, 1 unexpected failures)',
      'FAIL flood (timeout; duration=2)',
      'FAIL timeout (timeout; duration=1)',
      'PASS pass (2 tests)',
      'SKIP archskip (i386 only)',
      "SKIP missing (Test file 'x86/doesnotexist.flat' not found)",
      'SKIP nodef (test marked as manual run only)',
      "SKIP qemufail (qemu-system-x86_64: unable to find CPU model 'nonexistent_cpu')",
      'SKIP skip77 (1 tests, 1 skipped)',
    ]);
    assert.equal(status, 1);

    const logs = join(tree, 'logs');
    const passLog = await readFile(join(logs, 'pass.log'), 'utf8');
    const [first, ...rest] = passLog.split('\n');
    assert.ok(first?.startsWith(qemu ?? ''), first);
    assert.ok(first?.includes(' -machine accel=tcg -kernel x86/pass.flat -smp 1 -initrd '), first);
    assert.ok(rest.includes('SUMMARY: 2 tests'));
    assert.equal(await readFile(join(logs, 'SUMMARY'), 'utf8'), 'BUILD_HEAD=\n');
    const qemuLog = await readFile(join(logs, 'qemufail.log'), 'utf8');
    assert.match(qemuLog, /unable to find CPU model 'nonexistent_cpu'/);
    const flood = await stat(join(logs, 'flood.log'));
    assert.ok(flood.size <= 8 * 1024 * 1024 + 200, `flood log is ${flood.size} bytes`);
    const results = JSON.parse(await readFile(join(logs, 'results.json'), 'utf8'));
    assert.equal(results.complete, true);
    assert.equal(results.tests.length, 10);
    // Reports: every guest check is a subtest; the failing one is named.
    const junit = await readFile(join(logs, 'junit.xml'), 'utf8');
    assert.match(junit, /arith: 2 \+ 2 == 5/);
    const ktap = await readFile(join(logs, 'results.ktap'), 'utf8');
    assert.match(ktap, /not ok \d+ arith: 2 \+ 2 == 5/);
    assert.match(ktap, /ok \d+ arith: mul/);
    assert.match(ktap, /not ok \d+ timeout # TIMEOUT/);
  });

  it('passes: only selected tests, exit 0, previous logs rotated to logs.old', async () => {
    const { ctx, stdout } = context(tree);
    const status = await runCommand(['pass', 'skip77'], flags(), ctx);
    assert.equal(stdout.text(), 'PASS pass (2 tests)\nSKIP skip77 (1 tests, 1 skipped)\n');
    assert.equal(status, 0);
    await stat(join(tree, 'logs.old', 'fail.log'));
  });

  it('--list and --dry-run print without running', async () => {
    const list = context(tree);
    assert.equal(await runCommand([], flags({ list: true }), list.ctx), 0);
    assert.equal(list.stdout.text().split('\n')[0], 'pass');
    const dry = context(tree);
    assert.equal(await runCommand(['pass'], flags({ dryRun: true }), dry.ctx), 0);
    // A dry run writes no environ file (no temp folder is left): the line says where it would go.
    assert.match(
      dry.stdout.text(),
      / -machine accel=tcg -kernel x86\/pass.flat -smp 1 # -initrd <environ file>\n$/,
    );
  });

  it('ACCEL=kvm without usable KVM skips like run_tests.sh', async (t) => {
    const { kvmDeviceUsable } = await import('../../src/guest/qemu/accel.js');
    if (kvmDeviceUsable()) {
      t.skip('/dev/kvm is usable here');
      return;
    }
    const { ctx, stdout } = context(tree, { ACCEL: 'kvm' });
    await runCommand(['pass'], flags(), ctx);
    assert.equal(stdout.text(), 'SKIP pass (KVM is needed, but not available on this host)\n');
  });

  it('SIGINT: QEMU children are gone within 2 s, exit 130, results.json stays valid', async () => {
    const cfg = join(tree, 'x86', 'unittests.cfg');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(cfg, `${CFG}\n[hang2]\nfile = hang.flat\n\n[hang3]\nfile = hang.flat\n`);
    const main = join(import.meta.dirname, '../../src/cli/main.ts');
    const script = `const m = await import(${JSON.stringify(main)}); process.exitCode = await m.main(['node', 'vmunit', 'run', '-C', ${JSON.stringify(tree)}, '-j', '2', 'pass', 'hang2', 'hang3']);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, ACCEL: 'tcg', CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += String(d);
    });
    // Wait until both hanging guests run (their logs exist): hang2/hang3 have no recorded duration, so
    // the longest-first order starts them before 'pass'.
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    const t0 = Date.now();
    const running = async (): Promise<boolean> =>
      (
        await Promise.all(
          ['hang2', 'hang3'].map((n) =>
            stat(join(tree, 'logs', `${n}.log`)).then(
              () => true,
              () => false,
            ),
          ),
        )
      ).every(Boolean);
    while (!(await running()) && Date.now() - t0 < 30_000 && child.exitCode === null) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(child.exitCode, null, `vmunit ended early: ${stderr}`);
    await new Promise((r) => setTimeout(r, 300));
    const sent = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    const elapsed = Date.now() - sent;
    assert.equal(code, 130);
    assert.ok(elapsed < 2000, `took ${elapsed} ms`);
    // QEMU processes still running in this tree (cwd), found through /proc: no dependency on ps.
    const survivors: string[] = [];
    for (const pid of (await readdir('/proc')).filter((d) => /^\d+$/.test(d))) {
      const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (!cmd.includes('qemu-system') || !cmd.includes('hang.flat')) continue;
      const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
      if (cwd === tree) survivors.push(pid);
    }
    assert.deepEqual(survivors, [], 'a QEMU survived');
    assert.doesNotMatch(out, /PASS pass/, "'pass' had not started: nothing new starts after Ctrl-C");
    const results = JSON.parse(await readFile(join(tree, 'logs', 'results.json'), 'utf8'));
    assert.equal(results.complete, false);
    assert.deepEqual(results.tests.map((t: { name: string }) => t.name).sort(), ['hang2', 'hang3']);
  });
});
