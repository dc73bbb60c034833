/**
 * Shell completion, the logic: what may come at the cursor of a `vmunit …` command line. The command and
 * option names come from the commander program itself (`modelOf`), so completion cannot drift from the
 * CLI; test names, groups and kunit suites come from `CompletionSources` (the tree's unittests.cfg, the
 * kunit build dir's suite cache), so this file stays pure.
 */

import type { Command } from 'commander';

/** One option as completion sees it. */
export interface OptionModel {
  readonly flags: readonly string[];
  readonly takesValue: boolean;
  /** The long name without dashes ('directory', 'build_dir'). */
  readonly name: string;
}

/** A command and what may follow it. */
export interface CommandModel {
  readonly name: string;
  readonly options: readonly OptionModel[];
  readonly subcommands: readonly CommandModel[];
}

/** Where dynamic candidates come from; `dir` is a value given on the line (-C, --build_dir), if any. */
export interface CompletionSources {
  tests(dir: string | undefined): Promise<string[]>;
  groups(dir: string | undefined): Promise<string[]>;
  suites(buildDir: string | undefined): string[];
  formats(command: string): string[];
}

/** What to offer: words, or the shell's own file-name completion. */
export type Completion = { readonly kind: 'words'; readonly words: string[] } | { readonly kind: 'files' };

/** The completion model of a commander program (hidden commands left out). */
export function modelOf(command: Command, extra: Readonly<Record<string, Command>> = {}): CommandModel {
  const visible = command.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
  return {
    name: command.name(),
    options: [...command.options, ...(command.commands.length === 0 ? [helpOption] : [])].map((o) => ({
      flags: [o.short, o.long].filter((f): f is string => f !== undefined),
      takesValue: o.required || o.optional,
      name: (o.long ?? o.short ?? '').replace(/^-+/, ''),
    })),
    subcommands: visible.map((c) => {
      const inner = extra[c.name()];
      return inner === undefined ? modelOf(c) : { ...modelOf(inner), name: c.name() };
    }),
  };
}

const helpOption = { short: '-h', long: '--help', required: false, optional: false };

/** Options whose value is a file or folder: the shell completes those itself. */
const PATH_OPTIONS = new Set([
  'directory',
  'results',
  'output',
  'dir',
  'sdk',
  'prefix',
  'build_dir',
  'kernel_root',
  'kunitconfig',
  'json',
  'junit',
  'ktap',
  'qemu_config',
]);

/** Commands whose positional arguments are the tree's test names. */
const TEST_NAME_COMMANDS = new Set(['run', 'standalone', 'install']);

/** Joins bash's `--opt = value` word split back into `--opt=value`. Pure. */
function rejoin(words: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '=' && out.length > 0) out[out.length - 1] = `${out.at(-1)}=${words[++i] ?? ''}`;
    else out.push(w);
  }
  return out;
}

/** Where the words before the cursor leave us: the command, its path, option values, an option awaiting one. */
interface LineState {
  readonly command: CommandModel;
  readonly path: string;
  readonly values: ReadonlyMap<string, string>;
  readonly pending: OptionModel | undefined;
}

function walk(root: CommandModel, line: readonly string[]): LineState {
  let command = root;
  const path: string[] = [];
  const values = new Map<string, string>();
  let pending: OptionModel | undefined;
  for (const word of line) {
    if (pending !== undefined) {
      values.set(pending.name, word);
      pending = undefined;
      continue;
    }
    const [flag, inline] = word.startsWith('--') ? (word.split(/=(.*)/s) as [string, string?]) : [word];
    const option = command.options.find((o) => o.flags.includes(flag));
    if (option?.takesValue) {
      if (inline === undefined) pending = option;
      else values.set(option.name, inline);
    } else if (option === undefined && !word.startsWith('-')) {
      const sub = command.subcommands.find((c) => c.name === word);
      if (sub !== undefined) {
        command = sub;
        path.push(word);
      }
    }
  }
  return { command, path: path.join(' '), values, pending };
}

/**
 * bash splits `--format=j` at the cursor into `--format`, `=`, `j` (or `--format`, `=` right after the
 * `=`) and replaces only the last word: complete it as the option's separate value, without the `--format=`.
 */
function bashValueWords(words: readonly string[]): string[] {
  if (words.at(-1) === '=') return [...words.slice(0, -1), ''];
  if (words.at(-2) === '=') return [...words.slice(0, -2), words.at(-1) ?? ''];
  return [...words];
}

/**
 * Candidates for the last word of `words` (the words after `vmunit`, the last being the one under the
 * cursor, possibly empty). Pure but for what `sources` reads.
 */
export async function complete(
  root: CommandModel,
  words: readonly string[],
  sources: CompletionSources,
): Promise<Completion> {
  const line = rejoin(bashValueWords(words));
  const current = line.pop() ?? '';
  const { command, path, values, pending } = walk(root, line);
  const offer = (list: readonly string[], prefix = ''): Completion => ({
    kind: 'words',
    words: list.map((w) => prefix + w).filter((w) => w.startsWith(current)),
  });
  const inline = /^(--[^=]+)=/s.exec(current);
  const valueFor =
    pending ??
    (inline ? command.options.find((o) => o.takesValue && o.flags.includes(inline[1] ?? '')) : undefined);
  if (valueFor !== undefined) {
    const prefix = pending === undefined ? (inline?.[0] ?? '') : '';
    if (valueFor.name === 'format') return offer(sources.formats(path), prefix);
    if (valueFor.name === 'group') return offer(await sources.groups(values.get('directory')), prefix);
    return PATH_OPTIONS.has(valueFor.name) ? { kind: 'files' } : { kind: 'words', words: [] };
  }
  if (current.startsWith('-')) return offer(command.options.flatMap((o) => o.flags));
  if (command.subcommands.length > 0) return offer(command.subcommands.map((c) => c.name));
  if (TEST_NAME_COMMANDS.has(path)) return offer(await sources.tests(values.get('directory')));
  if (path === 'kunit run' || path === 'kunit exec') return offer(sources.suites(values.get('build_dir')));
  return { kind: 'files' };
}
