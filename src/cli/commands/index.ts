/**
 * The subcommand table. Each module exports `register(program, ctx, setStatus)`. Modules are loaded on
 * demand: `vmunit parse` should not pay for loading the guest runner, the kernel tool and the unit library
 * (about 0.3 s of CPU and 20 MB at start-up when everything is imported). What `vmunit --help` lists (the
 * usage term and the description) lives here, so the root help loads no command module at all.
 */

import type { CommandListing, CommandModule } from '../program.js';

export type { CommandModule } from '../program.js';

export interface CommandEntry extends CommandListing {
  // name: the subcommand the module registers; term (a test keeps it equal to commander's rendering) and
  // description: the one description, shown by `vmunit --help` and `vmunit NAME --help`.
  /** Hidden subcommands the module registers too (helpers for scripts, not listed by --help). */
  readonly hidden?: readonly string[];
  /** Words of the module that need every command registered beside them (`__complete` describes them all). */
  readonly needsAll?: readonly string[];
  readonly load: () => Promise<CommandModule>;
}

/** One line per command, in the order `vmunit --help` lists them. */
export const commandTable: readonly CommandEntry[] = [
  {
    name: 'run',
    term: 'run [options] [tests...]',
    description: 'run a kvm-unit-tests tree (run_tests.sh compatible)',
    load: () => import('./run.js'),
  },
  {
    name: 'exec',
    term: 'exec [options] <file> [qemu...]',
    description: "run one guest binary directly, like kvm-unit-tests' x86/run FILE [QEMU options...]",
    load: () => import('./exec.js'),
  },
  {
    name: 'standalone',
    term: 'standalone [options] [tests...]',
    description: 'write one self-contained bash script per unittests.cfg entry (like make standalone)',
    load: () => import('./standalone.js'),
  },
  {
    name: 'install',
    term: 'install [options] [tests...]',
    description: 'install the standalone tests and tests.json under PREFIX/share/vmunit (like make install)',
    load: () => import('./install.js'),
  },
  {
    name: 'new',
    term: 'new [options] <name> [run-args...]',
    description: 'create a guest test (C, guest SDK) from the template, build it and run it',
    load: () => import('./new.js'),
  },
  {
    name: 'parse',
    term: 'parse [options] [input_file]',
    description: 'Parses KUnit results from a file, and parses formatted results.',
    load: () => import('./parse.js'),
  },
  {
    name: 'kunit',
    term: 'kunit [args...]',
    description:
      "kunit.py-compatible kernel tool: config, build, exec, parse, run (see 'vmunit kunit --help')",
    load: () => import('./kunit.js'),
  },
  {
    name: 'test',
    term: 'test [options] [paths...]',
    description: 'run KUnit-style TypeScript/JavaScript unit tests (*.kunit.ts, *.kunit.js)',
    load: () => import('./test.js'),
  },
  {
    name: 'report',
    term: 'report [options] <results>',
    description: 'render a saved run (results folder, record.json or events.jsonl) in any format',
    load: () => import('./report.js'),
  },
  {
    name: 'merge',
    term: 'merge [options] <records...>',
    description: 'merge the records of a sharded run into one (missing tests become MISS)',
    load: () => import('./merge.js'),
  },
  {
    name: 'compare',
    term: 'compare [options] <base> <new...>',
    description: 'compare a baseline record with new ones: regressions, fixes, new, vanished, flaky',
    load: () => import('./compare.js'),
  },
  {
    name: 'lava-job',
    term: 'lava-job [options] [tests...]',
    description: 'write LAVA v2 job definitions (one per test) for a LAVA qemu device',
    load: () => import('./lava-job.js'),
  },
  {
    name: 'completion',
    term: 'completion <shell>',
    description: 'print a shell completion script: eval "$(vmunit completion bash)"',
    hidden: ['__complete'],
    needsAll: ['__complete'],
    load: () => import('./completion.js'),
  },
];

/**
 * The modules needed for this argv: only the named subcommand's (`help NAME` names one too), none for a
 * bare --version, --help, no subcommand or an unknown one (the table lists and suggests them), and every
 * one for a word that describes them all (`__complete`; `completion bash` only prints a script). The root command has no options but -h/-V, so
 * the first word not starting with '-' is the subcommand.
 */
export async function loadCommands(args: readonly string[]): Promise<CommandModule[]> {
  const words = args.filter((a) => !a.startsWith('-'));
  const word = words[0] === 'help' ? words[1] : words[0];
  const entry = commandTable.find((e) => e.name === word || (word !== undefined && e.hidden?.includes(word)));
  if (entry === undefined) return [];
  const entries = word !== undefined && entry.needsAll?.includes(word) ? commandTable : [entry];
  return Promise.all(entries.map((e) => e.load()));
}
