/**
 * `vmunit parse [FILE|-]`: a drop-in for `kunit.py parse`. Reads a kernel log (a file, or stdin when FILE is
 * absent or `-`) as kunit.py does (invalid UTF-8 as `\xNN`, Python line boundaries), streams it through the
 * KTAP parser into the kunit.py-style console, and exits 0 only when the run's status is SUCCESS (so an
 * all-skipped run exits 1, as kunit.py parse does). `--raw_output` prints the input (or its KTAP part)
 * instead and exits 0. Beyond kunit.py: `--junit`, `--ktap` (normalised KTAP), `--summary`,
 * `--all-blocks`; colour only on a TTY without NO_COLOR.
 */

import { once } from 'node:events';
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { RunEvent } from '../../events/types.js';
import { KtapExtractor } from '../../ktap/extract.js';
import { KtapParser } from '../../ktap/parser.js';
import { pyRstrip } from '../../ktap/py-text.js';
import { ConsoleReporter } from '../../reporters/console.js';
import { Printer } from '../../reporters/printer.js';
import type { Reporter } from '../../reporters/types.js';
import { VmunitError } from '../../util/errors.js';
import { LineSplitter } from '../../util/lines.js';
import type { CliContext } from '../context.js';
import { addKunitParseOptions } from './kunit-options.js';

export interface ParseOptions {
  readonly rawOutput?: string;
  readonly json?: string;
  readonly junit?: string;
  readonly ktap?: string;
  readonly summary?: boolean;
  readonly allBlocks?: boolean;
}

/** kunit.py's massage_argv: a bare `--json` means stdout (so a following word stays the input file). */
const BARE_DEFAULTS: Readonly<Record<string, string>> = {
  '--json': '--json=stdout',
  '--junit': '--junit=stdout',
  '--ktap': '--ktap=stdout',
  '--raw_output': '--raw_output=kunit',
};

export function massageParseArgv(args: readonly string[]): string[] {
  return args.map((a) => BARE_DEFAULTS[a] ?? a);
}

function openInput(ctx: CliContext, file: string | undefined, baseDir: string): AsyncIterable<Buffer> {
  if (file === undefined || file === '-') return ctx.stdin as AsyncIterable<Buffer>;
  const path = resolve(baseDir, file);
  try {
    if (statSync(path).isDirectory()) throw new Error('is a directory');
  } catch (cause) {
    const why =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new VmunitError('INPUT_NOT_FOUND', `cannot read ${file}: ${why}`, { cause });
  }
  return createReadStream(path);
}

/**
 * The input as batches of lines (one batch per chunk read), decoded as kunit.py reads it: a file is read
 * whole and split with str.splitlines(); stdin is read with universal newlines. Batches, not single lines,
 * keep the per-line cost synchronous on big logs. `vmunit kunit parse` reads its input here too (FILE
 * relative to its kernel root).
 */
export async function* inputBatches(
  ctx: CliContext,
  file: string | undefined,
  baseDir: string = ctx.cwd,
): AsyncGenerator<string[]> {
  const fromFile = file !== undefined && file !== '-';
  const splitter = new LineSplitter(undefined, {
    invalidUtf8: 'backslash',
    breaks: fromFile ? 'splitlines' : 'universal',
  });
  for await (const chunk of openInput(ctx, file, baseDir)) yield splitter.push(chunk);
  yield splitter.end();
}

/** Output collected in memory and written once per input batch: one write per chunk, not per line. */
class BatchedWriter {
  /** Appended to, not joined from parts: V8 concatenates small strings without copying until the write. */
  #text = '';
  readonly #out: NodeJS.WritableStream;

  constructor(out: NodeJS.WritableStream) {
    this.#out = out;
  }

  write = (text: string): void => {
    this.#text += text;
    // Keep each write well under V8's large-object size: large strings go straight to the old
    // generation and would pile up there until a full GC, inflating RSS on gigabyte logs.
    if (this.#text.length >= 32_768) this.flush();
  };

  /** Writes what was collected; false when the stream asks the caller to wait for 'drain'. */
  flush(): boolean {
    if (this.#text.length === 0) return true;
    const ok = this.#out.write(this.#text);
    this.#text = '';
    return ok;
  }

  /** Flushes and, if the destination is full (a slow pipe), waits: memory stays bounded on huge logs. */
  async flushAndWait(): Promise<void> {
    if (!this.flush()) await once(this.#out, 'drain');
  }
}

async function rawOutput(ctx: CliContext, file: string | undefined, mode: string): Promise<number> {
  const extractor = mode === 'kunit' ? new KtapExtractor() : undefined;
  const out = new BatchedWriter(ctx.stdout);
  for await (const batch of inputBatches(ctx, file)) {
    for (const line of batch) {
      const text = extractor ? extractor.push(line) : line;
      if (text !== undefined) out.write(`${pyRstrip(text)}\n`);
    }
    await out.flushAndWait();
    if (extractor?.stopped) break;
  }
  return 0;
}

/** A document reporter (JSON, JUnit, KTAP) and the file it writes, if any. */
interface Output {
  readonly reporter: Reporter;
  readonly file: string | undefined;
}

/** The requested document reporters, loaded only when asked for (startup time counts on small logs). */
async function outputs(ctx: CliContext, opts: ParseOptions): Promise<Output[]> {
  const list: Output[] = [];
  const add = (value: string | undefined, make: (dest: NodeJS.WritableStream | string) => Reporter) => {
    if (value === undefined) return;
    const file = value === 'stdout' ? undefined : resolve(ctx.cwd, value);
    list.push({ reporter: make(file ?? ctx.stdout), file });
  };
  if (opts.json !== undefined) {
    const { createKunitJsonReporter } = await import('../../reporters/json-kunit.js');
    add(opts.json, (destination) => createKunitJsonReporter({ destination, color: false }));
  }
  if (opts.junit !== undefined) {
    const { createJUnitReporter } = await import('../../reporters/junit.js');
    add(opts.junit, (destination) =>
      createJUnitReporter({ destination, color: false, kunitCompatible: true }),
    );
  }
  if (opts.ktap !== undefined) {
    const { createKtapReporter } = await import('../../reporters/ktap.js');
    add(opts.ktap, (destination) => createKtapReporter({ destination, color: false }));
  }
  return list;
}

/** Runs `vmunit parse`; returns the exit status. */
export async function runParse(
  ctx: CliContext,
  file: string | undefined,
  opts: ParseOptions,
): Promise<number> {
  if (opts.rawOutput !== undefined) return rawOutput(ctx, file, opts.rawOutput);
  const batches = inputBatches(ctx, file);
  const color = ctx.stdout.isTTY === true && !ctx.env.NO_COLOR;
  const out = new BatchedWriter(ctx.stdout);
  const printer = new Printer({ write: out.write, color });
  const consoleReporter = new ConsoleReporter({ printer, ...(opts.summary ? { summaryOnly: true } : {}) });
  const docs = await outputs(ctx, opts);
  const deliver = (events: RunEvent[]) => {
    for (const event of events) {
      consoleReporter.onEvent(event);
      for (const d of docs) d.reporter.onEvent(event);
    }
  };
  const parser = new KtapParser({ name: file ?? 'stdin', ...(opts.allBlocks ? { blocks: 'all' } : {}) });
  for await (const batch of batches) {
    for (const line of batch) deliver(parser.push(line));
    await out.flushAndWait(); // live progress: a chunk's results are on screen before the next read
  }
  deliver(parser.end());
  out.flush();
  await consoleReporter.close();
  // kunit.py writes JSON (then JUnit) after the summary line, and names each file it wrote.
  for (const d of docs) {
    await d.reporter.close();
    if (d.file !== undefined) printer.printWithTimestamp(`Test results stored in ${d.file}`);
    out.flush();
  }
  return consoleReporter.lastRoot?.status === 'SUCCESS' ? 0 : 1;
}

export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = addKunitParseOptions(
    program
      .command('parse')
      .description('Parses KUnit results from a file, and parses formatted results.')
      .argument('[input_file]', 'Specifies the file to read results from (stdin when absent or -).'),
  )
    .option('--ktap [FILE]', 'Re-emits the results as normalised KTAP to stdout or a file.')
    .option('--summary', 'Prints only the summary line for parsed test results.')
    .option(
      '--all-blocks',
      'Parse every KTAP document in the log, not only the first (kunit.py: first only).',
    )
    .action(async (file: string | undefined, raw: Record<string, string | boolean | undefined>) => {
      const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
      const opts: ParseOptions = {
        ...(str(raw.raw_output) === undefined ? {} : { rawOutput: str(raw.raw_output) }),
        ...(str(raw.json) === undefined ? {} : { json: str(raw.json) }),
        ...(str(raw.junit) === undefined ? {} : { junit: str(raw.junit) }),
        ...(str(raw.ktap) === undefined ? {} : { ktap: str(raw.ktap) }),
        summary: raw.summary === true,
        allBlocks: raw.allBlocks === true,
      };
      setStatus(await runParse(ctx, file, opts));
    });
  // Bare --json/--junit/--ktap/--raw_output take no value, as kunit.py's massage_argv arranges.
  const parseOptions = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (args: string[]) => parseOptions(massageParseArgv(args));
}
