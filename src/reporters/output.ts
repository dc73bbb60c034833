/**
 * `--format` / `--output` resolution, shared by every command that reports results.
 *
 *   --format F            what stdout shows: console | json | junit | ktap | html | none
 *                         (default: console on a terminal, ktap otherwise)
 *   --output F:PATH       also write format F to PATH (repeatable; PATH `-` means stdout, replacing --format)
 *   --output PATH         also write to PATH, the format taken from --format when that names a file format
 *                         (`--format junit --output results.xml`, stdout then keeps its default) or else
 *                         from the extension: .xml junit, .json json, .ktap/.tap ktap, .html/.htm html,
 *                         .txt/.log console
 *
 * Tree formats (json, junit, html) are written to a temporary file and renamed on close, so a killed run
 * leaves the previous report or none, never half a file; ktap and console stream, so an interrupted run
 * leaves everything up to the interruption. With `resultsDir`, output paths (like guest logs) must stay
 * inside that folder.
 */

import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { VmunitError } from '../util/errors.js';
import {
  type CreateReporterOptions,
  createReporter,
  defaultFormat,
  isReporterFormat,
  type ReporterFormat,
} from './registry.js';
import { checkWritable } from './sink.js';
import { FanOutReporter } from './types.js';

/** One resolved destination. `path` is absolute, or '-' for stdout. */
export interface OutputTarget {
  readonly format: ReporterFormat;
  readonly path: string;
}

/** What the flags said, plus the facts needed to resolve them. */
export interface OutputSpecInput {
  readonly format?: string | undefined;
  readonly outputs?: readonly string[] | undefined;
  readonly isTTY: boolean;
  /** Base for relative paths when there is no results folder. */
  readonly cwd: string;
  /** When set, every relative path is resolved inside it, and absolute or `..` paths must stay inside. */
  readonly resultsDir?: string | undefined;
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
    `${flag}: unknown format '${name}' (choose from console, json, junit, ktap, html)`,
  );
}

/** Parses one `--output` value into a format and a raw path. */
function parseOutput(spec: string, fileFormat: ReporterFormat | undefined): OutputTarget {
  const colon = spec.indexOf(':');
  const prefix = colon > 0 ? spec.slice(0, colon) : '';
  if (isReporterFormat(prefix)) {
    const path = spec.slice(colon + 1);
    if (path === '') throw new VmunitError('USAGE', `--output ${spec}: missing path after '${prefix}:'`);
    return { format: prefix, path };
  }
  const format = fileFormat ?? BY_EXTENSION[extname(spec).toLowerCase()];
  if (format === undefined) {
    throw new VmunitError(
      'USAGE',
      `--output ${spec}: cannot tell the format; write FORMAT:${spec} or pass --format`,
    );
  }
  return { format, path: spec };
}

/** The pure part: flags → list of targets (stdout first when it gets anything). */
export function parseOutputSpecs(input: OutputSpecInput): OutputTarget[] {
  const stdoutFormat = input.format === undefined ? undefined : checkFormat(input.format, '--format');
  const outputs = input.outputs ?? [];
  // `--format junit --output results.xml`: the format names the bare file(s), stdout keeps its default.
  const hasBare = outputs.some((spec) => !isReporterFormat(spec.slice(0, Math.max(0, spec.indexOf(':')))));
  const fileFormat =
    hasBare && stdoutFormat !== undefined && stdoutFormat !== 'none' && stdoutFormat !== 'console'
      ? stdoutFormat
      : undefined;
  const targets = outputs.map((spec) => parseOutput(spec, fileFormat));
  const seen = new Set<string>();
  const resolved = targets.map((t) => {
    const path = resolvePath(t.path, input);
    if (seen.has(path))
      throw new VmunitError('USAGE', `--output: ${path === '-' ? 'stdout' : path} given twice`);
    seen.add(path);
    return { format: t.format, path };
  });
  if (seen.has('-') || stdoutFormat === 'none') return resolved;
  const onStdout =
    fileFormat !== undefined || stdoutFormat === undefined ? defaultFormat(input.isTTY) : stdoutFormat;
  return [{ format: onStdout as ReporterFormat, path: '-' }, ...resolved];
}

/** Where stdout-bound reporters write, whether colour is wanted there, and per-format settings. */
export interface OutputContext extends Omit<CreateReporterOptions, 'destination' | 'color'> {
  readonly stdout: NodeJS.WritableStream;
  /** Colour for stdout (files never get colour). */
  readonly color: boolean;
}

/**
 * One reporter per target behind a FanOutReporter. Paths for whole-document formats are probed now, so
 * an unwritable `--output` fails before the run rather than after it.
 */
export function createOutputReporter(targets: readonly OutputTarget[], ctx: OutputContext): FanOutReporter {
  const { stdout, color, ...settings } = ctx;
  const reporters = targets.map((t) => {
    if (t.path !== '-' && (t.format === 'json' || t.format === 'junit' || t.format === 'html')) {
      checkWritable(t.path);
    }
    const destination = t.path === '-' ? stdout : t.path;
    return createReporter(t.format, { ...settings, destination, color: t.path === '-' && color });
  });
  return new FanOutReporter(reporters);
}
