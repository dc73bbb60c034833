import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { type ChildLike, type SpawnFn, supervise } from '../../src/guest/supervise.js';

/** A fake QEMU: records signals; `obeys` says which signals make it exit. */
class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly pid = 4242;
  readonly signals: string[] = [];
  constructor(readonly obeys: readonly string[]) {
    super();
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    if (this.obeys.includes(signal))
      this.exit(signal === 'SIGTERM' ? 0 : null, signal === 'SIGTERM' ? null : signal);
    return true;
  }
  exit(code: number | null, signal: NodeJS.Signals | null): void {
    setImmediate(() => {
      this.stdout.end();
      this.stderr.end();
      this.emit('exit', code, signal);
      this.emit('close');
    });
  }
}

function fake(child: FakeChild): { spawn: SpawnFn; argv: string[] } {
  const record: { argv: string[] } = { argv: [] };
  const spawn: SpawnFn = (file, args) => {
    record.argv = [file, ...args];
    return child as unknown as ChildLike;
  };
  return { spawn, argv: record.argv };
}

describe('supervise', () => {
  it('streams lines from both pipes and reports the exit code', async () => {
    const child = new FakeChild([]);
    const lines: string[] = [];
    const p = supervise({
      argv: ['qemu', '-kernel', 'k'],
      timeoutMs: 0,
      graceMs: 100,
      spawn: fake(child).spawn,
      onLine: (s, l) => lines.push(`${s}:${l}`),
    });
    child.stdout.write('PASS: a\r\nSUMM');
    child.stdout.write('ARY: 1 tests\r\n');
    child.stderr.write('warning: x\n');
    child.exit(1, null);
    const end = await p;
    assert.equal(end.code, 1);
    assert.equal(end.timedOut, false);
    assert.deepEqual(lines.sort(), ['stderr:warning: x', 'stdout:PASS: a', 'stdout:SUMMARY: 1 tests']);
  });

  it('timeout: SIGTERM at the deadline, exits → timedOut without KILL', async () => {
    const child = new FakeChild(['SIGTERM', 'SIGKILL']);
    const end = await supervise({
      argv: ['q'],
      timeoutMs: 30,
      graceMs: 1000,
      spawn: fake(child).spawn,
      onLine: () => {},
    });
    assert.deepEqual(child.signals, ['SIGTERM']);
    assert.equal(end.timedOut, true);
    assert.equal(end.killed, false);
  });

  it('timeout: a process that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const child = new FakeChild(['SIGKILL']);
    const t0 = performance.now();
    const end = await supervise({
      argv: ['q'],
      timeoutMs: 20,
      graceMs: 50,
      spawn: fake(child).spawn,
      onLine: () => {},
    });
    assert.deepEqual(child.signals, ['SIGTERM', 'SIGKILL']);
    assert.equal(end.timedOut, true);
    assert.equal(end.killed, true);
    assert.equal(end.signal, 'SIGKILL');
    assert.ok(performance.now() - t0 >= 65);
  });

  it('abort (Ctrl-C) takes the same TERM → KILL path and is reported as aborted', async () => {
    const child = new FakeChild(['SIGKILL']);
    const controller = new AbortController();
    const p = supervise({
      argv: ['q'],
      timeoutMs: 0,
      graceMs: 30,
      signal: controller.signal,
      spawn: fake(child).spawn,
      onLine: () => {},
    });
    setTimeout(() => controller.abort(), 10);
    const end = await p;
    assert.equal(end.aborted, true);
    assert.equal(end.timedOut, false);
    assert.deepEqual(child.signals, ['SIGTERM', 'SIGKILL']);
  });

  it('keeps the child in the live set from spawn to exit', async () => {
    const child = new FakeChild([]);
    const live = new Set<ChildLike>();
    const p = supervise({
      argv: ['q'],
      timeoutMs: 0,
      graceMs: 10,
      live,
      spawn: fake(child).spawn,
      onLine: () => {},
    });
    assert.equal(live.size, 1);
    child.exit(1, null);
    await p;
    assert.equal(live.size, 0);
  });

  it('a spawn failure resolves with spawnError (never rejects)', async () => {
    const end = await supervise({
      argv: ['/nonexistent/qemu-system-x86_64'],
      timeoutMs: 0,
      graceMs: 10,
      onLine: () => {},
    });
    assert.ok(end.spawnError instanceof Error);
  });

  it('a console that comes a byte at a time gives the same lines, in order, the last one at exit', async () => {
    const child = new FakeChild([]);
    const lines: string[] = [];
    const p = supervise({
      argv: ['qemu'],
      timeoutMs: 0,
      graceMs: 100,
      spawn: fake(child).spawn,
      onLine: (s, l) => lines.push(`${s}:${l}`),
    });
    // A two-byte character split across chunks, CRLF and a lone CR, and a last line without its end.
    const bytes = Buffer.from('héllo\r\nPASS: a\rSUMMARY: 1 tests\r\nno end');
    for (const byte of bytes) {
      child.stdout.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    const seen = lines.length;
    child.exit(0, null);
    await p;
    assert.equal(seen, 3, 'each line as soon as its end came');
    assert.deepEqual(lines, ['stdout:héllo', 'stdout:PASS: a', 'stdout:SUMMARY: 1 tests', 'stdout:no end']);
  });

  it('a real process that floods without newlines is cut into bounded lines', async () => {
    let longest = 0;
    let total = 0;
    const end = await supervise({
      argv: [process.execPath, '-e', "process.stdout.write('x'.repeat(3_000_000))"],
      timeoutMs: 10_000,
      graceMs: 100,
      maxLineBytes: 64 * 1024,
      onLine: (_s, l) => {
        longest = Math.max(longest, l.length);
        total += l.length;
      },
    });
    assert.equal(end.code, 0);
    assert.equal(total, 3_000_000);
    assert.ok(longest <= 64 * 1024);
  });
});
