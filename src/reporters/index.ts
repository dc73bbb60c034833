/**
 * Reporters: RunEvents in, console (kunit.py), KernelCI JSON, JUnit, KTAP and HTML text out.
 * Must not import: record, guest, kernel, unit, cli.
 *
 * Public surface of vmunit's reporters (`vmunit/reporters`): factories, renderers and the registry.
 */

export { type ConsoleFactoryOptions, ConsoleReporter, createConsoleReporter } from './console.js';
export { htmlEscape, replaceInvalidXmlChars, xmlAttr, xmlText } from './escape.js';
export { formatFailure, formatLocation } from './failure-text.js';
export { createHtmlReporter, type HtmlReportInfo, treeToHtml } from './html.js';
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
export { diagnosticLine, escapeKtapName, resultLine } from './ktap-lines.js';
export {
  createOutputReporter,
  type OutputContext,
  type OutputSpecInput,
  type OutputTarget,
  parseOutputSpecs,
  resolveInside,
} from './output.js';
export { Printer, type PrinterOptions } from './printer.js';
export {
  type CreateReporterOptions,
  createReporter,
  defaultFormat,
  isReporterFormat,
  REPORTER_FORMATS,
  type ReporterFormat,
} from './registry.js';
export { checkWritable, openStreamSink, type TextSink, writeAtomic, writeDocument } from './sink.js';
export { FanOutReporter, type Reporter, type ReporterOptions } from './types.js';
