/**
 * The KTAP core: streaming parser, extraction, grammar, directives, result tree, counts and the status rule.
 * Must not import: reporters, record, guest, kernel, unit, cli.
 */

export {
  CountTracker,
  type CountTrackerOptions,
  type FailedNode,
  type FinishedTest,
  summarizeFailures,
} from './counts.js';
export { directiveOf, parseDirectiveText } from './directive.js';
export { extractKtap, KTAP_END_MARKERS, KtapExtractor } from './extract.js';
export {
  ATTRIBUTE,
  attributeOf,
  type ClassifiedLine,
  classifyLine,
  GRAMMAR,
  type LineKind,
  type Production,
  parseResultLine,
  RESULT_SKIP,
  type ResultLine,
} from './line-type.js';
export * from './model.js';
export { KtapParser, type KtapParserOptions, parseKtapLines } from './parser.js';
export {
  aggregateStatus,
  applyBubbleUp,
  countStatuses,
  rootStatus,
  type StatusRule,
  settleLeaf,
  settleStatus,
  suiteStatus,
} from './status.js';
export { buildTree, TreeBuilder } from './tree.js';
