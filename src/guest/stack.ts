/**
 * `PRETTY_PRINT_STACKS=yes`: the guest's `STACK:` lines resolved to `function at file:line`, as
 * kvm-unit-tests' scripts/pretty_print_stacks.py writes them into the test's log. Addresses come from
 * lib/stack.c (hex; `@` marks an address that is not a return address, every other one is a return address
 * and is moved back one byte so the line is the call's). `addr2line -e <elf> -i -f --pretty --address`
 * runs on the `.elf` beside the `.flat` (`.efi.debug` beside an `.efi`), paths are made relative to the tree
 * and each resolved line is followed by its source line with one line of context.
 */

import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';

/** The addresses to ask addr2line about, or undefined when the line is not a `STACK:` line. Pure. */
export function stackAddresses(line: string): string[] | undefined {
  const text = line.trim();
  if (!text.startsWith('STACK:')) return undefined;
  return text
    .split(/\s+/)
    .slice(1)
    .map((word) => {
      if (word.startsWith('@')) return word.slice(1);
      const n = BigInt.asUintN(64, BigInt(`0x${word}`));
      return (n > 0n ? n - 1n : 0n).toString(16);
    });
}

/** The binary with symbols for a kernel as the cfg names it. Pure. */
export function symbolFile(kernel: string): string {
  if (kernel.endsWith('.flat')) return kernel.replace('.flat', '.elf');
  if (kernel.endsWith('.efi')) return `${kernel}.debug`;
  return kernel;
}

const RESOLVED = /^(.*) at (.*):(([0-9]+)|\?)([^:]*)$/;

/**
 * addr2line's output as the pretty printer prints it. `readSource` returns a file's lines (or undefined).
 * The first line that is not `X at FILE:LINE` is printed as is and ends the block, as upstream does.
 */
export async function formatResolved(
  output: string,
  treeDir: string,
  readSource: (path: string) => Promise<string[] | undefined>,
): Promise<string[]> {
  const out: string[] = [];
  for (const line of output.split('\n').filter((l) => l !== '')) {
    const m = RESOLVED.exec(line);
    if (m === null) {
      out.push(line);
      break;
    }
    const [, head = '', path = '', where = '', number, tail = ''] = m;
    const rel = relative(treeDir, resolve(treeDir, path));
    out.push(`${head} at ${rel}:${where}${tail}`);
    if (number === undefined) continue;
    const n = Number(number);
    const source = await readSource(resolve(treeDir, rel));
    if (source === undefined) continue;
    if (n > 1) out.push(`        ${(source[n - 2] ?? '').trimEnd()}`);
    out.push(`      > ${(source[n - 1] ?? '').trimEnd()}`);
    if (n < source.length) out.push(`        ${(source[n] ?? '').trimEnd()}`);
  }
  return out;
}

/** Resolves stacks of one test's kernel; addr2line failures give the STACK line back, as upstream. */
export class StackResolver {
  readonly #treeDir: string;
  readonly #binary: string;
  readonly #addr2line: string;
  readonly #sources = new Map<string, Promise<string[] | undefined>>();

  constructor(treeDir: string, kernel: string, addr2line: string) {
    this.#treeDir = treeDir;
    this.#binary = resolve(treeDir, symbolFile(kernel));
    this.#addr2line = addr2line === '' ? 'addr2line' : addr2line;
  }

  resolve(line: string): Promise<string[]> {
    const addrs = stackAddresses(line);
    if (addrs === undefined || addrs.length === 0) return Promise.resolve([]);
    const args = ['-e', this.#binary, '-i', '-f', '--pretty', '--address', ...addrs];
    return new Promise((done) => {
      execFile(this.#addr2line, args, { cwd: this.#treeDir }, (error, stdout) => {
        if (error) done([line]);
        else formatResolved(stdout, this.#treeDir, (p) => this.#source(p)).then(done, () => done([line]));
      });
    });
  }

  #source(path: string): Promise<string[] | undefined> {
    let lines = this.#sources.get(path);
    if (lines === undefined) {
      lines = readFile(path, 'utf8').then(
        (t) => t.split('\n'),
        () => undefined,
      );
      this.#sources.set(path, lines);
    }
    return lines;
  }
}

/**
 * Wraps a line sink (the test's log): after a `STACK:` line the resolved lines are written, and the lines
 * that arrive meanwhile wait, so the log reads as the pretty printer's output. `resolved` keeps every
 * resolved stack for the failure details.
 */
export class PrettyStacks {
  readonly #resolver: StackResolver;
  readonly #write: (line: string) => void;
  #chain: Promise<void> = Promise.resolve();
  #pending = 0;
  readonly resolved: string[] = [];

  constructor(resolver: StackResolver, write: (line: string) => void) {
    this.#resolver = resolver;
    this.#write = write;
  }

  line(text: string): void {
    if (this.#pending === 0 && stackAddresses(text) === undefined) {
      this.#write(text);
      return;
    }
    this.#pending++;
    const resolving = stackAddresses(text) === undefined ? undefined : this.#resolver.resolve(text);
    this.#chain = this.#chain.then(async () => {
      this.#write(text);
      if (resolving) {
        const lines = await resolving;
        for (const l of lines) this.#write(l);
        this.resolved.push([text.trim(), ...lines].join('\n'));
      }
      this.#pending--;
    });
  }

  /** Resolves once every line has been written. */
  flush(): Promise<void> {
    return this.#chain;
  }
}
