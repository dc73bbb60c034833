/**
 * The guest SDK's x86 examples under kvm-unit-tests' own standalone runner, `$KUT_DIR/x86/run` (ACCEL=tcg),
 * called as run_tests.sh calls it for a cfg entry (`x86/run KERNEL -smp N QEMU_PARAMS -append ARGS`, in the
 * kvm-unit-tests tree, which it sources config.mak from), against `node bin/vmunit.js run` on the same
 * binaries: both must give every example the verdict its EXPECT-STATUS line promises. x86/run's exit status
 * is run_tests.sh's verdict: 0 PASS, 77 SKIP, anything else FAIL. Skips with the reason unless KUT_DIR is
 * set (VMUNIT_REQUIRE=kut fails instead).
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { splitPlainWords } from '../../src/guest/cfg/expand.js';
import { parseUnittestsCfg } from '../../src/guest/cfg/parse.js';
import { buildSdkTree, sdkSkip, tempDir } from '../guest/sdk-tree.js';
import { kutTree } from '../requirements.js';
import { expectationOf, HARNESS_GROUPS, SDK } from './expectations.js';

type Verdict = 'PASS' | 'FAIL' | 'SKIP';

const BIN = resolve(import.meta.dirname, '../../bin/vmunit.js');
const kut = kutTree();
const skip = kut.skip || sdkSkip;
const specs = parseUnittestsCfg(
  readFileSync(join(SDK, 'examples', 'unittests.cfg'), 'utf8'),
  'guest-sdk/examples/unittests.cfg',
).filter((s) => !s.groups.some((g) => HARNESS_GROUPS.has(g)));

/** What run_tests.sh makes of an exit status (its run(): 0 PASS, 77 SKIP, else FAIL). */
function verdictOf(status: number): Verdict {
  return status === 0 ? 'PASS' : status === 77 ? 'SKIP' : 'FAIL';
}

/** The verdict an example promises: its guest exit status as x86/run passes it on (1 → 0). */
function promised(kernel: string): Verdict {
  const { status } = expectationOf(kernel);
  return verdictOf(status === 1 ? 0 : status);
}

/** One cfg entry through $KUT_DIR/x86/run; resolves to its exit status. */
function kutRun(kutDir: string, tree: string, spec: (typeof specs)[number]): Promise<number> {
  const args = [
    join(kutDir, 'x86', 'run'),
    join(tree, 'x86', spec.kernel),
    ...['-smp', spec.smp === '' ? '1' : spec.smp],
    ...(splitPlainWords(spec.qemuParams) ?? []),
    ...(spec.testArgs === '' ? [] : ['-append', (splitPlainWords(spec.testArgs) ?? []).join(' ')]),
  ];
  return new Promise((done, fail) => {
    const child = spawn('bash', args, {
      cwd: kutDir,
      env: { ...process.env, ACCEL: 'tcg', TIMEOUT: '90s' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('error', fail);
    child.on('close', (code, signal) =>
      code === null ? fail(new Error(`x86/run ${spec.name}: ${signal}\n${stderr}`)) : done(code),
    );
  });
}

/** Runs `jobs` two at a time (the machine's cores), keeping their order. */
async function pool<T>(jobs: readonly (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < jobs.length; i = next++) out[i] = await (jobs[i] as () => Promise<T>)();
  };
  await Promise.all([worker(), worker()]);
  return out;
}

describe("guest SDK examples under kvm-unit-tests' x86/run and vmunit run", { skip }, () => {
  let dir = '';
  let tree = '';
  before(() => {
    dir = tempDir('kut-runner');
    tree = buildSdkTree(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('give every example the verdict it promises', async () => {
    const kutDir = kut.dir as string;
    const statuses = await pool(specs.map((s) => () => kutRun(kutDir, tree, s)));
    const byKut = Object.fromEntries(specs.map((s, i) => [s.name, verdictOf(statuses[i] ?? -1)]));

    const r = spawnSync(
      process.execPath,
      [BIN, 'run', '-C', tree, '-a', '-j', '2', ...specs.map((s) => s.name)],
      { env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' }, encoding: 'utf8' },
    );
    assert.equal(r.status, 1, `the expected-fail examples fail the run\n${r.stderr}`);
    const byVmunit: Record<string, string> = {};
    for (const m of r.stdout.matchAll(/^(PASS|FAIL|SKIP) (\S+)/gm)) byVmunit[m[2] ?? ''] = m[1] ?? '';

    const promises = Object.fromEntries(specs.map((s) => [s.name, promised(s.kernel)]));
    assert.deepEqual(byKut, promises, 'x86/run');
    assert.deepEqual(byVmunit, promises, 'vmunit run');
    // Not a vacuous match: the examples cover all three verdicts.
    assert.deepEqual(new Set(Object.values(promises)), new Set(['PASS', 'FAIL', 'SKIP']));
  });
});
