/**
 * Pure builders of every command line the kernel tool runs: `make olddefconfig`, `make all`, the kernel
 * arguments and the UML / QEMU boot argv. Arguments are argv arrays, never shell strings; `quoteArg` only
 * renders them for the `$ …` echo lines kunit.py prints.
 */

import { join } from 'node:path';
import type { KunitArchProfile, KunitQemuProfile } from './arch-profiles.js';

/** What both make invocations need. */
export interface MakeTarget {
  readonly linuxArch: string;
  readonly buildDir: string;
  readonly crossCompile: string | undefined;
  readonly makeOptions: readonly string[];
}

/** A program and its arguments. */
export interface Argv {
  readonly file: string;
  readonly args: readonly string[];
}

/** `make ARCH=<a> O=<bd> olddefconfig [CROSS_COMPILE=<p>] [make_options…]` (kunit.py's order). */
export function olddefconfigArgv(t: MakeTarget): Argv {
  const args = [`ARCH=${t.linuxArch}`, `O=${t.buildDir}`, 'olddefconfig'];
  if (t.crossCompile) args.push(`CROSS_COMPILE=${t.crossCompile}`);
  args.push(...t.makeOptions);
  return { file: 'make', args };
}

/**
 * `make all compile_commands.json ARCH=<a> O=<bd> --jobs=N [make_options…] [CROSS_COMPILE=<p>]` — kunit.py
 * 6.12 puts the make options before CROSS_COMPILE here, after it for olddefconfig.
 */
export function buildArgv(t: MakeTarget, jobs: number): Argv {
  const args = ['all', 'compile_commands.json', `ARCH=${t.linuxArch}`, `O=${t.buildDir}`, `--jobs=${jobs}`];
  args.push(...t.makeOptions);
  if (t.crossCompile) args.push(`CROSS_COMPILE=${t.crossCompile}`);
  return { file: 'make', args };
}

/** The test-selection part of a boot. */
export interface KernelArgsInput {
  readonly kernelArgs: readonly string[];
  readonly filterGlob: string;
  readonly filter: string;
  readonly filterAction: string | undefined;
}

/**
 * The kernel arguments of one boot: user `--kernel_args` first, then the KUnit filters, then
 * `kunit.enable=1` (kunit_kernel.run_kernel). A fresh array every call, so repeated boots never
 * accumulate arguments (a bug of older kunit.py versions).
 */
export function kernelArgs(input: KernelArgsInput): string[] {
  const args = [...input.kernelArgs];
  if (input.filterGlob) args.push(`kunit.filter_glob=${input.filterGlob}`);
  if (input.filter) args.push(`kunit.filter="${input.filter}"`);
  if (input.filterAction) args.push(`kunit.filter_action=${input.filterAction}`);
  args.push('kunit.enable=1');
  return args;
}

/** Arguments UML always gets after the test arguments. */
export const UML_FIXED_ARGS: readonly string[] = ['mem=1G', 'console=tty', 'kunit_shutdown=halt'];

/** `<bd>/linux <args> mem=1G console=tty kunit_shutdown=halt`. */
export function umlBootArgv(buildDir: string, args: readonly string[]): Argv {
  return { file: join(buildDir, 'linux'), args: [...args, ...UML_FIXED_ARGS] };
}

/**
 * `qemu-system-<arch> -nodefaults -m 1024 -kernel <bd>/<image> -append '<args> <cmdline> kunit_shutdown=reboot'
 * -no-reboot -nographic -serial <serial> <extra params> <--qemu_args>`.
 */
export function qemuBootArgv(
  profile: KunitQemuProfile,
  buildDir: string,
  args: readonly string[],
  extraQemuArgs: readonly string[],
): Argv {
  const append = [...args, `${profile.kernelCommandLine} kunit_shutdown=reboot`].join(' ');
  return {
    file: `qemu-system-${profile.qemuArch}`,
    args: [
      '-nodefaults',
      '-m',
      '1024',
      '-kernel',
      join(buildDir, profile.kernelPath),
      '-append',
      append,
      '-no-reboot',
      '-nographic',
      '-serial',
      profile.serial,
      ...profile.extraQemuParams,
      ...extraQemuArgs,
    ],
  };
}

/** The boot argv for any profile. */
export function bootArgv(
  profile: KunitArchProfile,
  buildDir: string,
  args: readonly string[],
  extraQemuArgs: readonly string[],
): Argv {
  return profile.kind === 'uml'
    ? umlBootArgv(buildDir, args)
    : qemuBootArgv(profile, buildDir, args, extraQemuArgs);
}

const SAFE = /^[\w@%+=:,./-]+$/;

/** POSIX-shell quoting of one word, as Python's shlex.quote renders it (for display only). */
export function quoteArg(arg: string): string {
  if (arg === '') return "''";
  if (SAFE.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'"'"'`)}'`;
}

/** Echo line of a boot as kunit.py prints it (UML: binary unquoted, QEMU: every word quoted). */
export function formatBootCommand(profile: KunitArchProfile, argv: Argv): string {
  const quotedArgs = argv.args.map(quoteArg).join(' ');
  return profile.kind === 'uml' ? `${argv.file} ${quotedArgs}` : `${quoteArg(argv.file)} ${quotedArgs}`;
}

/** Echo line of a make command (kunit.py joins with spaces, no quoting). */
export function formatMakeCommand(argv: Argv): string {
  return [argv.file, ...argv.args].join(' ');
}

/**
 * Splits a `--qemu_args` value into words like Python's shlex.split (POSIX mode): whitespace separates,
 * single quotes are literal, double quotes allow `\"` and `\\`, a backslash escapes outside quotes.
 */
export function shellSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text.charAt(++i);
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === "'" || c === '"') quote = c;
      else if (c === '\\' && i + 1 < text.length) word += text.charAt(++i);
      else word += c;
    }
  }
  if (quote) throw new SyntaxError(`No closing quotation in: ${text}`);
  if (inWord) words.push(word);
  return words;
}
