/**
 * The commander program of the given command modules. Apart from main.ts so that a command may build a
 * program of its own (`new` runs `run` in process) without an import cycle through the command table.
 */

import { Command } from './commander.js';
import type { CliContext } from './context.js';
import { addEnvHelp } from './env-help.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void;
}

/** A command as `vmunit --help` lists it (the command table's entries). */
export interface CommandListing {
  readonly name: string;
  /** Its help line, as commander renders the registered command (`run [options] [tests...]`). */
  readonly term: string;
  readonly description: string;
}

/**
 * Builds the commander program. Each command module registers itself and records its exit status; the
 * `listing` (main's command table) lists the commands not loaded and describes every one.
 */
export function buildProgram(
  ctx: CliContext,
  modules: readonly CommandModule[],
  setStatus: (code: number) => void,
  listing: readonly CommandListing[] = [],
): Command {
  const program = new Command('vmunit')
    .description('Unit-testing toolkit for kernels and hypervisors')
    .version(ctx.version)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => ctx.stdout.write(s),
      writeErr: (s) => ctx.stderr.write(s),
    });
  // Options after a subcommand belong to it (`vmunit exec FILE -smp 2` passes QEMU options through).
  program.enablePositionalOptions();
  for (const mod of modules) mod.register(program, ctx, setStatus);
  // Commands not loaded are listed from the table (root --help, suggestions for a mistyped name); loaded
  // ones take the table's description and line too, so both helps read the same.
  const terms = new Map(listing.map((e) => [e.name, e.term]));
  for (const entry of listing) {
    const cmd = program.commands.find((c) => c.name() === entry.name) ?? program.command(entry.name);
    cmd.description(entry.description);
  }
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? cmd.name() });
  addEnvHelp(program);
  return program;
}
