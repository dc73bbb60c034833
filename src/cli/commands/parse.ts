/**
 * `vmunit parse [FILE|-]`: a drop-in for `kunit.py parse`. Reads a kernel log (a file, or stdin when FILE is
 * absent or `-`) as kunit.py does (invalid UTF-8 as `\xNN`, Python line boundaries), streams it through the
 * KTAP parser into the kunit.py-style console, and exits 0 only when the run's status is SUCCESS (so an
 * all-skipped run exits 1, as kunit.py parse does). `--raw_output` prints the input (or its KTAP part)
 * instead and exits 0. `--summary` and `--failed` as mainline kunit.py; counting and messages follow
 * mainline kunit.py (there is no kernel tree here). Beyond kunit.py: `--ktap` (normalised KTAP),
 * `--all-blocks`; colour only on a TTY without NO_COLOR.
 */

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Command } from 'commander';
import type { RunEvent } from '../../events/types.js';
import { KtapExtractor } from '../../ktap/extract.js';
import type { PassedLeaves } from '../../ktap/fast-leaf.js';
import { KtapParser } from '../../ktap/parser.js';
import { pyRstrip } from '../../ktap/py-text.js';
import { KUNIT_RULES_BY_NAME, type KunitRules } from '../../ktap/rules.js';
import { ConsoleReporter } from '../../reporters/console.js';
import { Printer } from '../../reporters/printer.js';
import { type Reporter, takesLeaves } from '../../reporters/types.js';
import { untilAborted } from '../../util/cancel.js';
import { VmunitError } from '../../util/errors.js';
import { LineSplitter, type LineVisitor } from '../../util/lines.js';
import { OutputBuffer } from '../../util/output-buffer.js';
import { readChunks } from '../../util/read-input.js';
import { HeldOutput } from '../../util/sink.js';
import type { CliContext } from '../context.js';
import { addKunitParseOptions, BARE_VALUES } from './kunit-options.js';
import { addKcidbOptions, type KcidbFlags, kcidbFlagsOf, kcidbOptions } from './record-output.js';

export interface ParseOptions {
  readonly rawOutput?: string;
  readonly json?: string;
  readonly junit?: string;
  readonly ktap?: string;
  readonly summary?: boolean;
  readonly failed?: boolean;
  readonly allBlocks?: boolean;
  /** The shared output grammar (reporters/output.ts). */
  readonly format?: string;
  readonly outputs?: readonly string[];
  /** Keep the run record (events.jsonl, record.json) in this folder. */
  readonly results?: string;
  /** `--origin`, `--log-url`: what a kcidb report needs. */
  readonly kcidb?: KcidbFlags;
}

/** What `vmunit parse` and `vmunit kunit parse` ask for: one request, one streaming path. */
export interface ParseRequest extends ParseOptions {
  /** The log (stdin when undefined or '-'). */
  readonly file: string | undefined;
  /** Where the log and --json/--junit/--ktap paths are resolved: the working folder, or kunit's kernel root. */
  readonly baseDir: string;
  /** The kunit.py version whose status rule and wording apply (kunit parse: the tree's); mainline's if absent. */
  readonly rules?: KunitRules;
  /** Title of an HTML report. */
  readonly title: string;
}

/**
 * `VMUNIT_KUNIT_RULES`: with no kernel tree to read them from, which kunit.py's counting and wording apply
 * (mainline's when unset). @throws VmunitError USAGE for an unknown name.
 */
function rulesFromEnv(name: string | undefined): KunitRules | undefined {
  if (name === undefined || name === '') return undefined;
  const rules = KUNIT_RULES_BY_NAME[name];
  if (rules !== undefined) return rules;
  const known = Object.keys(KUNIT_RULES_BY_NAME).join(', ');
  throw new VmunitError('USAGE', `VMUNIT_KUNIT_RULES=${name}: unknown kunit.py version (known: ${known})`);
}

/**
 * kunit.py's massage_argv (a bare `--json` means stdout, so a following word stays the input file), and
 * vmunit's --ktap alike.
 */
const BARE_DEFAULTS: Readonly<Record<string, string>> = { ...BARE_VALUES, '--ktap': 'stdout' };

export function massageParseArgv(args: readonly string[]): string[] {
  return args.map((a) => (BARE_DEFAULTS[a] === undefined ? a : `${a}=${BARE_DEFAULTS[a]}`));
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
  return readChunks(path);
}

/** The splitter that decodes the input as kunit.py reads it (see inputBatches). */
function inputSplitter(file: string | undefined): LineSplitter {
  const fromFile = file !== undefined && file !== '-';
  return new LineSplitter(undefined, {
    invalidUtf8: 'backslash',
    breaks: fromFile ? 'splitlines' : 'universal',
  });
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
  const splitter = inputSplitter(file);
  for await (const chunk of openInput(ctx, file, baseDir)) yield splitter.push(chunk);
  yield splitter.end();
}

async function rawOutput(ctx: CliContext, req: ParseRequest, mode: string): Promise<number> {
  const extractor = mode === 'kunit' ? new KtapExtractor() : undefined;
  const out = new OutputBuffer(ctx.stdout);
  for await (const batch of inputBatches(ctx, req.file, req.baseDir)) {
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
  /** A document for stdout, held until the console is done there. */
  readonly held?: HeldOutput;
}

/**
 * `--format`/`--output` reports and the run record, beside kunit.py's own options; loaded only when asked
 * for. parse's own console stays the console: `--format console` asks for nothing more.
 */
async function grammarOutputs(ctx: CliContext, opts: ParseRequest) {
  const list: Output[] = [];
  if (opts.format === undefined && (opts.outputs ?? []).length === 0 && opts.results === undefined) {
    return { list, taken: false };
  }
  const { reportsBesideConsole, stdoutTaken } = await import('../../reporters/output.js');
  const targets = reportsBesideConsole({
    format: opts.format,
    outputs: opts.outputs,
    isTTY: ctx.stdout.isTTY === true,
    cwd: ctx.cwd,
  });
  // With a record, report files are rendered from it at the end, as `vmunit run` does: `vmunit report`
  // then reproduces them byte for byte.
  const fromRecord = opts.results === undefined ? [] : targets.filter((t) => t.path !== '-');
  const live = targets.filter((t) => !fromRecord.includes(t));
  if (live.length > 0) {
    const { createOutputReporter } = await import('../../reporters/output-reporter.js');
    const reporter = createOutputReporter(live, {
      stdout: ctx.stdout,
      color: false,
      title: opts.title,
      ...kcidbOptions(opts.kcidb ?? {}),
    });
    list.push({ reporter, file: undefined });
  }
  if (opts.results !== undefined) {
    const { RecordWriter } = await import('../../record/writer.js');
    const { processMeta } = await import('../../record/meta.js');
    const { renderRecord } = await import('../../reporters/render-record.js');
    const meta = { ...processMeta(ctx), producer: 'ktap' as const, name: opts.file ?? 'stdin' };
    const writer = new RecordWriter({ dir: resolve(ctx.cwd, opts.results), meta });
    const reporter: Reporter = {
      onEvent: (event) => writer.onEvent(event),
      close: async () => {
        await writer.close();
        await renderRecord(writer.builder.record(), fromRecord, {
          stdout: ctx.stdout,
          color: false,
          ...kcidbOptions(opts.kcidb ?? {}),
        });
      },
    };
    list.push({ reporter, file: undefined });
  }
  return { list, taken: stdoutTaken(targets) };
}

/** The requested document reporters, loaded only when asked for (startup time counts on small logs). */
async function outputs(opts: ParseRequest): Promise<Output[]> {
  const list: Output[] = [];
  const add = (value: string | undefined, make: (dest: NodeJS.WritableStream | string) => Reporter) => {
    if (value === undefined) return;
    if (value === 'stdout') {
      const held = new HeldOutput();
      list.push({ reporter: make(held.stream), file: undefined, held });
      return;
    }
    const file = resolve(opts.baseDir, value);
    list.push({ reporter: make(file), file });
  };
  if (opts.json !== undefined) {
    const { createKunitJsonReporter } = await import('../../reporters/json-kunit.js');
    add(opts.json, (destination) =>
      createKunitJsonReporter({ destination, color: false, kunitCompatible: true }),
    );
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

/** The reporters of one parse: the console and the documents, each given every event in order. */
function fanOut(consoleReporter: ConsoleReporter, docs: readonly Output[]) {
  const reporters = [consoleReporter, ...docs.map((d) => d.reporter)];
  const deliver = (events: RunEvent[]): void => {
    for (const event of events) for (const r of reporters) r.onEvent(event);
  };
  // The parser's fast lane (ktap/fast-leaf.ts) when every reporter takes it: a run with a record or a
  // KTAP report gets every event.
  const leafReporters = reporters.filter(takesLeaves);
  if (leafReporters.length !== reporters.length) return { deliver, onPassedLeaves: undefined };
  const onPassedLeaves = (leaves: PassedLeaves): void => {
    for (const r of leafReporters) r.passedLeaves(leaves);
  };
  return { deliver, onPassedLeaves };
}

/** Runs `vmunit parse` or `vmunit kunit parse`; returns the exit status. */
export async function runParse(ctx: CliContext, opts: ParseRequest): Promise<number> {
  if (opts.rawOutput !== undefined) return rawOutput(ctx, opts, opts.rawOutput);
  const extra = await grammarOutputs(ctx, opts);
  // A report on stdout moves the kunit.py console to stderr.
  const human = extra.taken ? ctx.stderr : ctx.stdout;
  const color = human.isTTY === true && !ctx.env.NO_COLOR;
  const out = new OutputBuffer(human);
  // The clock is read once a chunk, not once a line: a chunk's lines are written together anyway.
  let now = Date.now();
  const printer = new Printer({ write: out.write, writeLines: out.writeLines, color, now: () => now });
  const consoleReporter = new ConsoleReporter({
    printer,
    ...(opts.summary ? { summaryOnly: true } : {}),
    ...(opts.failed ? { failedOnly: true } : {}),
  });
  const docs = [...(await outputs(opts)), ...extra.list];
  const { deliver, onPassedLeaves } = fanOut(consoleReporter, docs);
  const parser = new KtapParser({
    name: opts.file ?? 'stdin',
    ...(opts.allBlocks ? { blocks: 'all' } : {}),
    ...(opts.rules === undefined ? {} : { rules: opts.rules }),
    ...(onPassedLeaves === undefined ? {} : { onPassedLeaves }),
  });
  const lines: LineVisitor = {
    take: (bytes, start, end) => {
      const taken = parser.pushBytes(bytes, start, end);
      if (taken > start) deliver(parser.takeEvents());
      return taken;
    },
    line: (line) => deliver(parser.push(line)),
  };
  const splitter = inputSplitter(opts.file);
  const input = openInput(ctx, opts.file, opts.baseDir);
  // A cancel ends the input where it stands; the reports below still close as whole documents.
  for await (const chunk of untilAborted(input, ctx.signal)) {
    now = Date.now();
    printer.clockMoved(); // not in the middle of a chunk's lines: see printLinesWithTimestamp
    splitter.each(chunk, lines);
    parser.releaseBytes(); // the next chunk is read into the same buffer
    await out.flushAndWait(); // live progress: a chunk's results are on screen before the next read
  }
  // A stdin read still pending would keep the process alive after a cancel.
  if (ctx.signal.aborted) (ctx.stdin as Partial<Readable>).destroy?.();
  else for (const line of splitter.end()) lines.line(line);
  now = Date.now();
  deliver(parser.end());
  out.flush();
  await consoleReporter.close();
  // kunit.py writes JSON (then JUnit) after the summary line, and names each file it wrote.
  for (const d of docs) {
    await d.reporter.close();
    out.flush();
    d.held?.release(ctx.stdout);
    if (d.file !== undefined) printer.printWithTimestamp(`Test results stored in ${d.file}`);
    out.flush();
  }
  return consoleReporter.lastRoot?.status === 'SUCCESS' ? 0 : 1;
}

export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = addKcidbOptions(
    addKunitParseOptions(
      program
        .command('parse')
        .argument('[input_file]', 'Specifies the file to read results from (stdin when absent or -).'),
    ),
  )
    .option('--ktap [FILE]', 'Re-emits the results as normalised KTAP to stdout or a file.')
    .option(
      '--format <format>',
      'stdout: a report (console, ktap, junit, json, html, tap13) instead of the console',
    )
    .option(
      '-o, --output <[format:]path>',
      'also write a report file (repeatable; format from the extension)',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--results <dir>', 'keep the run record (events.jsonl, record.json) in this folder')
    .option(
      '--all-blocks',
      'Parse every KTAP document in the log, not only the first (kunit.py: first only).',
    )
    .action(
      async (file: string | undefined, raw: Record<string, string | string[] | boolean | undefined>) => {
        const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
        const rawOutput = str(raw.raw_output);
        const json = str(raw.json);
        const junit = str(raw.junit);
        const ktap = str(raw.ktap);
        const format = str(raw.format);
        const results = str(raw.results);
        const rules = rulesFromEnv(ctx.env.VMUNIT_KUNIT_RULES);
        const opts: ParseRequest = {
          file,
          baseDir: ctx.cwd,
          title: 'vmunit parse',
          ...(rules === undefined ? {} : { rules }),
          ...(rawOutput === undefined ? {} : { rawOutput }),
          ...(json === undefined ? {} : { json }),
          ...(junit === undefined ? {} : { junit }),
          ...(ktap === undefined ? {} : { ktap }),
          summary: raw.summary === true,
          failed: raw.failed === true,
          allBlocks: raw.allBlocks === true,
          ...(format === undefined ? {} : { format }),
          outputs: Array.isArray(raw.output) ? (raw.output as string[]) : [],
          ...(results === undefined ? {} : { results }),
          kcidb: kcidbFlagsOf(raw),
        };
        setStatus(await runParse(ctx, opts));
      },
    );
  // Bare --json/--junit/--ktap/--raw_output take no value, as kunit.py's massage_argv arranges.
  const parseOptions = cmd.parseOptions.bind(cmd);
  cmd.parseOptions = (args: string[]) => parseOptions(massageParseArgv(args));
}
