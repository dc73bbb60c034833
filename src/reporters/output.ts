/**
 * `--format` / `--output`: the one output grammar of every command that reports results (run, test, parse,
 * kunit, report).
 *
 *   --format F            what stdout shows: console | json | junit | ktap | html | tap13 | none
 *                         (default: console on a terminal, ktap otherwise; `vmunit run`: its result lines)
 *   --output F:PATH       write format F to PATH (repeatable; PATH `-` is stdout, over --format)
 *   --output PATH         the format from the extension: .xml junit, .json json, .ktap/.tap ktap,
 *                         .html/.htm html, .txt/.log console; a PATH without one (or `-`) takes the
 *                         format of the single --format given
 *
 * A `--format F` that an `--output` also writes is paired with it (`--format junit --output r.xml` writes
 * r.xml, and stdout keeps its default), as `vmunit run`'s pairs always were. For `vmunit run`, a --format
 * left unpaired goes to its default file in the results folder (`defaultFiles`); for the other commands,
 * to stdout (one format at most). Whether the human lines must leave stdout is `stdoutTaken`.
 *
 * Tree formats (json, junit, html) are written to a temporary file and renamed on close, so a killed run
 * leaves the previous report or none, never half a file; ktap and console stream, so an interrupted run
 * leaves everything up to the interruption. With `resultsDir`, output paths (like guest logs) must stay
 * inside that folder.
 */

import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { defaultFormat, isReporterFormat, REPORTER_FORMATS, type ReporterFormat } from './formats.js';

/** One resolved destination. `path` is absolute, or '-' for stdout. */
export interface OutputTarget {
  readonly format: ReporterFormat;
  readonly path: string;
}

/** What the flags said, plus the facts needed to resolve them. */
export interface OutputSpecInput {
  /** --format value(s). */
  readonly format?: string | readonly string[] | undefined;
  readonly outputs?: readonly string[] | undefined;
  readonly isTTY: boolean;
  /** Base for relative paths when there is no results folder. */
  readonly cwd: string;
  /** When set, every relative path is resolved inside it, and absolute or `..` paths must stay inside. */
  readonly resultsDir?: string | undefined;
  /**
   * `vmunit run`: an unpaired --format goes to this file (its results folder's; stdout when the format
   * has none, as in a dry run), and stdout keeps the command's own lines when no report is sent there.
   */
  readonly defaultFiles?: Readonly<Partial<Record<ReporterFormat, string>>>;
  /**
   * The command prints its own lines on stdout when no report goes there (run's result lines, parse's
   * kunit.py console), instead of the default format.
   */
  readonly ownStdout?: boolean;
}

const BY_EXTENSION: Readonly<Record<string, ReporterFormat>> = {
  '.xml': 'junit',
  '.json': 'json',
  '.ktap': 'ktap',
  '.tap': 'ktap',
  '.html': 'html',
  '.htm': 'html',
  '.txt': 'console',
  '.log': 'console',
};

/**
 * Resolves `relativePath` against `root` and refuses anything that leaves it (`..`, absolute paths
 * elsewhere, NUL bytes). The check is lexical: symlinks inside the folder are the folder owner's business.
 */
export function resolveInside(root: string, relativePath: string): string {
  const base = resolve(root);
  if (relativePath.includes('\0')) {
    throw new VmunitError('PATH_ESCAPE', `path contains a NUL byte: ${JSON.stringify(relativePath)}`);
  }
  const target = resolve(base, relativePath);
  const rel = relative(base, target);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new VmunitError('PATH_ESCAPE', `path ${JSON.stringify(relativePath)} leaves ${base}`);
  }
  return target;
}

function resolvePath(path: string, input: OutputSpecInput): string {
  if (path === '-') return '-';
  return input.resultsDir === undefined ? resolve(input.cwd, path) : resolveInside(input.resultsDir, path);
}

function checkFormat(name: string, flag: string): ReporterFormat | 'none' {
  if (name === 'none' || isReporterFormat(name)) return name;
  throw new VmunitError(
    'USAGE',
    `${flag}: unknown format '${name}' (choose from ${REPORTER_FORMATS.join(', ')}, none)`,
  );
}

/** Parses one `--output` value into a format and a raw path. */
function parseOutput(spec: string, onlyFormat: ReporterFormat | undefined): OutputTarget {
  const colon = spec.indexOf(':');
  const prefix = colon > 0 ? spec.slice(0, colon) : '';
  if (isReporterFormat(prefix)) {
    const path = spec.slice(colon + 1);
    if (path === '') throw new VmunitError('USAGE', `--output ${spec}: missing path after '${prefix}:'`);
    return { format: prefix, path };
  }
  const format = (spec === '-' ? undefined : BY_EXTENSION[extname(spec).toLowerCase()]) ?? onlyFormat;
  if (format === undefined) {
    throw new VmunitError(
      'USAGE',
      `--output ${spec}: cannot tell the format; write FORMAT:${spec} or give one --format`,
    );
  }
  return { format, path: spec };
}

/** The pure part: flags → list of targets (stdout first when it gets anything). */
export function parseOutputSpecs(input: OutputSpecInput): OutputTarget[] {
  const raw =
    input.format === undefined ? [] : typeof input.format === 'string' ? [input.format] : input.format;
  const formats = raw.map((f) => checkFormat(f, '--format'));
  const reports = formats.filter((f): f is ReporterFormat => f !== 'none');
  const only = reports.length === 1 ? reports[0] : undefined;
  const targets = (input.outputs ?? []).map((spec) => parseOutput(spec, only));
  const unpaired = reports.filter((f) => !targets.some((t) => t.format === f));
  // An explicit `--output F:-` decides what stdout shows, over --format.
  const stdoutGiven = targets.some((t) => t.path === '-');
  for (const format of unpaired) {
    const file = input.defaultFiles?.[format];
    if (file !== undefined) targets.push({ format, path: file });
    else if (!stdoutGiven) targets.push({ format, path: '-' });
  }
  const seen = new Set<string>();
  const resolved = targets.map((t) => {
    const path = resolvePath(t.path, input);
    if (seen.has(path)) {
      const what = path === '-' ? 'stdout' : path;
      throw new VmunitError('USAGE', `--format/--output: ${what} given twice`);
    }
    seen.add(path);
    return { format: t.format, path };
  });
  const stdout = resolved.filter((t) => t.path === '-');
  const files = resolved.filter((t) => t.path !== '-');
  if (stdout.length > 0 || formats.includes('none') || input.ownStdout === true) {
    return [...stdout, ...files];
  }
  return [{ format: defaultFormat(input.isTTY), path: '-' }, ...files];
}

/**
 * The reports of a command whose own output is kunit.py's console (parse, kunit): stdout keeps that console
 * unless a report takes it, and `--format console` asks for nothing more.
 */
export function reportsBesideConsole(input: Omit<OutputSpecInput, 'ownStdout'>): OutputTarget[] {
  return parseOutputSpecs({ ...input, ownStdout: true }).filter(
    (t) => !(t.path === '-' && t.format === 'console'),
  );
}

/** True when a report (not the human console) goes to stdout: the command's own lines then use stderr. */
export function stdoutTaken(targets: readonly OutputTarget[]): boolean {
  return targets.some((t) => t.path === '-' && t.format !== 'console');
}
