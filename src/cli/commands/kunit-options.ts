/**
 * The `vmunit kunit` command line: kunit.py's subcommands and flags, spelled as kunit.py spells them
 * (underscores) with dash aliases, its argv massaging (a bare `--json`, `--junit` or `--raw_output` never
 * swallows the next word), and its defaults (`--build_dir` from KBUILD_OUTPUT, `--jobs` = usable CPUs,
 * `--timeout` 300). Parsing only: the result is a typed `KunitCli` record.
 */

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from '../commander.js';
import { addKcidbOptions, type KcidbFlags, kcidbFlagsOf } from './record-output.js';
import type { SliceFlags } from './shard-options.js';

/** Subcommands in kunit.py's order. */
export const KUNIT_SUBCOMMANDS = ['run', 'config', 'build', 'exec', 'parse'] as const;
export type KunitSubcommand = (typeof KUNIT_SUBCOMMANDS)[number];

/** Every flag of every subcommand (absent ones keep their defaults). */
export interface KunitCli {
  readonly subcommand: KunitSubcommand;
  readonly kernelRoot: string | undefined;
  readonly buildDir: string;
  readonly makeOptions: string[];
  readonly alltests: boolean;
  readonly kunitconfig: string[];
  readonly kconfigAdd: string[];
  readonly arch: string;
  readonly crossCompile: string | undefined;
  readonly qemuConfig: string | undefined;
  readonly qemuArgs: string[];
  readonly jobs: number;
  readonly parallel: number;
  readonly timeout: number;
  readonly filterGlob: string;
  readonly filter: string;
  readonly filterAction: string | undefined;
  readonly kernelArgs: string[];
  readonly runIsolated: 'suite' | 'test' | undefined;
  readonly listTests: boolean;
  readonly listTestsAttr: boolean;
  readonly listSuites: boolean;
  readonly rawOutput: 'all' | 'kunit' | undefined;
  readonly json: string | undefined;
  readonly junit: string | undefined;
  readonly summary: boolean;
  readonly failed: boolean;
  readonly file: string | undefined;
  /** vmunit's --shard, --shard-total, --durations, --failed-from (isolated exec/run only). */
  readonly slice: SliceFlags;
  /** The shared output grammar (reporters/output.ts); --json/--junit stay kunit.py's. */
  readonly format: string | undefined;
  readonly outputs: readonly string[];
  /** `--origin`, `--log-url`: what a kcidb report needs. */
  readonly kcidb: KcidbFlags;
  /** parse: keep the run record (events.jsonl, record.json) in this folder. */
  readonly results: string | undefined;
}

/** kunit.py's pseudo-boolean flags: bare, they mean these values. */
export const BARE_VALUES: Readonly<Record<string, string>> = {
  '--json': 'stdout',
  '--junit': 'stdout',
  '--raw_output': 'kunit',
};

/** Long options with underscores, for the dash aliases (`--build-dir` → `--build_dir`). */
const UNDERSCORE_OPTIONS = [
  'build_dir',
  'make_options',
  'kconfig_add',
  'cross_compile',
  'qemu_config',
  'qemu_args',
  'filter_action',
  'kernel_args',
  'run_isolated',
  'list_tests',
  'list_tests_attr',
  'list_suites',
  'raw_output',
  'kernel_root',
];

/** Rewrites dash aliases to kunit.py spelling, then applies kunit.py's massage_argv. Stops at `--`. */
export function massageKunitArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let rest = false;
  for (const arg of argv) {
    if (rest || arg === '--' || !arg.startsWith('--')) {
      out.push(arg);
      if (arg === '--') rest = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const underscored = name.replaceAll('-', '_');
    const spelled = UNDERSCORE_OPTIONS.includes(underscored)
      ? `--${underscored}${eq < 0 ? '' : arg.slice(eq)}`
      : arg;
    out.push(BARE_VALUES[spelled] === undefined ? spelled : `${spelled}=${BARE_VALUES[spelled]}`);
  }
  return out;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError('expected a positive integer.');
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** kunit.py's default build dir: `$KBUILD_OUTPUT/.kunit` when set, else `.kunit`. */
export function defaultBuildDir(env: Readonly<Record<string, string | undefined>>): string {
  return env.KBUILD_OUTPUT ? join(env.KBUILD_OUTPUT, '.kunit') : '.kunit';
}

function addCommonOptions(cmd: Command, env: Readonly<Record<string, string | undefined>>): void {
  cmd
    .option(
      '--build_dir <DIR>',
      'As in the make command, it specifies the build directory.',
      defaultBuildDir(env),
    )
    .option('--make_options <X=Y>', 'X=Y make option, can be repeated.', collect)
    .option('--alltests', 'Run all KUnit tests via tools/testing/kunit/configs/all_tests.config', false)
    .option(
      '--kunitconfig <PATHS>',
      'Path to Kconfig fragment that enables KUnit tests. If given a directory, (e.g. lib/kunit), ' +
        '"/.kunitconfig" will get automatically appended. If repeated, the files are merged; ' +
        'conflicting values are an error.',
      collect,
    )
    .option(
      '--kconfig_add <CONFIG_X=Y>',
      'Additional Kconfig options to append to the .kunitconfig, e.g. CONFIG_KASAN=y. Can be repeated.',
      collect,
    )
    .option(
      '--arch <ARCH>',
      'Architecture to run tests under (the ARCH make value: um, x86_64, arm64, …). Non-UML architectures run on QEMU.',
      'um',
    )
    .option(
      '--cross_compile <PREFIX>',
      "Sets make's CROSS_COMPILE variable (a toolchain prefix such as sparc64-linux-gnu-).",
    )
    .option(
      '--qemu_config <FILE>',
      'A kunit.py qemu_configs file (QEMU_ARCH = QemuArchParams(...), read without running Python), or JSON with the same fields, or a .js/.mjs module exporting QEMU_ARCH.',
    )
    .option('--qemu_args <args>', 'Additional QEMU arguments, e.g. "-smp 8". Can be repeated.', collect);
}

function addExecOptions(cmd: Command): void {
  cmd
    .option(
      '--timeout <SECONDS>',
      'maximum number of seconds to allow for all tests to run (per kernel boot).',
      positiveInt,
      300,
    )
    .argument(
      '[filter_glob]',
      'Filter which KUnit test suites/tests run at boot-time, e.g. list* or list*.*del_test',
      '',
    )
    .option('--filter <filter>', 'Filter KUnit tests with attributes, e.g. module=example or speed>slow', '')
    .addOption(
      new Option('--filter_action <action>', 'If set to skip, filtered tests will be skipped.').choices([
        'skip',
      ]),
    )
    .option('--kernel_args <arg>', 'Kernel command-line parameters. May be repeated.', collect)
    .addOption(
      new Option(
        '--run_isolated <mode>',
        'Boot the kernel for each individual suite/test (vmunit: boots run in parallel, results merged).',
      ).choices(['suite', 'test']),
    )
    .option(
      '-j, --parallel <N>',
      'Kernels booted at once by --run_isolated (vmunit extension).',
      positiveInt,
      availableParallelism(),
    )
    .option('--shard <i/N>', 'With --run_isolated: only shard i of N of the boots (vmunit extension).')
    .option('--shard-total <N>', 'Shard count for a 0-based JOB_COMPLETION_INDEX (vmunit extension).')
    .option('--durations <results>', 'Balance shards by the durations in this record (vmunit extension).')
    .option(
      '--failed-from <results>',
      'With --run_isolated: only the suites that failed in this record (vmunit extension).',
    )
    .option('--list_tests', 'If set, list all tests that will be run.', false)
    .option('--list_tests_attr', 'If set, list all tests and test attributes.', false)
    .option('--list_suites', 'If set, list all suites that will be run.', false);
}

/**
 * kunit.py's add_parse_opts (`--raw_output`, `--json`, `--junit`, with its help text), shared by
 * `vmunit kunit run|exec|parse` and `vmunit parse` so the two spellings of kunit.py parse cannot drift.
 */
export function addKunitParseOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--raw_output [mode]',
        "If set don't parse output from kernel. By default, filters to just KUnit output. Use --raw_output=all to show everything",
      ).choices(['all', 'full', 'kunit']),
    )
    .option(
      '--json [FILE]',
      'Prints parsed test results as JSON to stdout or a file if a filename is specified. Does nothing if --raw_output is set.',
    )
    .option(
      '--junit [FILE]',
      'Prints parsed test results as JUnit XML to stdout or a file if a filename is specified. Does nothing if --raw_output is set.',
    )
    .option(
      '--summary',
      'Prints only the summary line for parsed test results. Does nothing if --raw_output is set.',
    )
    .option(
      '--failed',
      'Prints only the failed parsed test results and summary line. Does nothing if --raw_output is set.',
    );
}

const HELP: Readonly<Record<KunitSubcommand, string>> = {
  run: 'Runs KUnit tests.',
  config: 'Ensures that .config contains all of the options in .kunitconfig',
  build: 'Builds a kernel with KUnit tests',
  exec: 'Run a kernel with KUnit tests',
  parse: 'Parses KUnit results from a file, and parses formatted results.',
};

/** Where the inner program writes help and usage errors. */
export interface ProgramOutput {
  readonly writeOut: (text: string) => void;
  readonly writeErr: (text: string) => void;
}

/**
 * Builds the inner `vmunit kunit` program; `onParsed` receives the typed options of the chosen subcommand.
 * Usage errors throw CommanderError (never exit the process): subcommands inherit exitOverride and the
 * output settings only when they are set before the subcommands are added, hence here.
 */
export function buildKunitProgram(
  env: Readonly<Record<string, string | undefined>>,
  onParsed: (cli: KunitCli) => Promise<void>,
  output: ProgramOutput,
): Command {
  const program = new Command('vmunit kunit')
    .description('Helps writing and running KUnit tests (kunit.py-compatible).')
    .exitOverride()
    .configureOutput(output);
  for (const name of KUNIT_SUBCOMMANDS) {
    const cmd = program.command(name).description(HELP[name]);
    if (name !== 'parse') addCommonOptions(cmd, env);
    // kunit.py's hidden completion hook sits after the common options (after the parse options for parse).
    if (name !== 'parse') cmd.addOption(listOptsOption());
    if (name === 'run' || name === 'build')
      cmd.option(
        '--jobs <N>',
        'As in the make command: the number of jobs to run simultaneously.',
        positiveInt,
        availableParallelism(),
      );
    if (name === 'run' || name === 'exec') addExecOptions(cmd);
    if (name !== 'config' && name !== 'build') {
      addKunitParseOptions(cmd)
        .option(
          '--format <format>',
          'stdout: a report (ktap, junit, json, html, tap13, kcidb) instead of the console (vmunit extension)',
        )
        .option(
          '-o, --output <[format:]path>',
          'also write a report file (repeatable; format from the extension) (vmunit extension)',
          (value: string, previous: string[]) => [...previous, value],
          [],
        );
      addKcidbOptions(cmd);
    }
    if (name === 'parse') {
      cmd.argument('[input_file]', 'Specifies the file to read results from.');
      cmd.addOption(listOptsOption());
      cmd.option(
        '--results <dir>',
        'keep the run record (events.jsonl, record.json) in this folder (vmunit extension)',
      );
    }
    cmd.option(
      '--kernel_root <DIR>',
      'Linux source tree (default: the current directory) (vmunit extension).',
    );
    cmd.action(async (...args: unknown[]) => {
      const command = args.at(-1) as Command;
      if (command.opts().listOpts === true) {
        output.writeOut(`${listOpts(command)}\n`);
        return;
      }
      await onParsed(toCli(name, command.opts(), command.processedArgs));
    });
  }
  return program;
}

function listOptsOption(): Option {
  return new Option('--list-opts', 'Print the option strings (bash completion hook).').hideHelp();
}

/** Options vmunit adds to kunit.py's: listed after kunit.py's own, so kunit.py's list stays a prefix. */
const VMUNIT_ONLY_OPTIONS = new Set([
  '--kernel_root',
  '--parallel',
  '--shard',
  '--shard-total',
  '--durations',
  '--failed-from',
  '--format',
  '--output',
  '--origin',
  '--log-url',
  '--results',
]);

/**
 * kunit.py's `--list-opts`: the subcommand's option strings in definition order (`-h --help` first), as
 * its bash completion reads them; vmunit's own options follow.
 */
export function listOpts(cmd: Command): string {
  const strings = (o: Option) => [o.short, o.long].filter((s): s is string => s !== undefined);
  const own = cmd.options.filter((o) => !VMUNIT_ONLY_OPTIONS.has(o.long ?? ''));
  const extra = cmd.options.filter((o) => VMUNIT_ONLY_OPTIONS.has(o.long ?? ''));
  return ['-h', '--help', ...own.flatMap(strings), ...extra.flatMap(strings)].join(' ');
}

/** kunit.py's root-level hooks: `--list-cmds` (the subcommands) and `--list-opts` (the root's options). */
export function rootListing(args: readonly string[]): string | undefined {
  const sub = args.findIndex((a) => (KUNIT_SUBCOMMANDS as readonly string[]).includes(a));
  const before = sub < 0 ? args : args.slice(0, sub);
  if (before.includes('--list-cmds')) return KUNIT_SUBCOMMANDS.join(' ');
  if (before.includes('--list-opts') && sub < 0) return '-h --help --list-cmds --list-opts';
  return undefined;
}

function toCli(subcommand: KunitSubcommand, o: Record<string, unknown>, positional: unknown[]): KunitCli {
  const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : []);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const raw = str(o.raw_output) ?? (o.raw_output === true ? 'kunit' : undefined);
  return {
    subcommand,
    kernelRoot: str(o.kernel_root),
    buildDir: str(o.build_dir) ?? '.kunit',
    makeOptions: list(o.make_options),
    alltests: o.alltests === true,
    kunitconfig: list(o.kunitconfig),
    kconfigAdd: list(o.kconfig_add),
    arch: str(o.arch) ?? 'um',
    crossCompile: str(o.cross_compile),
    qemuConfig: str(o.qemu_config),
    qemuArgs: list(o.qemu_args),
    jobs: typeof o.jobs === 'number' ? o.jobs : availableParallelism(),
    parallel: typeof o.parallel === 'number' ? o.parallel : availableParallelism(),
    timeout: typeof o.timeout === 'number' ? o.timeout : 300,
    filterGlob: subcommand === 'parse' ? '' : (str(positional[0]) ?? ''),
    filter: str(o.filter) ?? '',
    filterAction: str(o.filter_action),
    kernelArgs: list(o.kernel_args),
    runIsolated: o.run_isolated === 'suite' || o.run_isolated === 'test' ? o.run_isolated : undefined,
    listTests: o.list_tests === true,
    listTestsAttr: o.list_tests_attr === true,
    listSuites: o.list_suites === true,
    // 'full' is mainline's synonym of 'all'.
    rawOutput: raw === undefined ? undefined : raw === 'kunit' ? 'kunit' : 'all',
    json: o.json === true ? 'stdout' : str(o.json),
    junit: o.junit === true ? 'stdout' : str(o.junit),
    summary: o.summary === true,
    failed: o.failed === true,
    file: subcommand === 'parse' ? str(positional[0]) : undefined,
    format: str(o.format),
    outputs: list(o.output),
    kcidb: kcidbFlagsOf(o),
    results: str(o.results),
    slice: sliceFlags(o),
  };
}

function sliceFlags(o: Record<string, unknown>): SliceFlags {
  const pick = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const [shard, shardTotal, durations, failed] = [o.shard, o.shardTotal, o.durations, o.failedFrom].map(pick);
  return {
    ...(shard === undefined ? {} : { shard }),
    ...(shardTotal === undefined ? {} : { shardTotal }),
    ...(durations === undefined ? {} : { durations }),
    ...(failed === undefined ? {} : { failed }),
  };
}
