/**
 * The kernel stages of `vmunit kunit` (config, build, exec, run): the flags as runKunit's request and the
 * reports as its sinks. Loaded only when one of those runs (`kunit parse` and `kunit --help` never need the
 * kernel tool).
 */

import { timestampPrefix } from '../../kernel/printer.js';
import { type KunitRequest, type KunitSinks, runKunit } from '../../kernel/run-kunit.js';
import type { KernelTarget } from '../../kernel/types.js';
import type { Reporter } from '../../reporters/types.js';
import { resolveShard } from '../../scale/shard.js';
import { VmunitError } from '../../util/errors.js';
import type { CliContext } from '../context.js';
import { recordWriter } from '../record-sink.js';
import type { KunitCli } from './kunit-options.js';
import { createReporters, reportOnStdout } from './kunit-wiring.js';
import { sliceList } from './shard-options.js';

/**
 * The boots this process runs. Sharding a single boot cannot split anything, and every shard running the
 * whole suite is the failure CI labs hit, so a shard without --run_isolated is a usage error.
 */
function bootSelection(ctx: CliContext, cli: KunitCli): Pick<KunitRequest['exec'], 'selectBoots'> {
  const shard = resolveShard(cli.slice, ctx.env);
  if (cli.runIsolated === undefined) {
    if (shard !== undefined || cli.slice.failed !== undefined) {
      throw new VmunitError(
        'USAGE',
        `${shard?.source ?? '--failed-from'} needs --run_isolated suite or test`,
      );
    }
    return {};
  }
  if (shard === undefined && cli.slice.failed === undefined) return {};
  const suiteOf = (glob: string): string => glob.split('.')[0] ?? glob;
  return { selectBoots: async (globs) => (await sliceList(globs, cli.slice, ctx, suiteOf)).names };
}

/** The flags as runKunit's typed request (parse is not a kernel stage: see parseRequest). */
function kunitRequest(
  ctx: CliContext,
  cli: KunitCli,
  kernelRoot: string,
  subcommand: KunitRequest['subcommand'],
): KunitRequest {
  const execNeeded = subcommand === 'exec' || subcommand === 'run';
  return {
    ...cli,
    subcommand,
    kernelRoot,
    env: ctx.env,
    exec: {
      ...(execNeeded ? bootSelection(ctx, cli) : {}),
      timeoutSec: cli.timeout,
      filterGlob: cli.filterGlob,
      filter: cli.filter,
      filterAction: cli.filterAction,
      kernelArgs: cli.kernelArgs,
      runIsolated: cli.runIsolated,
      parallel: cli.parallel,
      listTests: cli.listTests,
      listTestsAttr: cli.listTestsAttr,
      listSuites: cli.listSuites,
      rawOutput: cli.rawOutput,
    },
  };
}

/**
 * kunit.py's reports (console, --json, --junit, --format/--output) and the run record. The record lives
 * beside test.log in the build folder, whatever kunit.py's options ask for; the reports are written only
 * when the tests ran (a failed config or build writes none, as kunit.py).
 */
class KunitCliSinks implements KunitSinks {
  readonly #ctx: CliContext;
  readonly #cli: KunitCli;
  readonly #root: string;
  readonly print: (line: string) => void;
  readonly note: (line: string) => void;

  constructor(ctx: CliContext, cli: KunitCli, root: string) {
    this.#ctx = ctx;
    this.#cli = cli;
    this.#root = root;
    const human = reportOnStdout(cli.format, cli.outputs, ctx.cwd) ? ctx.stderr : ctx.stdout;
    this.print = (line) => human.write(`${line}\n`);
    this.note = (line) => ctx.stderr.write(`${line}\n`);
  }

  open = (t: KernelTarget): Reporter => {
    const ctx = this.#ctx;
    const cli = this.#cli;
    const raw = cli.rawOutput !== undefined;
    const { reporter, files } = createReporters({
      stdout: ctx.stdout,
      color: ctx.stdout.isTTY === true && !ctx.env.NO_COLOR,
      baseDir: this.#root,
      json: raw ? undefined : cli.json,
      junit: raw ? undefined : cli.junit,
      console: !raw,
      grammar: {
        format: cli.format,
        outputs: cli.outputs,
        cwd: ctx.cwd,
        stderr: ctx.stderr,
        kcidb: cli.kcidb,
      },
      summary: cli.summary,
      failed: cli.failed,
      metadata: { arch: t.profile.linuxArch, defconfig: 'kunit_defconfig', buildDir: t.buildDirArg },
    });
    const record = recordWriter(ctx, t.buildDir, {
      producer: 'kernel',
      name: t.buildDir,
      arch: t.profile.linuxArch,
    });
    let ran = false;
    return {
      onEvent: (event) => {
        if (event.type === 'run:start') ran = true;
        reporter.onEvent(event);
        record.onEvent(event);
      },
      close: async () => {
        await record.close();
        if (!ran) return;
        await reporter.close();
        // Said when written, as kunit.py: before the crash hint and the elapsed-time line.
        for (const file of files)
          this.print(`${timestampPrefix(Date.now())}Test results stored in ${file.path}`);
      },
    };
  };
}

/** Runs a kernel stage (`cli.subcommand` is not parse); 0 on success, 1 on a failed stage or test. */
export async function runKunitStages(ctx: CliContext, cli: KunitCli, root: string): Promise<number> {
  if (cli.subcommand === 'parse') throw new VmunitError('USAGE', 'kunit parse is not a kernel stage');
  const sinks = new KunitCliSinks(ctx, cli, root);
  const request = kunitRequest(ctx, cli, root, cli.subcommand);
  const result = await runKunit(request, { signal: ctx.signal, sinks });
  return result.status === 'SUCCESS' ? 0 : 1;
}
