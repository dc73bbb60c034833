/**
 * What commands that write a record's reports share beyond record/render.ts: run_tests.sh-style result
 * lines from a record, and the KCIDB flags (`--origin`, `--log-url`).
 */

import type { Command } from 'commander';
import type { RecordTest, RunRecord } from '../../record/types.js';

/**
 * `PASS setjmp (10 tests)`, `FAIL ioapic (timeout; duration=90s)`, `MISS sieve (missing from shard 2/3 …)`:
 * run_tests.sh's result line, byte for byte (it keeps the space before an empty summary). A guest summary
 * is stored with its parentheses, a harness reason without.
 */
export function verdictLine(t: RecordTest): string {
  const reason = t.reason ?? '';
  const text = reason === '' || (reason.startsWith('(') && reason.endsWith(')')) ? reason : `(${reason})`;
  return `${t.verdict} ${t.name} ${text}`;
}

export function verdictLines(record: RunRecord): string {
  return record.tests.map((t) => `${verdictLine(t)}\n`).join('');
}

/** The KCIDB flags every command that can write `--format kcidb` takes. */
export interface KcidbFlags {
  readonly origin?: string;
  readonly logUrl?: string;
}

export function addKcidbOptions(cmd: Command): Command {
  return cmd
    .option('--origin <name>', 'KCIDB origin ([a-z0-9_]+), required by the kcidb format')
    .option('--log-url <url>', "KCIDB: where the results folder is published (log_url = URL/<test's log>)");
}

/** The KCIDB flags among a command's parsed options (commander's `origin`, `logUrl`). */
export function kcidbFlagsOf(options: Readonly<Record<string, unknown>>): KcidbFlags {
  const { origin, logUrl } = options;
  return {
    ...(typeof origin === 'string' ? { origin } : {}),
    ...(typeof logUrl === 'string' ? { logUrl } : {}),
  };
}

/** Reporter settings from the KCIDB flags. */
export function kcidbOptions(flags: KcidbFlags): { origin?: string; logUrlBase?: string } {
  return {
    ...(flags.origin === undefined ? {} : { origin: flags.origin }),
    ...(flags.logUrl === undefined ? {} : { logUrlBase: flags.logUrl }),
  };
}
