/**
 * The QMP client against a real QEMU (x86_64, TCG, paused with -S so nothing runs): handshake, commands
 * with replies and errors, events, a timeout, and QEMU killed while a command is outstanding.
 */

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openQmp, type QmpClient } from '../../../src/guest/qmp/client.js';
import { VmunitError } from '../../../src/util/errors.js';
import { findQemu } from '../e2e-helpers.js';

const qemu = findQemu();
const skip = qemu === undefined ? 'qemu-system-x86_64 not installed' : false;
if (skip && process.env.VMUNIT_REQUIRE?.includes('qemu')) throw new Error('VMUNIT_REQUIRE=qemu: no QEMU');

const dir = mkdtempSync(join(tmpdir(), 'vmunit-qmp-test-'));
const children: ChildProcess[] = [];
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function startQemu(name: string, extra: readonly string[] = []): { child: ChildProcess; socket: string } {
  const socket = join(dir, `${name}.sock`);
  const child = spawn(
    qemu ?? 'qemu-system-x86_64',
    ['-S', '-nodefaults', '-display', 'none', '-machine', 'accel=tcg', ...extra, '-chardev'].concat([
      `socket,id=mon,path=${socket},server=on,wait=off`,
      '-mon',
      'chardev=mon,mode=control',
    ]),
    { stdio: 'ignore' },
  );
  children.push(child);
  return { child, socket };
}

async function open(name: string): Promise<{ child: ChildProcess; qmp: QmpClient }> {
  const { child, socket } = startQemu(name);
  const qmp = await openQmp(socket, {
    timeoutMs: 10_000,
    exitsOnShutdown: true,
    alive: () => child.exitCode === null,
  });
  return { child, qmp };
}

function isCode(code: string): (e: unknown) => boolean {
  return (e) => e instanceof VmunitError && e.code === code;
}

describe('QmpClient on a real QEMU', { skip }, () => {
  it('negotiates capabilities and answers commands by id', async () => {
    const { qmp } = await open('handshake');
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
    const { qmp } = await open('events');
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
    const { child, qmp } = await open('killed');
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
    // see that QEMU would still have answered: the refusal is the client's, not a closed socket.
    const { child, socket } = startQemu('exiting', ['-action', 'reboot=shutdown,shutdown=pause']);
    const alive = (): boolean => child.exitCode === null;
    const told = await openQmp(socket, { timeoutMs: 10_000, exitsOnShutdown: true, alive });
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
    told.close();
    // QEMU's monitor takes one client at a time: the next one, told the truth, is answered.
    const truth = await openQmp(socket, { timeoutMs: 10_000, exitsOnShutdown: false, alive });
    const status = (await truth.execute('query-status', undefined, { timeoutMs: 5000 })) as {
      status: string;
    };
    assert.equal(status.status, 'shutdown');
    await truth.execute('quit', undefined, { timeoutMs: 5000 });
  });

  it('reports a QEMU that exits before opening its socket', async () => {
    const child = spawn(qemu ?? 'qemu-system-x86_64', ['-nodefaults', '-no-such-option'], {
      stdio: 'ignore',
    });
    children.push(child);
    const socket = join(dir, 'never.sock');
    await assert.rejects(
      openQmp(socket, { timeoutMs: 10_000, exitsOnShutdown: true, alive: () => child.exitCode === null }),
      isCode('QMP_CLOSED'),
    );
    assert.equal(existsSync(socket), false);
  });
});
