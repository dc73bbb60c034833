/**
 * Builds a throw-away kvm-unit-tests-like tree for end-to-end tests: config.mak, x86/unittests.cfg and
 * x86/*.flat assembled from test/fixtures/guests/*.S (never committed as binaries).
 */

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';

export const GUEST_SRC = resolve(import.meta.dirname, '../fixtures/guests');

/** Absolute path of qemu-system-x86_64 on PATH, or undefined (tests then skip). */
export function findQemu(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, 'qemu-system-x86_64');
    if (dir !== '' && existsSync(p)) return p;
  }
  return undefined;
}

/**
 * Assembles one guest into `<dir>/<out>.flat` (ELF32 with a multiboot header, as x86/*.flat), linked at
 * `at` (1 MiB by default; realmode.flat is linked at 0x8000).
 */
export function buildGuest(name: string, dir: string, at = '0x100000', out = name): void {
  const obj = join(dir, `${out}.o`);
  execFileSync('as', ['--32', '-I', GUEST_SRC, '-o', obj, join(GUEST_SRC, `${name}.S`)]);
  execFileSync('ld', ['-m', 'elf_i386', `-Ttext=${at}`, '-o', join(dir, `${out}.flat`), obj]);
}

export const CONFIG_MAK = [
  'HOST=x86_64',
  'ARCH=x86_64',
  'ARCH_NAME=x86_64',
  'TEST_DIR=x86',
  'TEST_SUBDIR=x86',
  'TARGET_CPU=',
  'DEFAULT_QEMU_CPU=',
  'FIRMWARE=',
  'ENVIRON_DEFAULT=yes',
  'ERRATATXT=',
  'CONFIG_EFI=',
  'GEN_SE_HEADER=',
  '',
].join('\n');

/** A tree with the given guests and cfg text; returns its directory. */
export async function makeTree(guests: readonly string[], cfg: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vmunit-tree-'));
  await mkdir(join(dir, 'x86'));
  for (const g of guests) buildGuest(g, join(dir, 'x86'));
  await writeFile(join(dir, 'config.mak'), CONFIG_MAK);
  await writeFile(join(dir, 'x86', 'unittests.cfg'), cfg);
  return dir;
}

/** A writable that collects what is written (stands in for stdout/stderr). */
export function sink(): NodeJS.WritableStream & { text: () => string; isTTY: boolean } {
  const chunks: string[] = [];
  const stream = {
    isTTY: false,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
      return true;
    },
    text: () => chunks.join(''),
  };
  return stream as unknown as NodeJS.WritableStream & { text: () => string; isTTY: boolean };
}

/** qboot.rom in qemu-system-x86_64's data folders (`-L help`), or undefined (Debian: qemu-system-data). */
export function findQboot(): string | undefined {
  return spawnSync('qemu-system-x86_64', ['-L', 'help'], { encoding: 'utf8' })
    .stdout?.split('\n')
    .map((d) => join(d.trim(), 'qboot.rom'))
    .find((f) => existsSync(f));
}

/**
 * A tree's cfg for the firmware choice (build `low.flat` beside it with `buildGuest('pass', x86, '0x9000',
 * 'low')`): one test qboot boots, one whose image loads over 0x9000, one that adds a device.
 */
export const FIRMWARE_CFG = `
[plain]
file = pass.flat

[lowimage]
file = low.flat

[device]
file = pass.flat
qemu_params = -device edu
`;
