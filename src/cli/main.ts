/**
 * vmunit's command line: a table of subcommands (one file each under commands/), exit codes decided here.
 * Nothing below this layer calls process.exit; commands return their exit status.
 */

import { cancelledStatus } from '../util/cancel.js';
import { exitCodeFor, formatErrorChain } from '../util/errors.js';
import { CommanderError } from './commander.js';
import { commandTable, loadCommands } from './commands/index.js';
import type { CliContext } from './context.js';
import { defaultContext } from './context.js';
import { buildProgram } from './program.js';

/** Runs the CLI and returns the process exit status. */
export async function main(argv: readonly string[], ctx: CliContext = defaultContext()): Promise<number> {
  let status = 0;
  const modules = await loadCommands(argv.slice(2));
  const program = buildProgram(
    ctx,
    modules,
    (code) => {
      status = code;
    },
    commandTable,
  );
  try {
    await program.parseAsync([...argv]);
    // A cancelled command has closed its reports; its status says which signal stopped it.
    return ctx.signal.aborted ? cancelledStatus(ctx.signal) : status;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through exitOverride with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (ctx.signal.aborted) return cancelledStatus(ctx.signal);
    const { sourceMappedStack } = await import('../util/stack-map.js');
    ctx.stderr.write(`vmunit: error: ${formatErrorChain(error, sourceMappedStack)}\n`);
    return exitCodeFor(error);
  }
}
