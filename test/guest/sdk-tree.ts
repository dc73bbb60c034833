/**
 * Test helper (not a suite): builds the guest SDK's examples into a temporary kvm-unit-tests-style tree
 * (config.mak, x86/unittests.cfg, x86/*.flat) with `make -C guest-sdk O=…`, once per test file. Binaries
 * are built at test time, never committed. `sdkSkip` says why QEMU-backed tests must be skipped.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { qemuSkip } from '../requirements.js';

const SDK = fileURLToPath(new URL('../../guest-sdk/', import.meta.url));

/** false when everything is there, else the reason to skip (a failure with VMUNIT_REQUIRE=qemu). */
export const sdkSkip: string | false = qemuSkip(
  'qemu-system-x86_64',
  'make',
  'gcc',
  'objcopy',
  'gzip',
  'sha256sum',
);

/** Builds the SDK examples (x86_64, or `arch` i386) into `<dir>/sdk` and returns that tree's path. */
export function buildSdkTree(dir: string, arch: 'x86_64' | 'i386' = 'x86_64'): string {
  const out = join(dir, 'sdk');
  const r = spawnSync('make', ['-C', SDK, '-j2', `ARCH=${arch}`, `O=${out}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `make -C guest-sdk failed:\n${r.stdout}\n${r.stderr}`);
  return out;
}

/**
 * A second tree beside the SDK one: the same config.mak and binaries, with our own unittests.cfg (so a test
 * can add entries such as a guest that never finishes).
 */
export function customTree(sdk: string, dir: string, cfg: string): string {
  const tree = join(dir, 'custom');
  mkdirSync(join(tree, 'x86'), { recursive: true });
  writeFileSync(join(tree, 'config.mak'), readFileSync(join(sdk, 'config.mak')));
  cpSync(join(sdk, 'x86'), join(tree, 'x86'), { recursive: true });
  writeFileSync(join(tree, 'x86', 'unittests.cfg'), cfg);
  return tree;
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `vmunit-${prefix}-`));
}

/** unittests.cfg entries for the migration and panic harnesses on the SDK's examples (x86_64). */
export const QMP_GROUP_CFG = `
[migrate]
file = migrate.flat
groups = migration

[never_asks]
file = hello.flat
groups = migration

[pvpanic]
file = pvpanic.flat
qemu_params = -device pvpanic
groups = panic

[no_panic_device]
file = pvpanic.flat
groups = panic
`;
