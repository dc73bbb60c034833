/**
 * `vmunit kunit config|build|exec|parse|run`: kunit.py's command line on top of the kernel tool
 * (src/kernel). The arguments after `kunit` are parsed by an inner program so that kunit.py's spelling,
 * argv massaging and defaults apply exactly; exit status 0 on success, 1 on a failed stage or failing tests
 * (as kunit.py), 2 on bad input (a VmunitError, as every vmunit command).
 */

import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { KunitRules } from '../../ktap/rules.js';
import { VmunitError } from '../../util/errors.js';
import { CommanderError } from '../commander.js';
import type { CliContext } from '../context.js';
import { addEnvHelp } from '../env-help.js';
import { buildKunitProgram, type KunitCli, massageKunitArgv, rootListing } from './kunit-options.js';
import type { ParseRequest } from './parse.js';

/**
 * kunit.py's parse handler is `vmunit parse` with the kernel root as the base folder (the log and
 * --json/--junit paths are relative to it) and the status rule and wording of the tree's kunit.py.
 */
function parseRequest(cli: KunitCli, root: string, rules: KunitRules): ParseRequest {
  return {
    file: cli.file,
    baseDir: root,
    rules,
    title: 'vmunit kunit',
    summary: cli.summary,
    failed: cli.failed,
    outputs: cli.outputs,
    kcidb: cli.kcidb,
    ...(cli.rawOutput === undefined ? {} : { rawOutput: cli.rawOutput }),
    ...(cli.json === undefined ? {} : { json: cli.json }),
    ...(cli.junit === undefined ? {} : { junit: cli.junit }),
    ...(cli.format === undefined ? {} : { format: cli.format }),
    ...(cli.results === undefined ? {} : { results: cli.results }),
  };
}

/**
 * Dispatches one parsed `vmunit kunit …` invocation; returns the exit status. Ctrl-C stops the running
 * kernels (own process groups) and ends the command with INTERRUPTED (exit 130).
 */
async function kunitCommand(ctx: CliContext, cli: KunitCli): Promise<number> {
  // kunit.py's signal handler prints this line on SIGINT.
  const onAbort = (): void => {
    ctx.stderr.write('ERROR:root:Build interruption occurred. Cleaning console.\n');
  };
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const code = await dispatch(ctx, cli);
    if (ctx.signal.aborted) throw new VmunitError('INTERRUPTED', 'interrupted');
    return code;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
  }
}

async function dispatch(ctx: CliContext, cli: KunitCli): Promise<number> {
  const root = resolve(ctx.cwd, cli.kernelRoot ?? '.');
  if (cli.subcommand === 'parse') {
    const [{ runParse }, { kunitRulesForTree }] = await Promise.all([
      import('./parse.js'),
      import('../../kernel/kunit-version.js'),
    ]);
    return runParse(ctx, parseRequest(cli, root, kunitRulesForTree(root)));
  }
  // A KCIDB report is written after the build and the boot: its origin is checked before either.
  const { parseOutputSpecs } = await import('../../reporters/output.js');
  const { checkOriginFor } = await import('../../reporters/kcidb-origin.js');
  checkOriginFor(
    parseOutputSpecs({ format: cli.format, outputs: cli.outputs, isTTY: false, cwd: ctx.cwd }),
    cli.kcidb.origin,
  );
  const { runKunitStages } = await import('./kunit-stages.js');
  return runKunitStages(ctx, cli, root);
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
          setStatus(await kunitCommand(ctx, cli));
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
