/**
 * `vmunit merge RECORD… --results DIR`: one record from the records of a sharded run (src/scale/merge.ts),
 * written to DIR/record.json so `vmunit report DIR` renders it like any run, plus any report formats.
 * Exit status as a run's: 1 when a test failed or is missing, 0 otherwise, 2 for records that cannot be
 * merged.
 */

import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { MergeFlags } from './merge-command.js';
import { addKcidbOptions } from './record-output.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Registers `vmunit merge`. */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  const cmd = program
    .command('merge')
    .argument('<records...>', 'results folders or record.json files, one per shard')
    .requiredOption('--results <dir>', 'folder for the merged record.json (and relative --output paths)')
    .option('--format <format>', 'stdout: console, ktap, junit, json, html, kcidb (default: result lines)')
    .option(
      '--output <spec>',
      'also write FORMAT:PATH (or PATH with a known extension); repeatable',
      collect,
      [],
    );
  addKcidbOptions(cmd).action(async (paths: string[], flags: MergeFlags) => {
    const { mergeCommand } = await import('./merge-command.js');
    setStatus(await mergeCommand(paths, flags, ctx));
  });
}
