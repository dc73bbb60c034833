/**
 * The subcommand table. Each module exports `register(program, ctx, setStatus)`. Modules are loaded on
 * demand: `vmunit parse` should not pay for loading the guest runner, the kernel tool and the unit library
 * (about 0.3 s of CPU and 20 MB at start-up when everything is imported).
 */

import type { CommandModule } from '../program.js';

export type { CommandModule } from '../program.js';

export interface CommandEntry {
  /** The subcommand name the module registers. */
  readonly name: string;
  /** Hidden subcommands the module registers too (helpers for scripts, not listed by --help). */
  readonly hidden?: readonly string[];
  /** The module needs every command registered beside it (completion describes them all). */
  readonly needsAll?: boolean;
  readonly load: () => Promise<CommandModule>;
}

/** One line per command, in the order `vmunit --help` lists them. */
export const commandTable: readonly CommandEntry[] = [
  { name: 'run', load: () => import('./run.js') },
  { name: 'exec', load: () => import('./exec.js') },
  { name: 'standalone', load: () => import('./standalone.js') },
  { name: 'install', load: () => import('./install.js') },
  { name: 'new', load: () => import('./new.js') },
  { name: 'parse', load: () => import('./parse.js') },
  { name: 'kunit', load: () => import('./kunit.js') },
  { name: 'test', load: () => import('./test.js') },
  { name: 'report', load: () => import('./report.js') },
  { name: 'merge', load: () => import('./merge.js') },
  { name: 'compare', load: () => import('./compare.js') },
  { name: 'lava-job', load: () => import('./lava-job.js') },
  { name: 'completion', hidden: ['__complete'], needsAll: true, load: () => import('./completion.js') },
];

/**
 * The modules needed for this argv: only the named subcommand's, none for a bare --version, or all of them
 * when there is no subcommand or it is unknown (for --help and commander's "unknown command" suggestions).
 * The root command has no options but -h/-V, so the first word not starting with '-' is the subcommand.
 */
export async function loadCommands(args: readonly string[]): Promise<CommandModule[]> {
  const word = args.find((a) => !a.startsWith('-'));
  if (word === undefined && args.some(isVersionFlag) && !args.some(isHelpFlag)) return [];
  const entry = commandTable.find((e) => e.name === word || (word !== undefined && e.hidden?.includes(word)));
  const entries = entry === undefined || entry.needsAll ? commandTable : [entry];
  return Promise.all(entries.map((e) => e.load()));
}

const isVersionFlag = (a: string): boolean => a === '-V' || a === '--version';
const isHelpFlag = (a: string): boolean => a === '-h' || a === '--help';
