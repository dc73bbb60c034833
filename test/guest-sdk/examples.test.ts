/**
 * Builds the guest SDK (KTAP and LEGACY=1 binaries, into a temporary O= tree) for each architecture and boots
 * every example under QEMU with kvm-unit-tests' command line for that arch (TCG), checking for each one:
 *  - the exit status, decoded as kvm-unit-tests does ((code << 1) | 1 from isa-debug-exit on x86_64, from
 *    chr-testdev on arm64);
 *  - the result lines against the EXPECT lines in the example's own header comment, in both formats;
 *  - the KTAP framing (version line first, no plan: the count is unknown up front) and the SUMMARY line, byte-compatible with
 *    kvm-unit-tests' report_summary().
 * An arch is skipped when its QEMU or compiler is not installed.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { splitPlainWords } from '../../src/guest/cfg/expand.js';
import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import { LineSplitter } from '../../src/util/lines.js';
import { qemuSkip } from '../requirements.js';
import { expectationOf, HARNESS_GROUPS, readExpectation, SDK, sourceName } from './expectations.js';

const BOOT_TIMEOUT_MS = 60_000;

/** One guest architecture of the SDK: how to build it and kvm-unit-tests' QEMU command line for it. */
interface SdkArchCase {
  readonly arch: string;
  readonly testDir: string;
  readonly cfg: string;
  readonly qemu: string;
  readonly compiler: string;
  /** Lines the arch's exit path prints after the test's own output (arm64: "", "EXIT: STATUS=n"). */
  readonly trailer: (status: number) => readonly string[];
  readonly argv: (kernel: string, smp: string) => string[];
}

// x86/run (harness doc §3.5), with TCG; the same for both x86 modes.
const x86Argv = (kernel: string, smp: string): string[] => [
  ...['-nodefaults', '-device', 'pc-testdev', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x4'],
  ...['-vnc', 'none', '-serial', 'stdio', '-device', 'pci-testdev', '-machine', 'accel=tcg'],
  ...['-kernel', kernel, '-smp', smp],
];

const ARCHES: readonly SdkArchCase[] = [
  {
    arch: 'x86_64',
    testDir: 'x86',
    cfg: 'unittests.cfg',
    qemu: 'qemu-system-x86_64',
    compiler: 'gcc',
    trailer: () => [],
    argv: x86Argv,
  },
  {
    arch: 'i386',
    testDir: 'x86',
    cfg: 'unittests.i386.cfg',
    qemu: 'qemu-system-i386',
    compiler: 'gcc',
    trailer: () => [],
    argv: x86Argv,
  },
  {
    arch: 'arm64',
    testDir: 'arm',
    cfg: 'unittests.arm64.cfg',
    qemu: 'qemu-system-aarch64',
    compiler: 'aarch64-linux-gnu-gcc',
    trailer: (status) => ['', `EXIT: STATUS=${status}`],
    // arm/run on an x86 host (harness doc §3.5): TCG, chr-testdev on a virtio console.
    argv: (kernel, smp) => [
      ...['-nodefaults', '-machine', 'virt', '-accel', 'tcg', '-cpu', 'max'],
      ...[
        '-device',
        'virtio-serial-device',
        '-device',
        'virtconsole,chardev=ctd',
        '-chardev',
        'testdev,id=ctd',
      ],
      ...['-device', 'pci-testdev', '-display', 'none', '-serial', 'stdio', '-kernel', kernel, '-smp', smp],
    ],
  },
];

interface Boot {
  readonly status: number;
  readonly lines: readonly string[];
  readonly ms: number;
}

function boot(qemu: string, argv: readonly string[]): Promise<Boot> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(qemu, [...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
    const splitter = new LineSplitter();
    const lines: string[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), BOOT_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => lines.push(...splitter.push(chunk)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      lines.push(...splitter.end());
      if (code === null) reject(new Error(`${qemu} ended by ${signal}`));
      else resolve({ status: code, lines, ms: performance.now() - started });
    });
  });
}

const RESULT = /^(ok|not ok) \d+ /;
const LEGACY_RESULT = /^(PASS|FAIL|SKIP|XFAIL|XPASS|KFAIL): /;

/** kvm-unit-tests' spelling of a KTAP result line written by our report.c. */
function legacyLine(ktap: string): string {
  const m = /^(ok|not ok) \d+ (.*?)( # (SKIP|XFAIL known failure|XFAIL|XPASS))?$/.exec(ktap);
  assert.ok(m !== null, `not a result line: ${ktap}`);
  const name = m[2] ?? '';
  const directive = m[4];
  if (directive === 'SKIP') return `SKIP: ${name}`;
  if (directive === 'XFAIL known failure') return `KFAIL: ${name}`;
  if (directive !== undefined) return `${directive}: ${name}`;
  return `${m[1] === 'ok' ? 'PASS' : 'FAIL'}: ${name}`;
}

/** report_summary()'s line for these results, as kvm-unit-tests prints it. */
function summaryLine(results: readonly string[]): string {
  const count = (re: RegExp): number => results.filter((r) => re.test(r)).length;
  const parts = [`SUMMARY: ${results.length} tests`];
  const failures = count(/^not ok /);
  const known = count(/ # XFAIL known failure$/);
  const expected = count(/ # XFAIL$/);
  const skipped = count(/ # SKIP$/);
  if (failures) parts.push(`${failures} unexpected failures`);
  if (known) parts.push(`${known} known failures`);
  if (expected) parts.push(`${expected} expected failures`);
  if (skipped) parts.push(`${skipped} skipped`);
  return parts.join(', ');
}

function make(args: readonly string[]): void {
  const r = spawnSync('make', ['-C', SDK, '-j2', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
}

function withArgs(argv: string[], testArgs: readonly string[]): string[] {
  return testArgs.length > 0 ? [...argv, '-append', testArgs.join(' ')] : argv;
}

/** The output without the arch's exit trailer, which must be there. */
function body(run: Boot, trailer: readonly string[]): readonly string[] {
  const cut = run.lines.length - trailer.length;
  assert.deepEqual(run.lines.slice(cut), trailer, 'exit trailer');
  return run.lines.slice(0, cut);
}

const sources = readdirSync(join(SDK, 'examples')).filter((f) => f.endsWith('.c'));

it('every examples/*.c is in a cfg and has EXPECT lines', () => {
  const named = new Set<string>();
  for (const a of ARCHES) {
    const text = readFileSync(join(SDK, 'examples', a.cfg), 'utf8');
    for (const spec of parseUnittestsCfg(text, a.cfg)) named.add(sourceName(spec.kernel));
  }
  assert.deepEqual(sources.map((f) => f.slice(0, -2)).sort(), [...named].sort());
  for (const f of sources) readExpectation(readFileSync(join(SDK, 'examples', f), 'utf8'), f);
});

for (const a of ARCHES) {
  const skip = qemuSkip(a.qemu, 'make', a.compiler);
  const cfgText = readFileSync(join(SDK, 'examples', a.cfg), 'utf8');
  const specs = parseUnittestsCfg(cfgText, `guest-sdk/examples/${a.cfg}`);

  describe(`guest SDK examples on ${a.arch} under QEMU (TCG)`, { skip }, () => {
    let out = '';
    const times: string[] = [];

    before(() => {
      out = mkdtempSync(join(tmpdir(), 'vmunit-sdk-'));
      make([`ARCH=${a.arch}`, `O=${join(out, 'ktap')}`]);
      make([`ARCH=${a.arch}`, 'LEGACY=1', `O=${join(out, 'legacy')}`]);
    });
    after(() => {
      if (out !== '') rmSync(out, { recursive: true, force: true });
      if (times.length > 0) console.log(`# ${a.arch} boot-to-exit under TCG: ${times.join(', ')}`);
    });

    it('writes a kvm-unit-tests-style config.mak and copies the cfg', () => {
      const config = readFileSync(join(out, 'ktap', 'config.mak'), 'utf8').split('\n');
      for (const key of [`ARCH=${a.arch}`, `TEST_DIR=${a.testDir}`, 'TARGET=qemu', 'VMUNIT_OUTPUT=ktap']) {
        assert.ok(config.includes(key), `config.mak lacks ${key}`);
      }
      assert.match(readFileSync(join(out, 'legacy', 'config.mak'), 'utf8'), /^VMUNIT_OUTPUT=legacy$/m);
      assert.equal(readFileSync(join(out, 'ktap', a.testDir, 'unittests.cfg'), 'utf8'), cfgText);
    });

    // Migration and panic guests need their harness (a QMP conversation): test/guest/qmp-groups.test.ts.
    for (const spec of specs.filter((s) => !s.groups.some((g) => HARNESS_GROUPS.has(g)))) {
      const expected = expectationOf(spec.kernel);
      const testArgs = splitPlainWords(spec.testArgs) ?? [];
      // The cfg's smp, as kvm-unit-tests' runner passes it (the examples use plain numbers).
      const smp = spec.smp === '' ? '1' : spec.smp;
      // qemu_params words (the examples use plain words, e.g. `-device edu`), before -append as x86/run puts them.
      const qemuParams = splitPlainWords(spec.qemuParams) ?? [];
      const crashed = expected.status === 127;
      const trailer = a.trailer(expected.status);

      it(`${spec.name}: KTAP output and exit status ${expected.status}`, async () => {
        const run = await boot(
          a.qemu,
          withArgs([...a.argv(join(out, 'ktap', a.testDir, spec.kernel), smp), ...qemuParams], testArgs),
        );
        times.push(`${spec.name} ${run.ms.toFixed(0)} ms`);
        assert.equal(run.status, expected.status, run.lines.join('\n'));
        const lines = body(run, trailer);
        assert.equal(lines[0], 'KTAP version 1');
        assert.deepEqual(
          lines.filter((l) => RESULT.test(l)),
          expected.results,
        );
        assert.ok(!lines.some((l) => /^1\.\.\d+$/.test(l)), 'no plan: the count is unknown up front');
        if (crashed) {
          assert.ok(lines.some((l) => /^# Unhandled exception .* at ip 0x([0-9a-f]{8}){1,2}$/.test(l)));
          assert.ok(!lines.some((l) => l.startsWith('# SUMMARY:')), 'an aborted test prints no summary');
        } else {
          assert.equal(lines.at(-1), `# ${summaryLine(expected.results)}`);
        }
      });

      it(`${spec.name}: legacy PASS:/FAIL:/SUMMARY: output and the same status`, async () => {
        const run = await boot(
          a.qemu,
          withArgs([...a.argv(join(out, 'legacy', a.testDir, spec.kernel), smp), ...qemuParams], testArgs),
        );
        assert.equal(run.status, expected.status, run.lines.join('\n'));
        const lines = body(run, trailer);
        assert.ok(!lines.some((l) => l.startsWith('KTAP') || RESULT.test(l)), 'no KTAP in a legacy build');
        assert.deepEqual(
          lines.filter((l) => LEGACY_RESULT.test(l)),
          expected.results.map(legacyLine),
        );
        if (!crashed) assert.equal(lines.at(-1), summaryLine(expected.results));
      });
    }
  });
}
