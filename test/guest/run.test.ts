import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import type { RunEvent } from '../../src/events/types.js';
import type { GuestTestSpec, ResolvedGuestTest } from '../../src/guest/cfg/spec.js';
import { prepareResultsDir } from '../../src/guest/logs.js';
import { ResultLinesReporter } from '../../src/guest/progress.js';
import { ARCH_PROFILES } from '../../src/guest/qemu/arch/index.js';
import { QemuProber } from '../../src/guest/qemu/probe.js';
import { type GuestRunOptions, type GuestSelection, runGuestTests } from '../../src/guest/run.js';
import type { ChildLike, SpawnFn } from '../../src/guest/supervise.js';
import { sink } from './e2e-helpers.js';
import { guestSpec } from './spec-helpers.js';

/** One-argument form, for `names.map(spec)`. */
const spec = (name: string): GuestTestSpec => guestSpec(name);

function resolved(s: GuestTestSpec, accelRequested = ''): ResolvedGuestTest {
  return {
    spec: s,
    kernelPath: `/t/x86/${s.kernel}`,
    kernel: `x86/${s.kernel}`,
    smp: 1,
    smpArgs: ['1'],
    testArgs: [],
    qemuParams: [],
    vmmArgs: ['-smp', '1'],
    target: 'qemu',
    accel: '',
    accelProps: '',
    accelRequested,
    machine: '',
    timeoutMs: 0,
    timeoutText: '90s',
  };
}

/** Fake QEMU: prints the lines given for its kernel and exits with the code, or hangs until killed. */
class FakeQemu extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly signals: string[] = [];
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    // QEMU on SIGTERM: prints its message and exits 0.
    this.stderr.write('qemu-system-x86_64: terminating on signal 15 from pid 1 (vmunit)\n');
    this.end(0);
    return true;
  }
  end(code: number): void {
    setImmediate(() => {
      this.stdout.end();
      this.stderr.end();
      this.emit('exit', code, null);
      this.emit('close');
    });
  }
}

const QEMU_HELP = 'QEMU emulator version 7.2.22 (Debian)\n';

function options(over: Partial<GuestRunOptions> & Pick<GuestRunOptions, 'specs' | 'select' | 'spawn'>): {
  o: GuestRunOptions;
  events: RunEvent[];
  out: ReturnType<typeof sink>;
} {
  const events: RunEvent[] = [];
  const out = sink();
  const lines = new ResultLinesReporter({ out, live: false, color: false });
  const o: GuestRunOptions = {
    treeDir: '/t',
    profile: ARCH_PROFILES.x86_64,
    tree: {
      host: 'x86_64',
      target: '',
      targetCpu: '',
      defaultCpu: '',
      firmware: '',
      environDefault: false,
      errataPath: '',
      errataText: undefined,
      buildHead: '',
      runScript: './x86/run',
    },
    env: { QEMU: process.execPath, PATH: '' },
    jobs: 1,
    verbose: false,
    dryRun: false,
    resultsDir: undefined,
    previousDurations: new Map(),
    emit: (e) => {
      events.push(e);
      lines.onEvent(e);
    },
    print: (l) => lines.print(l),
    prober: new QemuProber(async (_f, args) => ({
      stdout: args[0] === '--help' ? `${QEMU_HELP}QEMU` : 'name "pc-testdev"\nname "pci-testdev"\n',
      stderr: '',
      code: 0,
    })),
    kvmDevice: false,
    kernelRelease: '6.1.0',
    graceMs: 50,
    ...over,
  };
  return { o, events, out };
}

describe('runGuestTests', () => {
  it('reports harness skips, accel refusals and guest verdicts with run_tests.sh lines', async () => {
    const specs = ['pass', 'skipped', 'needkvm', 'fails'].map(spec);
    const select = async (s: GuestTestSpec): Promise<GuestSelection> =>
      s.name === 'skipped'
        ? { kind: 'skip', reason: 'i386 only' }
        : { kind: 'run', test: resolved(s, s.name === 'needkvm' ? 'kvm' : '') };
    const spawn: SpawnFn = (_file, args) => {
      const q = new FakeQemu();
      const kernel = args[args.indexOf('-kernel') + 1];
      setImmediate(() => {
        if (kernel === 'x86/pass.flat') {
          q.stdout.write('PASS: ok\nSUMMARY: 1 tests\n');
          q.end(1);
        } else {
          q.stdout.write('FAIL: arith: 2 + 2 == 5\nSUMMARY: 1 tests, 1 unexpected failures\n');
          q.end(3);
        }
      });
      return q as unknown as ChildLike;
    };
    const { o, events, out } = options({ specs, select, spawn });
    const summary = await runGuestTests(o);
    assert.equal(
      out.text(),
      'PASS pass (1 tests)\nSKIP skipped (i386 only)\nSKIP needkvm (KVM is needed, but not available on this host)\n' +
        'FAIL fails (1 tests, 1 unexpected failures)\n',
    );
    assert.deepEqual(summary, { passed: 1, failed: 1, skipped: 2, interrupted: false });
    const failed = events.find((e) => e.type === 'test:result' && e.name === 'fails');
    assert.equal(
      failed?.type === 'test:result' ? failed.failures?.[0]?.message : '',
      'FAIL: arith: 2 + 2 == 5',
    );
    const check = events.find((e) => e.type === 'test:result' && e.name === 'arith: 2 + 2 == 5');
    assert.equal(check?.type === 'test:result' ? check.status : '', 'FAILURE');
    assert.equal(events.at(-1)?.type, 'run:end');
    assert.equal(o.prober.spawned, 2, 'QEMU probed once (--help, -device ?) for the whole run');
  });

  it('on abort: running QEMUs get SIGTERM, nothing new starts, results.json holds what finished', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'vmunit-run-')), 'logs');
    await prepareResultsDir(dir, '');
    const specs = ['quick', 'hang1', 'hang2', 'never'].map(spec);
    const select = async (s: GuestTestSpec): Promise<GuestSelection> => ({ kind: 'run', test: resolved(s) });
    const children: FakeQemu[] = [];
    const controller = new AbortController();
    const spawn: SpawnFn = (_file, args) => {
      const q = new FakeQemu();
      children.push(q);
      if (args.includes('x86/quick.flat')) {
        setImmediate(() => {
          q.stdout.write('SUMMARY: 1 tests\n');
          q.end(1);
        });
      } else if (children.length === 3) {
        setTimeout(() => controller.abort(), 20);
      }
      return q as unknown as ChildLike;
    };
    const { o, out } = options({ specs, select, spawn, jobs: 2, resultsDir: dir, signal: controller.signal });
    const summary = await runGuestTests(o);
    assert.equal(summary.interrupted, true);
    assert.equal(children.length, 3, "'never' was not started");
    assert.deepEqual(
      children.slice(1).map((c) => c.signals),
      [['SIGTERM'], ['SIGTERM']],
    );
    assert.match(out.text(), /FAIL hang1 \(terminated on SIGTERM\)/);
    const results = JSON.parse(await readFile(join(dir, 'results.json'), 'utf8'));
    assert.equal(results.complete, false);
    assert.deepEqual(results.tests.map((t: { name: string }) => t.name).sort(), ['hang1', 'hang2', 'quick']);
    assert.match(
      await readFile(join(dir, 'quick.log'), 'utf8'),
      /^\S*node .* -kernel x86\/quick\.flat -smp 1\nSUMMARY: 1 tests\n\n$/,
    );
  });

  for (const waitTimeouts of [false, true]) {
    it(`a KVM internal error ${waitTimeouts ? 'waits for the timeout with --wait-timeouts' : 'ends the test at once'}`, async () => {
      const kvmDeath = [
        'KVM internal error. Suberror: 1',
        'extra data[0]: 0x0000000000000000',
        'emulation failure',
        'RAX=0000000000000000 RBX=0000000000000000 RCX=0000000000000000 RDX=0000000000000000',
        'Code=00 00 <0f> 01 fd 00 00 00 00 00',
      ];
      const spawn: SpawnFn = () => {
        const q = new FakeQemu();
        // The VM is stopped: QEMU prints the dump and waits forever (until killed).
        setImmediate(() => q.stderr.write(`${kvmDeath.join('\n')}\n`));
        return q as unknown as ChildLike;
      };
      const test = { ...resolved(spec('rdpru')), timeoutMs: 1500, timeoutText: '1.5' };
      const { o, out, events } = options({
        specs: [spec('rdpru')],
        select: async () => ({ kind: 'run', test }),
        spawn,
        waitTimeouts,
      });
      const started = performance.now();
      await runGuestTests(o);
      const ms = performance.now() - started;
      if (waitTimeouts) {
        assert.equal(out.text(), 'FAIL rdpru (timeout; duration=1.5)\n');
        assert.ok(ms >= 1400, `waited for the timeout (${ms} ms)`);
      } else {
        assert.equal(out.text(), 'FAIL rdpru (KVM internal error: emulation failure)\n');
        assert.ok(ms < 1400, `ended before the timeout (${ms} ms)`);
        const result = events.find((e) => e.type === 'test:result' && e.name === 'rdpru');
        assert.ok(result?.type === 'test:result');
        assert.match(
          result.failures?.[0]?.message ?? '',
          /^KVM internal error: emulation failure\n.*RAX=.*\nCode=/s,
        );
      }
    });
  }

  it('with -j starts the longest previous tests first, and test:start index stays the cfg position', async () => {
    const specs = ['a', 'b', 'c'].map(spec);
    const started: string[] = [];
    const waiting: FakeQemu[] = [];
    // The first two QEMUs end only once both have started, so the third can only start after both: which
    // of the two concurrent lanes reaches spawn first depends on file-system timing and is not asserted.
    const spawn: SpawnFn = (_f, args) => {
      const q = new FakeQemu();
      started.push(args[args.indexOf('-kernel') + 1] ?? '');
      waiting.push(q);
      if (started.length >= 2) for (const w of waiting.splice(0)) setImmediate(() => w.end(1));
      return q as unknown as ChildLike;
    };
    const { o, events } = options({
      specs,
      select: async (s) => ({ kind: 'run', test: resolved(s) }),
      spawn,
      jobs: 2,
      previousDurations: new Map([
        ['a', 10],
        ['b', 30_000],
        ['c', 500],
      ]),
    });
    await runGuestTests(o);
    // In cfg order a would start first; longest-first makes it last.
    assert.deepEqual([...started.slice(0, 2)].sort(), ['x86/b.flat', 'x86/c.flat']);
    assert.equal(started[2], 'x86/a.flat');
    const starts = events.filter((e) => e.type === 'test:start' && e.depth === 1);
    const labels = starts.map((e) => (e.type === 'test:start' ? `${e.name}:${e.index}` : ''));
    assert.deepEqual([...labels.slice(0, 2)].sort(), ['b:2', 'c:3']);
    assert.equal(labels[2], 'a:1');
  });
});
