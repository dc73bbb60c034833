/**
 * `vmunit kunit parse [input_file]`: kunit.py's parse handler. Reads a kernel log (a file, or stdin), runs
 * it through the KTAP core into the console/JSON/JUnit reporters, exits 0 only when the parsed run's status
 * is SUCCESS (an all-skipped run exits 1 here, unlike exec/run: a kunit.py quirk kept on purpose).
 * `--raw_output` prints the input (or its KTAP part) instead and exits 0.
 */

import { resolve } from 'node:path';
import {
  ktapBootParser as createBootParser,
  extractKtapLines as extractLines,
} from '../../kernel/ktap-wiring.js';
import { kunitRulesForTree } from '../../kernel/kunit-version.js';
import { printTimestamped } from '../../kernel/printer.js';
import { pyRstrip } from '../../ktap/py-text.js';
import { TreeBuilder } from '../../ktap/tree.js';
import { processMeta } from '../../record/meta.js';
import { RecordWriter } from '../../record/writer.js';
import type { CliContext } from '../context.js';
import type { KunitCli } from './kunit-options.js';
import { createReporters, reportOnStdout } from './kunit-wiring.js';
import { inputBatches } from './parse.js';

/**
 * The whole input, decoded as `vmunit parse` and kunit.py decode it (`\xNN` for invalid UTF-8, a file split
 * with str.splitlines()).
 */
async function readInput(ctx: CliContext, cli: KunitCli, root: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of inputBatches(ctx, cli.file, root)) for (const line of batch) lines.push(line);
  return lines;
}

/** Runs the parse subcommand; returns the exit status. */
export async function parseLog(ctx: CliContext, cli: KunitCli, root: string): Promise<number> {
  const lines = await readInput(ctx, cli, root);
  if (cli.rawOutput) {
    const shown = cli.rawOutput === 'all' ? lines : extractLines(lines);
    for (const line of shown) ctx.stdout.write(`${pyRstrip(line)}\n`);
    return 0;
  }
  const { reporter, files } = createReporters({
    stdout: ctx.stdout,
    color: ctx.stdout.isTTY === true && !ctx.env.NO_COLOR,
    baseDir: root,
    json: cli.json,
    junit: cli.junit,
    console: true,
    grammar: { format: cli.format, outputs: cli.outputs, cwd: ctx.cwd, stderr: ctx.stderr },
    summary: cli.summary,
    failed: cli.failed,
    metadata: {},
  });
  // The tree's kunit.py decides how the log is counted and worded (mainline's without a tree).
  const rules = kunitRulesForTree(root);
  const tree = new TreeBuilder();
  const record =
    cli.results === undefined
      ? undefined
      : new RecordWriter({
          dir: resolve(ctx.cwd, cli.results),
          meta: { ...processMeta(ctx), producer: 'ktap', name: cli.file ?? 'stdin' },
        });
  const emit = (event: Parameters<typeof reporter.onEvent>[0]) => {
    tree.push(event);
    reporter.onEvent(event);
    record?.onEvent(event);
  };
  emit({
    type: 'run:start',
    producer: 'ktap',
    name: cli.file ?? 'stdin',
    meta: { arch: '', defconfig: '', build_dir: '' },
    rules,
  });
  const parser = createBootParser({ idPrefix: '', parentId: null, depth: 0, rules });
  for (const line of lines) for (const event of parser.push(line)) emit(event);
  for (const event of parser.end()) emit(event);
  emit({ type: 'run:end' });
  await reporter.close();
  await record?.close();
  const human = reportOnStdout(cli.format, cli.outputs, ctx.cwd) ? ctx.stderr : ctx.stdout;
  const io = { out: (t: string) => human.write(t), now: () => Date.now() };
  for (const file of files) printTimestamped(io, `Test results stored in ${file.path}`);
  return tree.root().status === 'SUCCESS' ? 0 : 1;
}
