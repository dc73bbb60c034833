import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anchorBase, anchorIds } from '../../../src/reporters/html/anchors.js';

describe('test anchors', () => {
  it('keeps safe names as they are, so links read like the test name', () => {
    assert.equal(anchorBase('vmx_apic_passthrough'), 'test-vmx_apic_passthrough');
    assert.equal(anchorBase('pcid-enabled'), 'test-pcid-enabled');
  });

  it('turns other names into a slug plus a hash of the exact name', () => {
    assert.match(anchorBase('#UD <script>'), /^test-UD_script-[0-9a-f]{8}$/);
    assert.match(anchorBase('ünïcödé'), /^test-unicode-[0-9a-f]{8}$/);
    assert.match(anchorBase('日本'), /^test-[0-9a-f]{8}$/);
    assert.match(anchorBase(''), /^test-[0-9a-f]{8}$/);
    // Two names with the same slug still differ.
    assert.notEqual(anchorBase('a b'), anchorBase('a#b'));
    // Stable: the same name gives the same anchor in every report.
    assert.equal(anchorBase('#GP'), anchorBase('#GP'));
  });

  it('numbers repeated names in order and never repeats an id', () => {
    const ids = anchorIds(['dup', 'dup', 'dup-2', 'x y', 'x y']);
    assert.equal(ids[0], 'test-dup');
    assert.equal(ids[1], 'test-dup-2');
    assert.equal(ids[2], 'test-dup-2-2');
    assert.equal(new Set(ids).size, ids.length);
    assert.ok(ids.every((id) => /^test-[A-Za-z0-9_.-]+$/.test(id)));
  });
});
