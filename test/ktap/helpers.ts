/** Test helpers for the KTAP core: run lines through the parser, the console and the tree. */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../src/events/types.js';
import type { TestNode } from '../../src/ktap/model.js';
import { KtapParser, type KtapParserOptions } from '../../src/ktap/parser.js';
import { buildTree } from '../../src/ktap/tree.js';
import { ConsoleReporter } from '../../src/reporters/console.js';
import { Printer } from '../../src/reporters/printer.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'ktap');

/** Every event for a list of lines. */
export function parseAll(lines: readonly string[], options: KtapParserOptions = {}): RunEvent[] {
  const parser = new KtapParser(options);
  const events: RunEvent[] = [];
  // Loops, not push(...spread): a truncated huge plan yields more events than a call's argument limit.
  for (const line of lines) for (const e of parser.push(line)) events.push(e);
  for (const e of parser.end()) events.push(e);
  return events;
}

/** The tree for a text (split on '\n'). */
export function treeOf(text: string, options: KtapParserOptions = {}): TestNode {
  return buildTree(parseAll(text.split('\n'), options));
}

/** A fixed clock at 12:34:56 local time. */
export const FIXED_NOW = () => new Date(2026, 0, 1, 12, 34, 56).getTime();

/** Console output of a list of lines, time stamps removed. */
export function consoleOf(lines: readonly string[], color = false, options: KtapParserOptions = {}): string {
  let text = '';
  const printer = new Printer({ write: (t) => (text += t), color, now: FIXED_NOW });
  const reporter = new ConsoleReporter({ printer });
  for (const event of parseAll(lines, options)) reporter.onEvent(event);
  return text.replaceAll('[12:34:56] ', '');
}

/** A fixture log's lines as kunit.py reads a file (str.splitlines()). */
export function fixtureLines(name: string): string[] {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  const lines = text.split(/\r\n|[\n\v\f\r\x1c-\x1e\x85\u2028\u2029]/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Short text form of a tree for assertions: `name:STATUS[children]`. */
export function shape(node: TestNode): string {
  const kids = node.subtests.map(shape).join(',');
  return `${node.name}:${node.status}${kids ? `[${kids}]` : ''}`;
}
