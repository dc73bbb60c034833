/**
 * Test helper (not a suite): one architecture's guest-SDK examples built into a temporary tree, and
 * `vmunit run` on it through bin/vmunit.js under TCG, as a user runs it.
 */

import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/vmunit.js');

export interface ArchTree {
  /** The temporary folder (the tree and anything a test writes beside it); removed by remove(). */
  readonly dir: string;
  /** The kvm-unit-tests-style tree `make ARCH=<arch> O=` wrote. */
  readonly tree: string;
  remove(): void;
}

/** Builds the SDK's examples for `arch` (make ARCH=<arch>) into a fresh temporary tree. */
export function buildArchTree(arch: string): ArchTree {
  const dir = mkdtempSync(join(tmpdir(), `vmunit-sdk-${arch}-`));
  const tree = join(dir, 'tree');
  const r = spawnSync('make', ['-C', join(ROOT, 'guest-sdk'), '-j2', `ARCH=${arch}`, `O=${tree}`], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return { dir, tree, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `vmunit run -C tree ARGS` under TCG, without colour. */
export function vmunitRun(tree: string, args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, 'run', '-C', tree, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ACCEL: 'tcg', NO_COLOR: '1' },
  });
}

/**
 * Hooks on the enclosing describe(): before() builds `arch`'s tree, after() removes it. The returned
 * getter gives the tree to the suite's tests.
 */
export function archTreeHooks(arch: string): () => ArchTree {
  let built: ArchTree | undefined;
  before(() => {
    built = buildArchTree(arch);
  });
  after(() => built?.remove());
  return () => {
    assert.ok(built !== undefined, 'the tree is built in before()');
    return built;
  };
}

/** A negative example: its cfg name and the source file (without .c) its STACK: line must name. */
export interface Negative {
  readonly name: string;
  readonly file?: string;
}

/**
 * Runs negative examples (the expected-fail group) with a KTAP report beside the tree; checks that each one
 * FAILs, on stdout, in the totals and in the report, with a STACK: line resolved into its source file in
 * the report's failure detail. Returns each example's log.
 */
export function runNegative(built: ArchTree, negatives: readonly Negative[]): ReadonlyMap<string, string> {
  const ktap = join(built.dir, 'negative.ktap');
  const names = negatives.map((n) => n.name);
  const r = vmunitRun(built.tree, ['-g', 'expected-fail', '--format', 'ktap', '--output', ktap, ...names]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.equal(r.stdout, names.map((n) => `FAIL ${n} \n`).join(''));
  assert.match(r.stderr, new RegExp(`${names.length} tests \\(${names.length} failed\\)`));
  const report = readFileSync(ktap, 'utf8');
  const logs = new Map<string, string>();
  negatives.forEach((n, i) => {
    assert.match(report, new RegExp(`^not ok ${i + 1} ${n.name}$`, 'm'));
    assert.match(report, new RegExp(`# STACK: @[0-9a-f]+.* at \\S*${n.file ?? n.name}\\.c:\\d+`));
    const log = readFileSync(join(built.tree, 'logs', `${n.name}.log`), 'utf8');
    assert.match(log, /^\tSTACK: @[0-9a-f]+/m, n.name);
    logs.set(n.name, log);
  });
  return logs;
}
