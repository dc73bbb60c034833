/**
 * commander, the one place the CLI imports it. A static import so that the bundle (scripts/bundle.mjs)
 * carries it: Node then neither resolves its seven files nor scans them for their exports at start-up.
 */

import * as commander from 'commander';

export const Command = commander.Command;
export type Command = commander.Command;
export const CommanderError = commander.CommanderError;
export type CommanderError = commander.CommanderError;
export const InvalidArgumentError = commander.InvalidArgumentError;
export const Option = commander.Option;
export type Option = commander.Option;
