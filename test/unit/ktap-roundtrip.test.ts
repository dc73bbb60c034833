import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/types.js';
import type { TestNode } from '../../src/ktap/model.js';
import { KtapParser } from '../../src/ktap/parser.js';
import { buildTree } from '../../src/ktap/tree.js';
import { KtapWriter } from '../../src/reporters/ktap.js';
import { runTests } from '../../src/unit/runner.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** What must survive KTAP: names, numbers, statuses, skip directives, nesting, counts, attributes. */
interface Shape {
  name: string;
  number: number | undefined;
  status: string;
  skip: string | undefined;
  counts: TestNode['counts'];
  attributes: Record<string, string>;
  subtests: Shape[];
}

function shape(node: TestNode): Shape {
  return {
    name: node.name,
    number: node.number,
    status: node.status,
    skip: node.directive?.kind === 'SKIP' ? node.directive.reason : undefined,
    counts: node.counts,
    attributes: node.attributes,
    subtests: node.subtests.map(shape),
  };
}

describe('KTAP round trip', async () => {
  const events: RunEvent[] = [];
  await runTests(
    {
      files: [fixture('basic.kunit.ts'), fixture('hooks.kunit.ts')],
      isolation: 'none',
      rootDir: process.cwd(),
    },
    (e) => events.push(e),
  );
  let text = '';
  const writer = new KtapWriter((t) => {
    text += t;
  });
  for (const e of events) writer.push(e);
  writer.close();
  const parser = new KtapParser();
  const parsed: RunEvent[] = [];
  for (const line of text.split('\n')) parsed.push(...parser.push(line));
  parsed.push(...parser.end());

  it('prints KUnit-shaped KTAP: suite headers, attributes, nested parameter results', () => {
    const lines = text.split('\n');
    assert.equal(lines[0], 'KTAP version 1');
    assert.equal(lines[1], '1..2');
    assert.ok(lines.includes('    # Subtest: basic'), text);
    assert.ok(lines.includes('    # module: basic_mod'), text);
    assert.ok(lines.includes('        # Subtest: params'), text);
    assert.ok(lines.includes('        not ok 3 value 3'), text);
    assert.ok(lines.includes('    ok 5 skipped # SKIP not today'), text);
  });

  it('parsing the printed KTAP gives the same tree as folding the events', () => {
    assert.deepEqual(shape(buildTree(parsed)), shape(buildTree(events)));
  });
});
