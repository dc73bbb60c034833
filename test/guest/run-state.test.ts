/**
 * A VM that stops for good ends its test at once, seen over QMP: real QEMU (TCG) on tiny asm guests that
 * triple-fault under `-no-shutdown` (run state `shutdown`) or panic through pvpanic with `-action
 * panic=pause` (run state `guest-panicked`), run through `node bin/vmunit.js run` as a user would. The
 * reason names the state, the failure detail holds QEMU's `info registers`; `--wait-timeouts` keeps
 * run_tests.sh's timeout and wording. The reason wording is checked on its own (pure).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stoppedReason } from '../../src/guest/qmp/run-state.js';
import { qemuSkip, skipUnless } from '../requirements.js';
import { makeTree } from './e2e-helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));

describe('stoppedReason', () => {
  it('names final run states with what the event said, and nothing else', () => {
    assert.equal(
      stoppedReason('shutdown', [{ event: 'SHUTDOWN', data: { guest: true, reason: 'guest-reset' } }]),
      'guest shut down and QEMU kept running: guest-reset',
    );
    assert.equal(
      stoppedReason('guest-panicked', [{ event: 'GUEST_PANICKED', data: { action: 'pause', info: {} } }]),
      'guest panicked',
    );
    assert.match(stoppedReason('internal-error', []) ?? '', /internal-error/);
    assert.equal(stoppedReason('running', []), undefined);
    assert.equal(stoppedReason('paused', [{ event: 'STOP' }]), undefined);
  });
});

const CFG = `
[triple]
file = triple-fault.flat
qemu_params = -no-shutdown
timeout = 20

[panic]
file = panic.flat
qemu_params = -device pvpanic -action panic=pause
timeout = 20

[pass]
file = pass.flat
`;

/**
 * A panic with QEMU's default action powers the VM off: QEMU sends GUEST_PANICKED and SHUTDOWN and exits.
 * QEMU 7.2 hangs in that exit when a QMP question is in flight, which the watch once caused ~1 run in 3.
 * The guest panics after the watch's delay (launch.ts), so the watch is connected when it does.
 */
const POWEROFF_PANICS = Array.from(
  { length: 6 },
  (_, i) => `[poweroff${i}]\nfile = late-panic.flat\nqemu_params = -device pvpanic\ntimeout = 30\n`,
).join('\n');

describe('vmunit run on a guest whose VM stops for good', {
  skip: qemuSkip('qemu-system-x86_64', 'as', 'ld') || skipUnless('dist', built ? false : 'dist/ not built'),
}, () => {
  let tree = '';
  before(async () => {
    tree = await makeTree(['triple-fault', 'panic', 'pass', 'late-panic'], CFG + POWEROFF_PANICS);
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  function run(extra: string[], env: Record<string, string> = {}) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'run', '-C', tree, '--format', 'json', ...extra], {
      env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1', ...env },
      encoding: 'utf8',
    });
    return { ...r, ms: performance.now() - started };
  }

  it('ends each at once with the state as reason and the registers in the failure', () => {
    const r = run(['-j', '2', 'panic', 'triple', 'pass']);
    // -j 2 prints each line when its test ends, so the order is the finishing order.
    assert.deepEqual(r.stdout.split('\n').sort(), [
      '',
      'FAIL panic (guest panicked)',
      'FAIL triple (guest shut down and QEMU kept running: guest-reset)',
      'PASS pass (2 tests)',
    ]);
    assert.match(r.stderr, /^vmunit: tree /);
    assert.equal(r.status, 1);
    assert.ok(r.ms < 20_000, `${r.ms} ms: before the 20 s timeouts`);
    const record = JSON.parse(readFileSync(join(tree, 'logs', 'record.json'), 'utf8'));
    const triple = record.tests.find((t: { name: string }) => t.name === 'triple');
    assert.equal(triple.status, 'FAILURE');
    assert.match(triple.failures[0].message, /^guest shut down.*\n(.*\n)*.*EIP=/m);
    assert.equal(triple.attributes.dead_guest, 'qmp');
    const pass = record.tests.find((t: { name: string }) => t.name === 'pass');
    assert.equal(pass.attributes.dead_guest, undefined);
    // The log's command line is the test's own (the monitor is plumbing), pasteable as it stands.
    const log = readFileSync(join(tree, 'logs', 'triple.log'), 'utf8');
    assert.doesNotMatch(log.split('\n')[0] ?? '', /-mon|qmp/);
  });

  it('lets QEMU exit after a panic that powers the VM off, every time', () => {
    const r = run(['-j', '2', ...Array.from({ length: 6 }, (_, i) => `poweroff${i}`)]);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 6, r.stdout);
    // QEMU's own exit (status 0, not the test device's) decides, as under run_tests.sh: no timeout.
    const verdicts = new Set(lines.map((l) => l.replace(/poweroff\d/, 'X')));
    assert.deepEqual(verdicts, new Set(['FAIL X ']), r.stdout);
    assert.ok(r.ms < 25_000, `${r.ms} ms: before the 30 s timeouts`);
  });

  it('--wait-timeouts waits for the timeout, as run_tests.sh', () => {
    const r = run(['--wait-timeouts', 'panic'], { TIMEOUT: '3' });
    assert.equal(r.stdout, 'FAIL panic (timeout; duration=3)\n');
    assert.ok(r.ms >= 3000, `${r.ms} ms`);
  });
});
