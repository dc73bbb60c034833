/**
 * The subcommand table. Each module exports `register(program, ctx, setStatus)`; add one line per command.
 */

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import * as execCommand from './exec.js';
import * as installCommand from './install.js';
import * as kunitCommand from './kunit.js';
import * as newCommand from './new.js';
import * as runCommand from './run.js';
import * as standaloneCommand from './standalone.js';
import * as testCommand from './test.js';

export interface CommandModule {
  register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void;
}

export const commandModules: readonly CommandModule[] = [
  execCommand,
  standaloneCommand,
  installCommand,
  newCommand,
  runCommand,
  kunitCommand,
  testCommand,
];
