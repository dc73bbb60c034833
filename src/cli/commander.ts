/**
 * commander, loaded with require. It is a CommonJS package: imported as ESM, Node 20 first scans its source
 * for the names it exports (cjs-module-lexer), ~5 ms of every command's start-up; require skips the scan.
 */

import { createRequire } from 'node:module';

type Commander = typeof import('commander');

const commander = createRequire(import.meta.url)('commander') as Commander;

export const Command = commander.Command;
export type Command = import('commander').Command;
export const CommanderError = commander.CommanderError;
export type CommanderError = import('commander').CommanderError;
export const InvalidArgumentError = commander.InvalidArgumentError;
export const Option = commander.Option;
export type Option = import('commander').Option;
