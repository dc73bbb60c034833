import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunEvent } from '../../src/events/types.js';
import { KtapParser } from '../../src/ktap/parser.js';
import { buildTree } from '../../src/ktap/tree.js';
import { createJUnitReporter, treeToJUnit, XML_DECLARATION } from '../../src/reporters/junit.js';
import { runReporter } from './capture.js';
import { dumpToEvents, readDump } from './kunit-tree.js';
import { hostileEvents, richEvents } from './sample-events.js';
import { expatAccepts, parseXml } from './xml-check.js';

const GOLDEN_DIR = fileURLToPath(new URL('../fixtures/reporters/kunit-junit/', import.meta.url));
const goldens = readdirSync(GOLDEN_DIR)
  .filter((f) => f.endsWith('.tree.json'))
  .map((f) => f.slice(0, -'.tree.json'.length));

describe('JUnit matches kunit_junit.py byte for byte', () => {
  it('has goldens to compare with', () => {
    assert.ok(goldens.length >= 5, `found ${goldens.length}`);
  });
  for (const name of goldens) {
    it(name, () => {
      const expected = readFileSync(join(GOLDEN_DIR, `${name}.xml`), 'utf8');
      const root = buildTree(dumpToEvents(readDump(join(GOLDEN_DIR, `${name}.tree.json`))));
      assert.equal(treeToJUnit(root, { kunitCompatible: true }), expected);
      // Without kunitCompatible the only addition for parsed KTAP is classname.
      assert.equal(treeToJUnit(root).replace(/ classname="[^"]*"/g, ''), expected);
    });
  }
  for (const name of goldens) {
    it(`${name}, read by vmunit's parser`, () => {
      const expected = readFileSync(join(GOLDEN_DIR, `${name}.xml`), 'utf8');
      const log = readFileSync(join(GOLDEN_DIR, 'logs', `${name}.log`), 'utf8');
      const parser = new KtapParser();
      const events: RunEvent[] = [];
      for (const line of log.replace(/\n$/, '').split('\n')) events.push(...parser.push(line));
      events.push(...parser.end());
      assert.equal(treeToJUnit(buildTree(events), { kunitCompatible: true }), expected);
    });
  }
  it('streams get ET.dump framing: no declaration, final newline', async () => {
    const events = dumpToEvents(readDump(join(GOLDEN_DIR, 'test_skip_tests.tree.json')));
    const text = await runReporter(
      (out) => createJUnitReporter({ destination: out, color: false, kunitCompatible: true }),
      events,
    );
    const file = readFileSync(join(GOLDEN_DIR, 'test_skip_tests.xml'), 'utf8');
    assert.equal(text, `${file.slice(XML_DECLARATION.length + 1)}\n`);
  });
});

function junitOf(events: readonly RunEvent[]): string {
  return treeToJUnit(buildTree(events));
}

describe('JUnit extensions and escaping', () => {
  it('adds time, failure message/type and KUnit-style detail when events carry them', () => {
    const xml = junitOf(richEvents());
    const doc = parseXml(xml);
    assert.equal(doc.attrs.time, '0.250');
    const suite = doc.children[0];
    assert.equal(suite?.tag, 'testsuite');
    assert.equal(suite?.attrs.time, '0.200');
    const failing = suite?.children.find((c) => c.attrs.name === 'adds');
    assert.equal(failing?.attrs.time, '0.150');
    const failure = failing?.children[0];
    assert.equal(failure?.tag, 'failure');
    assert.equal(failure?.attrs.message, 'EXPECTATION FAILED');
    assert.equal(failure?.attrs.type, 'EQ');
    assert.equal(
      failure?.text,
      'Test Failed\nEXPECTATION FAILED at lib/math.c:30\nExpected 1 + 1 == 3, but\n    1 + 1 == 2\n    3 == 3',
    );
    const crashed = suite?.children.find((c) => c.attrs.name === 'boots');
    assert.deepEqual(crashed?.children[0], {
      tag: 'error',
      attrs: { message: 'timeout' },
      text: 'Test Crashed',
      children: [],
    });
  });
  it("gives an untimed root run:end's elapsedMs as its time", async () => {
    const xml = await runReporter(
      (out) => createJUnitReporter({ destination: out, color: false }),
      [
        { type: 'test:start', id: 'r', parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
        { type: 'test:start', id: 'r.1', parentId: 'r', name: 'one', index: 1, depth: 1, isSuite: false },
        { type: 'test:result', id: 'r.1', name: 'one', status: 'SUCCESS' },
        { type: 'test:result', id: 'r', name: 'main', status: 'SUCCESS' },
        { type: 'run:end', elapsedMs: 400 },
      ],
    );
    assert.equal(parseXml(xml).attrs.time, '0.400');
  });
  it('adds classname, timestamp and run metadata as properties for CI systems', async () => {
    const xml = await runReporter(
      (out) => createJUnitReporter({ destination: out, color: false }),
      richEvents(),
    );
    const doc = parseXml(xml);
    assert.equal(doc.attrs.timestamp, '2026-11-22T01:00:00');
    assert.deepEqual(doc.children[0], {
      tag: 'properties',
      attrs: {},
      text: '\n    \n    \n  ',
      children: [
        { tag: 'property', attrs: { name: 'arch', value: 'x86_64' }, text: '', children: [] },
        { tag: 'property', attrs: { name: 'accel', value: 'tcg' }, text: '', children: [] },
      ],
    });
    const math = doc.children[1];
    assert.equal(math?.children[0]?.attrs.classname, 'math');
    assert.equal(math?.children[6]?.children[0]?.attrs.classname, 'math.nested');
    assert.equal(doc.children[2]?.attrs.classname, 'main');
  });
  it('drops every extension in kunit-compatible mode', () => {
    const xml = treeToJUnit(buildTree(richEvents()), { kunitCompatible: true });
    assert.doesNotMatch(xml, /time=|message=|type=|classname=|timestamp=|properties|EXPECTATION/);
    assert.match(xml, /<failure>Test Failed<\/failure>/);
  });
  it('escapes hostile names, reasons and logs and removes characters XML forbids', () => {
    const xml = junitOf(hostileEvents());
    const doc = parseXml(xml);
    assert.notEqual(expatAccepts(xml), false);
    const suite = doc.children[0];
    assert.equal(suite?.attrs.name, `suite <&> "q" 'a'`);
    const leaf = suite?.children[0];
    assert.equal(leaf?.attrs.name, 'case<1> & "two"\tTAB \\x1b[31m \\x00');
    assert.equal(leaf?.children[0]?.text, 'needs <kvm> & "root" ]]>');
    assert.equal(leaf?.children[1]?.text, '</system-out><evil/> \\x07 bell\n]]> & done\r');
  });
  it('wraps several runs in <testsuites>', () => {
    const a: RunEvent[] = [
      { type: 'test:start', id: 'a', parentId: null, name: 'main', index: 1, depth: 0, isSuite: true },
      { type: 'test:start', id: 'a1', parentId: 'a', name: 'x', index: 1, depth: 1, isSuite: false },
      { type: 'test:result', id: 'a1', name: 'x', status: 'SUCCESS' },
      { type: 'test:start', id: 'b', parentId: null, name: 'other', index: 1, depth: 0, isSuite: true },
    ];
    const builderRoots = [buildTree(a)];
    const doc = parseXml(treeToJUnit(builderRoots));
    assert.equal(doc.tag, 'testsuite');
    const two = parseXml(treeToJUnit([buildTree(a), buildTree(a.slice(3))]));
    assert.equal(two.tag, 'testsuites');
    assert.deepEqual(
      two.children.map((c) => c.attrs.name),
      ['main', 'other'],
    );
  });
});
