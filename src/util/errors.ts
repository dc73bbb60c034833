/**
 * Typed errors with a stable `code` and a `cause`. They are turned into exit codes only at the CLI boundary
 * (`exitCodeFor`), never downgraded to a bool and a log line.
 */

/** Stable error codes. Add new ones here so that the CLI and tests can switch on them. */
export type VmunitErrorCode =
  | 'USAGE'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_INVALID'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_INVALID'
  | 'TEST_NOT_FOUND'
  | 'QEMU_NOT_FOUND'
  | 'ACCEL_UNAVAILABLE'
  | 'SPAWN_FAILED'
  | 'QMP_FAILED'
  | 'QMP_TIMEOUT'
  | 'QMP_CLOSED'
  | 'QMP_EXITING'
  | 'BUILD_FAILED'
  | 'KCONFIG_FAILED'
  | 'OUTPUT_UNWRITABLE'
  | 'PATH_ESCAPE'
  | 'INTERRUPTED'
  | 'INTERNAL';

/** Where in an input file an error sits. */
export interface FilePosition {
  readonly file: string;
  readonly line?: number;
}

export interface VmunitErrorOptions {
  readonly cause?: unknown;
  readonly position?: FilePosition;
}

/** Marks a VmunitError of any copy of this module (see hasInstance below). */
const BRAND = Symbol.for('vmunit.error');

/** Base class of every error vmunit raises on purpose. */
export class VmunitError extends Error {
  /**
   * `instanceof VmunitError` holds for the VmunitErrors of every copy of this module: the CLI bundle has
   * one and the unit library in dist/ (which the user's test files import) another, and errors made by one
   * reach the other. Subclasses keep the usual prototype test.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of instanceof (a subclass).
    if (this !== VmunitError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && BRAND in value;
  }

  readonly code: VmunitErrorCode;
  readonly position: FilePosition | undefined;

  constructor(code: VmunitErrorCode, message: string, options: VmunitErrorOptions = {}) {
    super(
      withPosition(message, options.position),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'VmunitError';
    this.code = code;
    this.position = options.position;
  }
}

Object.defineProperty(VmunitError.prototype, BRAND, { value: true });

function withPosition(message: string, position: FilePosition | undefined): string {
  if (position === undefined) return message;
  const where = position.line === undefined ? position.file : `${position.file}:${position.line}`;
  return `${where}: ${message}`;
}

/** Exit status for an error that escaped to the CLI: harness and input errors are 2, as the issues ask. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof VmunitError && error.code === 'INTERRUPTED') return 130;
  return 2;
}

/**
 * An error and its causes on one line, `message: cause: cause…`, so that "cannot prepare results folder X"
 * also says ENOTDIR. A cause whose text the message already contains is not repeated. Errors vmunit did not
 * raise on purpose keep their stack: they are bugs, and the stack is what a report needs (`stackOf` writes
 * it: the CLI maps its bundle's frames to src/, util/stack-map.ts).
 */
export function formatErrorChain(error: unknown, stackOf: (error: Error) => string = plainStack): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 8; depth++) {
    const text = describe(current, depth === 0, stackOf);
    if (!parts.some((p) => p.includes(text)) && !saysMissingTwice(parts, current)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

/** ENOENT under a message that already says "not found" adds nothing but noise. */
function saysMissingTwice(parts: readonly string[], cause: unknown): boolean {
  return (cause as { code?: unknown }).code === 'ENOENT' && parts.some((p) => p.includes('not found'));
}

function plainStack(error: Error): string {
  return String(error.stack ?? error.message);
}

function describe(error: unknown, top: boolean, stackOf: (error: Error) => string): string {
  if (error instanceof VmunitError) return error.message;
  if (error instanceof Error) return top ? stackOf(error) : error.message;
  return String(error);
}
