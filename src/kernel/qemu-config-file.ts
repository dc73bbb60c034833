/**
 * `--qemu_config FILE`: a QEMU profile supplied by the user. kunit.py imports a Python module defining
 * `QEMU_ARCH = QemuArchParams(...)`; vmunit takes the same fields (same snake_case names) from a JSON file,
 * or from an ES module (.js/.mjs, or .ts when running under a TypeScript loader) exporting `QEMU_ARCH` or a
 * default export. The shape is validated with zod and errors name the file and the field.
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { VmunitError } from '../util/errors.js';
import type { KunitQemuProfile } from './arch-profiles.js';

/** kunit.py's QemuArchParams fields. */
export const qemuConfigSchema = z
  .object({
    linux_arch: z.string().min(1),
    kconfig: z.string(),
    qemu_arch: z.string().regex(/^[\w-]+$/, 'must be the suffix of a qemu-system-* binary'),
    kernel_path: z.string().min(1),
    kernel_command_line: z.string(),
    extra_qemu_params: z.array(z.string()),
    serial: z.string().min(1).default('stdio'),
  })
  .strict();

export type QemuConfigFile = z.infer<typeof qemuConfigSchema>;

/** Validates a parsed object and turns it into a profile; `source` names the file in errors. */
export function profileFromObject(value: unknown, source: string): KunitQemuProfile {
  const parsed = qemuConfigSchema.safeParse(value);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new VmunitError('CONFIG_INVALID', `invalid QEMU config: ${detail}`, { position: { file: source } });
  }
  const p = parsed.data;
  return {
    kind: 'qemu',
    linuxArch: p.linux_arch,
    kconfig: p.kconfig,
    qemuArch: p.qemu_arch,
    kernelPath: p.kernel_path,
    kernelCommandLine: p.kernel_command_line,
    extraQemuParams: p.extra_qemu_params,
    serial: p.serial,
  };
}

/** Loads `--qemu_config`. `path` must be absolute (the CLI resolves it against the kernel root). */
export async function loadQemuConfigFile(path: string): Promise<KunitQemuProfile> {
  const ext = extname(path);
  if (ext === '.json') {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (cause) {
      throw new VmunitError('INPUT_NOT_FOUND', `cannot read QEMU config ${path}`, { cause });
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new VmunitError('CONFIG_SYNTAX', `not valid JSON: ${(cause as Error).message}`, {
        cause,
        position: { file: path },
      });
    }
    return profileFromObject(value, path);
  }
  if (['.js', '.mjs', '.cjs', '.ts', '.mts'].includes(ext)) {
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (cause) {
      throw new VmunitError('CONFIG_INVALID', `cannot load QEMU config module ${path}`, { cause });
    }
    const value = mod.QEMU_ARCH ?? mod.default;
    if (value === undefined) {
      throw new VmunitError('CONFIG_INVALID', `qemu_config module missing "QEMU_ARCH": ${path}`);
    }
    return profileFromObject(value, path);
  }
  throw new VmunitError(
    'CONFIG_INVALID',
    `unsupported QEMU config file type "${ext}" (use .json, or a .js/.mjs/.ts module exporting QEMU_ARCH): ${path}`,
  );
}
