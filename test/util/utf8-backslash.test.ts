import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BackslashReplaceDecoder, decodeBackslashReplace } from '../../src/util/utf8-backslash.js';

describe("UTF-8 with Python's backslashreplace", () => {
  it('escapes each invalid byte, keeps valid text', () => {
    assert.equal(
      decodeBackslashReplace(Buffer.from([0x61, 0xff, 0xe2, 0x82, 0x41, 0xc3, 0xa9])),
      'a\\xff\\xe2\\x82Aé',
    );
    assert.equal(decodeBackslashReplace(Buffer.from([0xed, 0xa0, 0x80])), '\\xed\\xa0\\x80'); // surrogates
    assert.equal(decodeBackslashReplace(Buffer.from([0xef, 0xbf, 0xbd])), '\ufffd'); // a real U+FFFD stays
  });
  it('streams: a character split across chunks decodes whole; an unfinished one is escaped at the end', () => {
    const d = new BackslashReplaceDecoder();
    const euro = Buffer.from('€');
    assert.equal(d.write(euro.subarray(0, 1)) + d.write(euro.subarray(1)), '€');
    assert.equal(d.write(Buffer.from([0x61, 0xe2, 0x82])), 'a');
    assert.equal(d.end(), '\\xe2\\x82');
  });
});
