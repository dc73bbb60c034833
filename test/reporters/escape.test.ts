import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { htmlEscape, replaceInvalidXmlChars, xmlAttr, xmlText } from '../../src/reporters/escape.js';
import { formatFailure } from '../../src/reporters/failure-text.js';
import { expatAccepts, parseXml } from './xml-check.js';

describe('XML and HTML escaping', () => {
  it('replaces exactly the characters XML 1.0 forbids', () => {
    assert.equal(replaceInvalidXmlChars('a\x00b\x08c\x0bd\x1fe\x7f'), 'a\\x00b\\x08c\\x0bd\\x1fe\x7f');
    assert.equal(replaceInvalidXmlChars('tab\tnl\ncr\r'), 'tab\tnl\ncr\r');
    assert.equal(replaceInvalidXmlChars('\ufffe\uffff\ufffd'), '\\ufffe\\uffff\ufffd');
    assert.equal(
      replaceInvalidXmlChars('lone \ud800 and \udc00 pair 😀'),
      'lone \\ud800 and \\udc00 pair 😀',
    );
  });
  it('escapes text and attributes the way ElementTree does', () => {
    assert.equal(xmlText(`<a href="x">&'</a>\t\n\r`), `&lt;a href="x"&gt;&amp;'&lt;/a&gt;\t\n&#13;`);
    assert.equal(xmlAttr(`<"&'>\t\n\r`), `&lt;&quot;&amp;'&gt;&#09;&#10;&#13;`);
    assert.equal(htmlEscape(`<"&'>`), '&lt;&quot;&amp;&#39;&gt;');
  });
  it('always yields a document that parses back to the (cleaned) input', () => {
    const nasty = `x\x00<]]>&"'\u0007\ud83d\ude00\ud800\r\n\t end`;
    const xml = `<?xml version='1.0' encoding='utf-8'?>\n<a v="${xmlAttr(nasty)}">${xmlText(nasty)}</a>`;
    const doc = parseXml(xml);
    assert.equal(doc.attrs.v, replaceInvalidXmlChars(nasty));
    assert.equal(doc.text, replaceInvalidXmlChars(nasty));
    assert.notEqual(expatAccepts(xml), false);
  });
});

describe('failure detail text', () => {
  it('reads like KUnit for binary, unary and message-only failures', () => {
    assert.deepEqual(
      formatFailure({
        message: 'EXPECTATION FAILED',
        operator: 'STREQ',
        leftText: 'a',
        rightText: '"b"',
        leftValue: '"a"',
        rightValue: '"b"',
        location: { file: 't.ts', line: 3, column: 7 },
      }),
      ['EXPECTATION FAILED at t.ts:3:7', 'Expected a == "b", but', '    a == "a"', '    "b" == "b"'],
    );
    assert.deepEqual(
      formatFailure({ message: 'ASSERTION FAILED', operator: 'FALSE', leftText: 'ok', leftValue: 'true' }),
      ['ASSERTION FAILED', 'Expected ok to be false, but is not', '    ok == true'],
    );
    assert.deepEqual(formatFailure({ message: 'boom' }), ['boom']);
  });
});
