/**
 * Dead guests: the watcher on QEMU's real report text (pure), and `node bin/vmunit.js run` with and without
 * `--wait-timeouts` on a QEMU stand-in that reports a KVM internal error and then hangs (this host's KVM
 * cannot be relied on to produce one; test/fixtures/fake-qemu/kvm-internal-error says what it mimics).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeadGuestWatcher } from '../../src/guest/dead-guest.js';
import { makeTree } from './e2e-helpers.js';

const FAKE = resolve(import.meta.dirname, '../fixtures/fake-qemu/kvm-internal-error');
const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');

describe('DeadGuestWatcher', () => {
  it('waits for the end of the dump, then names the suberror', () => {
    const w = new DeadGuestWatcher();
    assert.equal(w.push("qemu-system-x86_64: warning: host doesn't support requested feature"), false);
    assert.equal(w.push('KVM internal error. Suberror: 1'), false);
    assert.ok(w.seen);
    assert.equal(w.push('RAX=0000000001017fdc RBX=0000000000000096'), false);
    assert.equal(w.push('Code=00 <cc> 90'), true);
    assert.deepEqual(w.result(), {
      reason: 'KVM internal error: emulation failure',
      dump: 'KVM internal error. Suberror: 1\nRAX=0000000001017fdc RBX=0000000000000096\nCode=00 <cc> 90',
      via: 'stderr',
    });
  });

  it('says nothing for a live guest, and keeps unknown suberrors as numbers', () => {
    const w = new DeadGuestWatcher();
    w.push('qemu-system-x86_64: terminating on signal 15');
    assert.equal(w.result(), undefined);
    const odd = new DeadGuestWatcher();
    odd.push('KVM internal error. Suberror: 9');
    assert.equal(odd.result()?.reason, 'KVM internal error: suberror 9');
  });
});

const built = existsSync(resolve(import.meta.dirname, '../../dist/cli/main.js'));
describe('vmunit run on a guest that KVM cannot run', { skip: built ? false : 'dist/ not built' }, () => {
  let tree = '';
  before(async () => {
    tree = await makeTree(['pass'], '[eventinj]\nfile = pass.flat\ntimeout = 3\n');
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  function run(extra: string[]): { status: number | null; stdout: string; ms: number } {
    const started = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'run', '-C', tree, ...extra], {
      env: { ...process.env, QEMU: FAKE, ACCEL: 'tcg', NO_COLOR: '1' },
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, ms: performance.now() - started };
  }

  it('ends the test at once with the reason, the dump in the log', () => {
    const r = run([]);
    assert.equal(r.stdout, 'FAIL eventinj (KVM internal error: emulation failure)\n');
    assert.equal(r.status, 1);
    assert.ok(r.ms < 3000, `${r.ms} ms: before the 3 s timeout`);
    assert.match(
      readFileSync(join(tree, 'logs', 'eventinj.log'), 'utf8'),
      /^KVM internal error\. Suberror: 1\n(.*\n)*Code=/m,
    ); // The record says the test was ended early (what bench/guest-suite tells apart from a timeout).
    const record = JSON.parse(readFileSync(join(tree, 'logs', 'record.json'), 'utf8'));
    assert.equal(record.tests[0].attributes.dead_guest, 'stderr');
  });

  it('--wait-timeouts keeps run_tests.sh wait and wording', () => {
    const r = run(['--wait-timeouts']);
    assert.equal(r.stdout, 'FAIL eventinj (timeout; duration=3)\n');
    const record = JSON.parse(readFileSync(join(tree, 'logs', 'record.json'), 'utf8'));
    assert.equal(record.tests[0].attributes.dead_guest, undefined);
    assert.equal(r.status, 1);
    assert.ok(r.ms >= 3000, `${r.ms} ms: waited for the timeout`);
  });
});
