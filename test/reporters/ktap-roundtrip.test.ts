/**
 * Round trip: events → KTAP text (KtapWriter) → vmunit's KTAP parser → tree, compared with the tree built
 * from the original events. Inputs: every kunit.py tree in the JUnit fixtures (real KUnit logs as kunit.py
 * parsed them) and the hand-built sequences.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/types.js';
import type { TestNode } from '../../src/ktap/model.js';
import { KtapParser } from '../../src/ktap/parser.js';
import { buildTree } from '../../src/ktap/tree.js';
import { formatFailure } from '../../src/reporters/failure-text.js';
import { eventsToKtap, treeToKtap } from '../../src/reporters/ktap.js';
import { diagnosticLine } from '../../src/reporters/ktap-lines.js';
import { checkKtap } from './ktap-check.js';
import { dumpToEvents, readDump } from './kunit-tree.js';
import { richEvents } from './sample-events.js';

function parse(text: string): TestNode {
  const parser = new KtapParser();
  const events: RunEvent[] = [];
  for (const line of text.replace(/\n$/, '').split('\n')) events.push(...parser.push(line));
  events.push(...parser.end());
  return buildTree(events);
}

interface Shape {
  name: string;
  status: string;
  attributes: string;
  directive: string;
  counts: string;
  log: string[];
  children: Shape[];
}

/** What must survive a round trip. KTAP has no crash result, so a written crash reads back as a failure. */
function shape(node: TestNode, crashAsFailure: boolean): Shape {
  const crash = crashAsFailure && node.status === 'TEST_CRASHED' && node.name !== '';
  // Attribute lines are kept in the log by the parser (as kunit.py does); the writer puts them in headers.
  // kunit.py's trees have no attributes at all, so for them the attribute lines are compared as log.
  const attrLines = new Set(
    crashAsFailure ? Object.entries(node.attributes).map(([k, v]) => `# ${k}: ${v}`) : [],
  );
  return {
    name: node.name,
    status: crash ? 'FAILURE' : node.status,
    attributes: crashAsFailure ? JSON.stringify(node.attributes) : '',
    directive: node.directive ? `${node.directive.kind} ${node.directive.reason}` : '',
    counts: crashAsFailure ? '' : JSON.stringify(node.counts),
    // The writer turns failure detail into diagnostics before the result line; they read back as log.
    log: [
      ...node.log,
      ...(crashAsFailure ? node.failures.flatMap((f) => formatFailure(f).map((l) => `# ${l}`)) : []),
    ]
      .map(diagnosticLine)
      .filter((l) => l !== '#' && !attrLines.has(l)),
    children: node.subtests.map((c) => shape(c, crashAsFailure)),
  };
}

const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/reporters/kunit-junit/', import.meta.url));

describe('KTAP round trip through the parser', () => {
  for (const file of readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.tree.json'))) {
    it(file.replace('.tree.json', ''), () => {
      const events = dumpToEvents(readDump(join(GOLDEN_DIR, file)));
      const text = eventsToKtap(events);
      const before = shape(buildTree(events), false);
      const after = shape(parse(text), false);
      if (file === 'test_kernel_panic_interrupt.tree.json') {
        // The log ends inside string-stream-test, which never printed its result line (kunit.py records
        // "missing subtest result line!"). The writer closes the suite with a result line so the document
        // stays valid; that line carries the crash as an ERROR directive, and the error is gone.
        const suite = before.children[2] as Shape;
        assert.equal(suite.counts, '{"passed":1,"failed":0,"crashed":2,"skipped":0,"errors":3}');
        suite.counts = '{"passed":1,"failed":0,"crashed":2,"skipped":0,"errors":2}';
        suite.directive = 'ERROR ';
      }
      assert.deepEqual(after.children, before.children, text);
    });
  }

  it('normalised KTAP is a fixed point: writing the parsed tree again gives the same text', () => {
    const files = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith('.tree.json'));
    for (const file of files) {
      const first = eventsToKtap(dumpToEvents(readDump(join(GOLDEN_DIR, file))));
      const second = treeToKtap(parse(first));
      assert.equal(treeToKtap(parse(second)), second, file);
      // kunit.py's trees know no attributes, so only there the second pass moves `# module:` into the header.
      if (file !== 'test_parse_attributes.tree.json') assert.equal(second, first, file);
    }
  });

  it('writes attribute lines once though the parser reports them as attributes and as log', () => {
    const input = [
      'KTAP version 1',
      '1..1',
      '    KTAP version 1',
      '    # Subtest: suite',
      '    # module: example',
      '    1..1',
      '    # test.speed: slow',
      '    ok 1 test',
      'ok 1 suite',
    ];
    const tree = parse(input.join('\n'));
    assert.equal(tree.subtests[0]?.attributes.module, 'example');
    const text = treeToKtap(tree);
    assert.equal(text, `${input.join('\n')}\n`);
  });

  it('hand-built nested run with every outcome', () => {
    const events = richEvents();
    const text = eventsToKtap(events);
    checkKtap(text);
    const after = parse(text);
    const before = buildTree(events);
    assert.deepEqual(shape(after, true).children, shape(before, true).children, text);
  });
});

/** kunit.py's tools dir, beside KUNIT_PY. */
const kunit = kunitPy();
const KUNIT_DIR = kunit.dir ?? '';

/** One python process: kunit.py's parser + JSON for every file given, as a JSON list of strings. */
const KUNIT_JSON_PY = `
import io, json, os, sys
sys.path.insert(0, os.environ['KUNIT_DIR'])
import kunit_parser, kunit_json
out, sys.stdout = sys.stdout, io.StringIO()
results = []
for path in sys.argv[1:]:
    with open(path, errors='backslashreplace') as f:
        test = kunit_parser.parse_run_tests(f.readlines())
    results.append(kunit_json.get_json_result(test, kunit_json.Metadata()))
sys.stdout = out
print(json.dumps(results))
`;

import { kunitPy } from '../requirements.js';

describe('kunit.py reads the written KTAP like the original log', () => {
  it('gives the same KernelCI JSON for every kunit test log', { skip: kunit.skip }, () => {
    const logs = join(GOLDEN_DIR, 'logs');
    const dir = mkdtempSync(join(tmpdir(), 'vmunit-ktap-kunit-'));
    try {
      const names = readdirSync(logs).filter((f) => f.endsWith('.log'));
      const written = names.map((name) => {
        const parser = new KtapParser();
        const events: RunEvent[] = [];
        const text = readFileSync(join(logs, name), 'utf8').replace(/\n$/, '');
        for (const line of text.split('\n')) events.push(...parser.push(line));
        events.push(...parser.end());
        const path = join(dir, name);
        writeFileSync(path, eventsToKtap(events));
        return path;
      });
      const r = spawnSync('python3', ['-c', KUNIT_JSON_PY, ...names.map((n) => join(logs, n)), ...written], {
        encoding: 'utf8',
        env: { ...process.env, KUNIT_DIR },
      });
      assert.equal(r.status, 0, r.stderr);
      // kunit.py's printer writes its progress to the real stdout; the JSON list is the last line.
      const all = JSON.parse(r.stdout.trimEnd().split('\n').at(-1) ?? '') as string[];
      assert.equal(all.length, names.length * 2);
      names.forEach((name, i) => {
        assert.equal(all[names.length + i], all[i], name);
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
