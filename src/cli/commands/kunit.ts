/**
 * `vmunit kunit config|build|exec|parse|run`: kunit.py's command line on top of the kernel tool
 * (src/kernel). The arguments after `kunit` are parsed by an inner program so that kunit.py's spelling,
 * argv massaging and defaults apply exactly; exit status 0 on success, 1 on a failed stage or failing tests
 * (as kunit.py), 2 on bad input (a VmunitError, as every vmunit command).
 */

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CommanderError } from 'commander';
import { type KunitArchProfile, knownArches, profileForArch } from '../../kernel/arch-profiles.js';
import { shellSplit } from '../../kernel/argv.js';
import { kunitRulesForTree } from '../../kernel/kunit-version.js';
import { assembleKunitconfig } from '../../kernel/kunitconfig.js';
import { kunitBuild, kunitConfig, kunitExec, kunitRun, type PipelineResult } from '../../kernel/pipeline.js';
import { printTimestamped } from '../../kernel/printer.js';
import type { BuildRequest, ExecRequest, KernelIo, KernelTarget } from '../../kernel/types.js';
import { FanOutReporter } from '../../reporters/types.js';
import { resolveShard } from '../../scale/shard.js';
import { VmunitError } from '../../util/errors.js';
import { spawnGroup } from '../../util/process-group.js';
import type { CliContext } from '../context.js';
import { addEnvHelp } from '../env-help.js';
import { recordWriter } from '../record-sink.js';
import { buildKunitProgram, type KunitCli, massageKunitArgv, rootListing } from './kunit-options.js';
import { parseLog } from './kunit-parse.js';
import { createBootParser, createReporters, extractLines, reportOnStdout } from './kunit-wiring.js';
import { sliceList } from './shard-options.js';

function kernelIo(ctx: CliContext, signal: AbortSignal, human: NodeJS.WritableStream): KernelIo {
  return {
    spawn: spawnGroup,
    env: ctx.env,
    out: (text) => human.write(text),
    err: (text) => ctx.stderr.write(text),
    now: () => Date.now(),
    signal,
  };
}

async function resolveProfile(
  cli: KunitCli,
  root: string,
): Promise<{ profile: KunitArchProfile; qemuArgs: string[] }> {
  const qemuArgs: string[] = [];
  for (const value of cli.qemuArgs) {
    try {
      qemuArgs.push(...shellSplit(value));
    } catch (cause) {
      throw new VmunitError('USAGE', `--qemu_args: ${(cause as Error).message}`, { cause });
    }
  }
  if (cli.qemuConfig) {
    // zod (the .py config's schema) costs ~0.1 s of start-up: loaded only for --qemu_config.
    const { loadQemuConfigFile } = await import('../../kernel/qemu-config-file.js');
    return { profile: await loadQemuConfigFile(resolve(root, cli.qemuConfig)), qemuArgs };
  }
  const profile = profileForArch(cli.arch);
  if (!profile) {
    const options = knownArches().filter((a) => a !== 'um');
    throw new VmunitError(
      'USAGE',
      `${cli.arch} is not a valid arch, options are [${options.map((o) => `'${o}'`).join(', ')}]`,
    );
  }
  return { profile, qemuArgs };
}

async function target(cli: KunitCli, root: string): Promise<{ target: KernelTarget; qemuArgs: string[] }> {
  const { profile, qemuArgs } = await resolveProfile(cli, root);
  return {
    target: {
      kernelRoot: root,
      buildDir: resolve(root, cli.buildDir),
      buildDirArg: cli.buildDir,
      profile,
      crossCompile: cli.crossCompile,
      rules: kunitRulesForTree(root),
    },
    qemuArgs,
  };
}

async function buildRequest(cli: KunitCli, t: KernelTarget): Promise<BuildRequest> {
  const kunitconfig = await assembleKunitconfig({
    kernelRoot: t.kernelRoot,
    buildDir: t.buildDir,
    paths: cli.kunitconfig,
    alltests: cli.alltests,
    kconfigAdd: cli.kconfigAdd,
  });
  return { target: t, kunitconfig, makeOptions: cli.makeOptions, jobs: cli.jobs };
}

/**
 * The boots this process runs. Sharding a single boot cannot split anything, and every shard running the
 * whole suite is the failure CI labs hit, so a shard without --run_isolated is a usage error.
 */
function bootSelection(ctx: CliContext, cli: KunitCli): Pick<ExecRequest, 'selectBoots'> {
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

function execRequest(ctx: CliContext, cli: KunitCli, t: KernelTarget, qemuArgs: string[]): ExecRequest {
  return {
    ...bootSelection(ctx, cli),
    target: t,
    extraQemuArgs: qemuArgs,
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
  };
}

/** Runs exec or run with the reporters open, closing them (and announcing written files) at the end. */
async function withReporters(
  ctx: CliContext,
  io: KernelIo,
  cli: KunitCli,
  root: string,
  t: KernelTarget,
  body: (deps: Parameters<typeof kunitExec>[0]) => Promise<PipelineResult>,
): Promise<PipelineResult> {
  const raw = cli.rawOutput !== undefined;
  const { reporter, files } = createReporters({
    stdout: ctx.stdout,
    color: ctx.stdout.isTTY === true && !ctx.env.NO_COLOR,
    baseDir: root,
    json: raw ? undefined : cli.json,
    junit: raw ? undefined : cli.junit,
    console: !raw,
    grammar: { format: cli.format, outputs: cli.outputs, cwd: ctx.cwd, stderr: ctx.stderr },
    summary: cli.summary,
    failed: cli.failed,
    metadata: { arch: t.profile.linuxArch, defconfig: 'kunit_defconfig', buildDir: t.buildDirArg },
  });
  // The run record lives beside test.log in the build folder, whatever kunit.py's options ask for.
  const record = recordWriter(ctx, t.buildDir, {
    producer: 'kernel',
    name: t.buildDir,
    arch: t.profile.linuxArch,
  });
  const both = new FanOutReporter([reporter, record]);
  let result: PipelineResult;
  try {
    result = await body({ io, createParser: createBootParser, extractKtap: extractLines, reporter: both });
  } finally {
    await record.close();
  }
  // No report files when the tests never ran (a failed config or build), as kunit.py.
  if (!result.exec?.root) return result;
  await reporter.close();
  for (const file of files) printTimestamped(io, `Test results stored in ${file.path}`);
  return result;
}

/**
 * Dispatches one parsed `vmunit kunit …` invocation; returns the exit status. Ctrl-C stops the running
 * kernels (own process groups) and ends the command with INTERRUPTED (exit 130).
 */
export async function runKunit(ctx: CliContext, cli: KunitCli): Promise<number> {
  // kunit.py's signal handler prints this line on SIGINT.
  const onAbort = (): void => {
    ctx.stderr.write('ERROR:root:Build interruption occurred. Cleaning console.\n');
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const human = reportOnStdout(cli.format, cli.outputs, ctx.cwd) ? ctx.stderr : ctx.stdout;
    const code = await dispatch(ctx, cli, kernelIo(ctx, ctx.signal, human));
    if (ctx.signal.aborted) throw new VmunitError('INTERRUPTED', 'interrupted');
    return code;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function dispatch(ctx: CliContext, cli: KunitCli, io: KernelIo): Promise<number> {
  const root = resolve(ctx.cwd, cli.kernelRoot ?? '.');
  if (cli.subcommand === 'parse') return parseLog(ctx, cli, root);
  const { target: t, qemuArgs } = await target(cli, root);
  let result: PipelineResult;
  switch (cli.subcommand) {
    case 'config':
      await mkdir(t.buildDir, { recursive: true });
      result = await kunitConfig(io, await buildRequest(cli, t));
      break;
    case 'build':
      result = await kunitBuild(io, await buildRequest(cli, t));
      break;
    case 'exec':
      result = await withReporters(ctx, io, cli, root, t, (deps) =>
        kunitExec(deps, execRequest(ctx, cli, t, qemuArgs)),
      );
      break;
    case 'run': {
      await mkdir(t.buildDir, { recursive: true });
      const build = await buildRequest(cli, t);
      result = await withReporters(ctx, io, cli, root, t, (deps) =>
        kunitRun(deps, build, execRequest(ctx, cli, t, qemuArgs)),
      );
      break;
    }
  }
  return result.status === 'SUCCESS' ? 0 : 1;
}

/** Registers `vmunit kunit`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('kunit')
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .argument('[args...]')
    .action(async (args: string[]) => {
      const inner = buildKunitProgram(
        ctx.env,
        async (cli) => {
          setStatus(await runKunit(ctx, cli));
        },
        { writeOut: (s) => ctx.stdout.write(s), writeErr: (s) => ctx.stderr.write(s) },
      );
      addEnvHelp(inner, 'kunit');
      try {
        if (args.length === 0) {
          inner.outputHelp();
          return;
        }
        const listing = rootListing(args);
        if (listing !== undefined) {
          ctx.stdout.write(`${listing}\n`);
          return;
        }
        await inner.parseAsync(massageKunitArgv(args), { from: 'user' });
      } catch (error) {
        if (error instanceof CommanderError) {
          setStatus(error.exitCode === 0 ? 0 : 2);
          return;
        }
        throw error;
      }
    });
}
