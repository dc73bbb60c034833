/**
 * Reporters: RunEvents in, console (kunit.py), KernelCI JSON, JUnit, KTAP, HTML and TAP 13 text out.
 * Must not import: guest, kernel, unit, scale, cli.
 *
 * Public surface of vmunit's reporters (`vmunit/reporters`): factories, renderers and the registry.
 */

export { checkWritable, openStreamSink, type TextSink, writeAtomic, writeDocument } from '../util/sink.js';
export { type ConsoleFactoryOptions, ConsoleReporter, createConsoleReporter } from './console.js';
export { htmlEscape, replaceInvalidXmlChars, xmlAttr, xmlText } from './escape.js';
export { formatFailure, formatLocation } from './failure-text.js';
export { createHtmlReporter, htmlFromEvents, renderHtml } from './html/index.js';
export {
  createKunitJsonReporter,
  type KunitJsonMetadata,
  type KunitJsonReporterOptions,
  kunitJson,
} from './json-kunit.js';
export {
  createJUnitReporter,
  type JUnitOptions,
  type JUnitReporterOptions,
  type JUnitStyle,
  treeToJUnit,
  XML_DECLARATION,
} from './junit.js';
export {
  createKtapReporter,
  type KtapReporterOptions,
  KtapWriter,
  treeToEvents,
  treeToKtap,
} from './ktap.js';
export { diagnosticLine, escapeKtapName, KTAP_HASH_SUBSTITUTE, resultLine } from './ktap-lines.js';
export {
  type OutputSpecInput,
  type OutputTarget,
  parseOutputSpecs,
  reportsBesideConsole,
  resolveInside,
  stdoutTaken,
} from './output.js';
export { createOutputReporter, type OutputContext } from './output-reporter.js';
export { Printer, type PrinterOptions } from './printer.js';
export {
  type CreateReporterOptions,
  createReporter,
  defaultFormat,
  isReporterFormat,
  REPORTER_FORMATS,
  type ReporterFormat,
} from './registry.js';
export { Tap13Reporter } from './tap13.js';
export { FanOutReporter, type Reporter, type ReporterOptions } from './types.js';
export { addVerdictCases } from './verdict.js';
