/**
 * `vmunit install`: kvm-unit-tests' `make install` for vmunit. Writes the standalone scripts to
 * `PREFIX/share/vmunit/tests/` and a manifest, `PREFIX/share/vmunit/tests.json`, that a lab can read
 * without running anything. The manifest sits beside the folder, not in it, so that `tests/*` (what
 * `avocado run` and shell loops glob) holds only runnable tests.
 */

import { rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import type { FirmwareRequest } from './qemu/firmware.js';
import { type StandaloneEntry, writeStandaloneTests } from './standalone/build.js';

/** Folder under the prefix. */
export const INSTALL_DIR = join('share', 'vmunit');

export interface InstallOptions {
  readonly prefix: string;
  readonly treeDir: string;
  readonly names: readonly string[];
  readonly allowMissing: boolean;
  readonly generator: string;
  /** `--firmware`/`VMUNIT_FIRMWARE` (x86), as for `vmunit standalone`. */
  readonly firmware?: FirmwareRequest;
}

/** tests.json. `file` is relative to the manifest's folder. Bump `version` on incompatible changes. */
export interface TestsManifest {
  readonly format: 'vmunit-standalone-tests';
  readonly version: 1;
  readonly generator: string;
  /** config.mak ARCH of the tree the tests were built from. */
  readonly arch: string;
  /** Exit statuses: what each means, so a lab need not read the docs. */
  readonly statuses: Readonly<Record<string, string>>;
  readonly tests: readonly (StandaloneEntry & { readonly path: string })[];
}

/** The status contract of every standalone script (see docs/avocado.md). */
export const STATUS_MEANINGS: Readonly<Record<string, string>> = {
  '0': 'PASS',
  '2': 'SKIP (decided before running: nodefault refused, arch/machine/accel/check/disabled_if, no binary)',
  '77': 'SKIP (guest skipped everything, or QEMU cannot run the test here)',
  '124': 'FAIL (timeout)',
  '126': 'FAIL (embedded guest binary corrupt; not run)',
  other: 'FAIL',
};

/** Builds the manifest from the written entries. Pure. */
export function renderManifest(entries: readonly StandaloneEntry[], generator: string): TestsManifest {
  return {
    format: 'vmunit-standalone-tests',
    version: 1,
    generator,
    arch: entries[0]?.treeArch ?? '',
    statuses: STATUS_MEANINGS,
    tests: entries.map((e) => ({ ...e, path: `tests/${e.file}` })),
  };
}

/** Installs; returns the tests folder and manifest path. */
export async function installTests(
  o: InstallOptions,
): Promise<{ dir: string; manifest: string; entries: StandaloneEntry[] }> {
  const root = resolve(o.prefix, INSTALL_DIR);
  const dir = join(root, 'tests');
  const entries = await writeStandaloneTests({
    treeDir: o.treeDir,
    names: o.names,
    outDir: dir,
    allowMissing: o.allowMissing,
    generator: o.generator,
    ...(o.firmware ? { firmware: o.firmware } : {}),
  });
  const manifest = join(root, 'tests.json');
  const tmp = `${manifest}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, `${JSON.stringify(renderManifest(entries, o.generator), null, 2)}\n`);
    await rename(tmp, manifest);
  } catch (cause) {
    throw new VmunitError('OUTPUT_UNWRITABLE', `cannot write ${manifest}`, { cause });
  }
  return { dir, manifest, entries };
}
