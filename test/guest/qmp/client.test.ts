/**
 * The QMP client against a real QEMU (x86_64, TCG, paused with -S so nothing runs): handshake, commands
 * with replies and errors, events, a timeout, and QEMU killed while a command is outstanding.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { QmpClient } from '../../../src/guest/qmp/client.js';
import { monitorOf, qmpMonitorArgs } from '../../../src/guest/qmp/instance.js';
import { VmunitError } from '../../../src/util/errors.js';
import { findQemu } from '../e2e-helpers.js';

const qemu = findQemu();
const skip = qemu === undefined ? 'qemu-system-x86_64 not installed' : false;
if (skip && process.env.VMUNIT_REQUIRE?.includes('qemu')) throw new Error('VMUNIT_REQUIRE=qemu: no QEMU');

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
});

/** A paused QEMU with the harness's monitor on fd 3 (and a second one on fd 4, which `extra` may use). */
function startQemu(extra: readonly string[] = []): { child: ChildProcess; argv: string[] } {
  const argv = [
    '-S',
    '-nodefaults',
    '-display',
    'none',
    '-machine',
    'accel=tcg',
    ...extra,
    ...qmpMonitorArgs(),
  ];
  const child = spawn(qemu ?? 'qemu-system-x86_64', argv, {
    stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return { child, argv };
}

async function open(): Promise<{ child: ChildProcess; qmp: QmpClient }> {
  const { child, argv } = startQemu();
  const qmp = monitorOf(child, argv, 'the test monitor');
  assert.ok(qmp, 'the spawn gave the monitor socket');
  await qmp.negotiate({ timeoutMs: 10_000 });
  return { child, qmp };
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => e instanceof VmunitError && e.code === code;
}

describe('QmpClient on a real QEMU', { skip }, () => {
  it('negotiates capabilities and answers commands by id', async () => {
    const { qmp } = await open();
    const status = (await qmp.execute('query-status', undefined, { timeoutMs: 5000 })) as { status: string };
    assert.equal(status.status, 'prelaunch');
    // Two commands in flight at once get their own replies.
    const [a, b] = await Promise.all([
      qmp.execute('query-name', undefined, { timeoutMs: 5000 }),
      qmp.execute('query-status', undefined, { timeoutMs: 5000 }),
    ]);
    assert.deepEqual(a, {});
    assert.equal((b as { running: boolean }).running, false);
    await assert.rejects(
      qmp.execute('no-such-command', undefined, { timeoutMs: 5000 }),
      (e: unknown) => isCode('QMP_FAILED')(e) && /CommandNotFound/.test((e as Error).message),
    );
    await qmp.execute('quit', undefined, { timeoutMs: 5000 });
  });

  it('delivers events and times out waiting for one that never comes', async () => {
    const { qmp } = await open();
    await qmp.execute('cont', undefined, { timeoutMs: 5000 });
    const resume = await qmp.waitEvent(['RESUME'], { timeoutMs: 5000 });
    assert.equal(resume.event, 'RESUME');
    const started = Date.now();
    await assert.rejects(qmp.waitEvent(['GUEST_PANICKED'], { timeoutMs: 300 }), isCode('QMP_TIMEOUT'));
    assert.ok(Date.now() - started < 3000, 'the timeout fires on time');
    await qmp.execute('quit', undefined, { timeoutMs: 5000 });
    const shutdown = await qmp.waitEvent(['SHUTDOWN'], { timeoutMs: 5000 });
    assert.equal(shutdown.data?.reason, 'host-qmp-quit');
  });

  it('fails an outstanding command at once when QEMU is killed mid-command', async () => {
    const { child, qmp } = await open();
    child.kill('SIGSTOP'); // QEMU cannot answer: the command stays outstanding
    const reply = qmp.execute('query-status', undefined, { timeoutMs: 30_000 });
    const started = Date.now();
    setTimeout(() => child.kill('SIGKILL'), 200);
    await assert.rejects(
      reply,
      (e: unknown) =>
        isCode('QMP_CLOSED')(e) && /while waiting for 'query-status'/.test((e as Error).message),
    );
    assert.ok(Date.now() - started < 5000, 'no wait for the 30 s deadline');
    assert.ok(qmp.closed);
    await assert.rejects(qmp.execute('query-status', undefined, { timeoutMs: 1000 }), isCode('QMP_CLOSED'));
  });

  it('sends nothing once a QEMU that exits on shutdown has announced it', async () => {
    // The rule under test is the client's: after SHUTDOWN from a QEMU that exits on shutdown, a command could
    // hang QEMU 7.2 in its exit, so none is written. This QEMU keeps the VM (`shutdown=pause`) so the test can
    // see, on its second monitor (fd 4), that QEMU would still have answered: the refusal is the client's.
    const { child } = startQemu([
      '-action',
      'reboot=shutdown,shutdown=pause',
      '-chardev',
      'socket,id=mon2,fd=4',
      '-mon',
      'chardev=mon2,mode=control',
    ]);
    const [told, truth] = [3, 4].map((fd) => {
      const socket = child.stdio[fd];
      assert.ok(socket instanceof Socket);
      return new QmpClient(socket, `monitor ${fd}`, fd === 3);
    });
    assert.ok(told && truth);
    await told.negotiate({ timeoutMs: 10_000 });
    assert.equal(told.exiting, false);
    await told.execute('cont', undefined, { timeoutMs: 5000 });
    await told.execute('system_reset', undefined, { timeoutMs: 5000 });
    await told.waitEvent(['SHUTDOWN'], { timeoutMs: 5000 });
    assert.equal(told.exiting, true);
    await assert.rejects(
      told.execute('query-status', undefined, { timeoutMs: 5000 }),
      (e: unknown) => isCode('QMP_EXITING')(e) && /'query-status' not sent/.test((e as Error).message),
    );
    assert.equal(told.closed, false);
    await truth.negotiate({ timeoutMs: 10_000 });
    const status = (await truth.execute('query-status', undefined, { timeoutMs: 5000 })) as {
      status: string;
    };
    assert.equal(status.status, 'shutdown');
    await truth.execute('quit', undefined, { timeoutMs: 5000 });
  });

  it('fails the handshake at once when QEMU exits before greeting', async () => {
    const { child, argv } = startQemu(['-no-such-option']);
    const qmp = monitorOf(child, argv, 'the test monitor');
    assert.ok(qmp);
    const started = Date.now();
    await assert.rejects(qmp.negotiate({ timeoutMs: 10_000 }), isCode('QMP_CLOSED'));
    assert.ok(Date.now() - started < 5000, 'no wait for the deadline');
    assert.ok(qmp.closed);
  });
});
