import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { bootKernel, timeoutMessage } from '../../src/kernel/boot.js';
import type { KernelIo } from '../../src/kernel/types.js';
import { VmunitError } from '../../src/util/errors.js';
import { removeTempDirs, tempDir } from './helpers.js';

after(removeTempDirs);

function io(): KernelIo & { printed: string[] } {
  const printed: string[] = [];
  return {
    spawn,
    env: process.env,
    out: (t) => printed.push(t),
    err: (t) => printed.push(t),
    now: Date.now,
    printed,
  };
}

function scratch(): Promise<string> {
  return tempDir('vmunit-boot-');
}

describe('bootKernel', () => {
  it('streams stdout and stderr lines in write order and keeps them in the log', async () => {
    const dir = await scratch();
    const lines: string[] = [];
    const script = 'echo one; echo two >&2; printf "three\\r\\nfour"; sleep 0.05; echo " tail"';
    const outcome = await bootKernel(io(), {
      argv: { file: 'sh', args: ['-c', script] },
      cwd: dir,
      env: process.env,
      logPath: join(dir, 'test.log'),
      timeoutMs: 10_000,
      onLine: (l) => lines.push(l),
    });
    assert.deepEqual(lines, ['one', 'two', 'three', 'four tail']);
    assert.equal(outcome.exitCode, 0);
    assert.equal(outcome.timedOut, false);
    assert.equal(await readFile(join(dir, 'test.log'), 'utf8'), 'one\ntwo\nthree\r\nfour tail\n');
  });

  it('delivers lines while the kernel is still running', async () => {
    const dir = await scratch();
    const seen: number[] = [];
    const start = Date.now();
    await bootKernel(io(), {
      argv: { file: 'sh', args: ['-c', 'echo early; sleep 0.6; echo late'] },
      cwd: dir,
      env: process.env,
      logPath: join(dir, 'test.log'),
      timeoutMs: 10_000,
      onLine: () => seen.push(Date.now() - start),
    });
    assert.equal(seen.length, 2);
    assert.ok((seen[1] ?? 0) - (seen[0] ?? 0) >= 400, `lines arrived together: ${seen}`);
  });

  it('kills a hung kernel and its children at the timeout, SIGKILL when SIGTERM is ignored', async () => {
    const dir = await scratch();
    const lines: string[] = [];
    const fake = io();
    const argv = { file: 'sh', args: ['-c', 'trap "" TERM; echo started; sleep 30 & wait; sleep 30'] };
    const outcome = await bootKernel(fake, {
      argv,
      cwd: dir,
      env: process.env,
      logPath: join(dir, 'test.log'),
      timeoutMs: 300,
      killGraceMs: 200,
      onLine: (l) => lines.push(l),
    });
    assert.equal(outcome.timedOut, true);
    assert.equal(outcome.signal, 'SIGKILL');
    assert.deepEqual(lines, ['started']);
    assert.deepEqual(fake.printed, [`${timeoutMessage(argv, 300)}\n`]);
    assert.ok(outcome.elapsedMs < 5000);
  });

  it('stops the kernel and its children at once when the run is interrupted', async () => {
    const dir = await scratch();
    const controller = new AbortController();
    const lines: string[] = [];
    setTimeout(() => controller.abort(), 300);
    const outcome = await bootKernel(
      { ...io(), signal: controller.signal },
      {
        argv: { file: 'sh', args: ['-c', 'trap "" TERM INT; echo up; sleep 30 & wait'] },
        cwd: dir,
        env: process.env,
        logPath: join(dir, 'test.log'),
        timeoutMs: 60_000,
        onLine: (l) => lines.push(l),
      },
    );
    assert.equal(outcome.signal, 'SIGKILL');
    assert.equal(outcome.timedOut, false);
    assert.deepEqual(lines, ['up']);
    assert.ok(outcome.elapsedMs < 5000);
  });

  it('renders the timeout like Python subprocess.TimeoutExpired', () => {
    assert.equal(
      timeoutMessage({ file: '.kunit/linux', args: ["it's", 'kunit.enable=1'] }, 300_000),
      "Command '['.kunit/linux', 'it\\'s', 'kunit.enable=1']' timed out after 300 seconds",
    );
  });

  it('fails with SPAWN_FAILED when the kernel binary is missing', async () => {
    const dir = await scratch();
    await assert.rejects(
      bootKernel(io(), {
        argv: { file: join(dir, 'linux'), args: [] },
        cwd: dir,
        env: process.env,
        logPath: join(dir, 'test.log'),
        timeoutMs: 10_000,
        onLine: () => {},
      }),
      (e: unknown) => e instanceof VmunitError && e.code === 'SPAWN_FAILED',
    );
  });
});
