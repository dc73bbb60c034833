/**
 * The plain harness's QMP run-state watch connects only once a test outlives QMP_WATCH_DELAY_MS (most tests
 * end before, and the connection is most of the watch's cost), or at once when the command line keeps a
 * shut-down VM (its reason is only in the SHUTDOWN event). A guest that panics 2-3 s after its start, past
 * the delay, is still ended at once: real QEMU (TCG) through `node bin/vmunit.js run`. The guests that stop at
 * once are in run-state.test.ts.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { QMP_WATCH_DELAY_MS } from '../../src/guest/launch.js';
import { keepsShutDownVm } from '../../src/guest/qmp/run-state.js';
import { qemuSkip, skipUnless } from '../requirements.js';
import { makeTree } from './e2e-helpers.js';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));

describe('keepsShutDownVm', () => {
  it('sees -no-shutdown and -action shutdown=pause, in either dash form, and nothing else', () => {
    assert.equal(keepsShutDownVm(['qemu', '-no-shutdown']), true);
    assert.equal(keepsShutDownVm(['qemu', '--no-shutdown']), true);
    assert.equal(keepsShutDownVm(['qemu', '-action', 'panic=pause,shutdown=pause']), true);
    assert.equal(keepsShutDownVm(['qemu', '--action', 'shutdown=pause']), true);
    assert.equal(keepsShutDownVm(['qemu', '-action', 'panic=pause']), false);
    assert.equal(keepsShutDownVm(['qemu', '-action', 'shutdown=poweroff']), false);
    assert.equal(keepsShutDownVm(['qemu', '-append', '-no-shutdown', '-no-reboot']), true);
    assert.equal(keepsShutDownVm(['qemu', '--no-reboot', '-kernel', 'x.flat']), false);
  });
});

describe('vmunit run on a guest that stops after the watch delay', {
  skip: qemuSkip('qemu-system-x86_64', 'as', 'ld') || skipUnless('dist', built ? false : 'dist/ not built'),
}, () => {
  let tree = '';
  before(async () => {
    const cfg =
      '[late]\nfile = late-panic.flat\nqemu_params = -device pvpanic -action panic=pause\ntimeout = 30\n';
    tree = await makeTree(['late-panic'], cfg);
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  it('ends it at once after the panic, seen over QMP, with the registers', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '-C', tree], {
      env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    assert.equal(r.stdout, 'FAIL late (guest panicked)\n');
    assert.match(r.stderr, /^vmunit: tree /);
    assert.equal(r.status, 1);
    const record = JSON.parse(readFileSync(join(tree, 'logs', 'record.json'), 'utf8'));
    const late = record.tests.find((t: { name: string }) => t.name === 'late');
    assert.equal(late.attributes.dead_guest, 'qmp');
    assert.match(late.failures.at(-1).message, /^guest panicked\n(.*\n)*.*EIP=/m);
    // It ran past the delay (the guest waits 2-3 s) and ended long before its 30 s timeout.
    assert.ok(late.durationMs > QMP_WATCH_DELAY_MS + 500, `${late.durationMs} ms`);
    assert.ok(late.durationMs < 10_000, `${late.durationMs} ms`);
    const log = readFileSync(join(tree, 'logs', 'late.log'), 'utf8');
    assert.match(log, /panicking through pvpanic after 2 s\n/);
  });
});
