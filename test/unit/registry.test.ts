import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { activeRegistry, defineSuite, Registry, setActiveRegistry } from '../../src/unit/registry.js';

describe('Registry', () => {
  it('validates definitions and names the defining file and line', () => {
    const registry = new Registry();
    registry.defineSuite({ name: 'ok', cases: [function a() {}] });
    assert.throws(() => registry.defineSuite({ name: 'ok', cases: [] }), /duplicate suite name "ok"/);
    assert.throws(
      () => registry.defineSuite({ name: 'anon', cases: [() => {}] }),
      (e: Error & { code?: string }) =>
        e.code === 'CONFIG_INVALID' &&
        /registry\.test\.ts:\d+: suite "anon": case 1 is an anonymous function/.test(e.message),
    );
    assert.throws(() => registry.defineSuite({ name: 'bad # name', cases: [] }), /invalid suite name/);
    assert.throws(
      () => registry.defineSuite({ name: 'dup', cases: [function x() {}, { name: 'x', run() {} }] }),
      /duplicate case name "x"/,
    );
    assert.deepEqual(
      registry.suites.map((s) => s.name),
      ['ok'],
    );
    registry.clear();
    assert.equal(registry.suites.length, 0);
  });

  it('defineSuite goes to the active registry, which a loader swaps and restores', () => {
    const mine = new Registry();
    const previous = setActiveRegistry(mine);
    try {
      defineSuite({ name: 'scoped', cases: [] });
      assert.equal(activeRegistry(), mine);
    } finally {
      setActiveRegistry(previous);
    }
    assert.deepEqual(
      mine.suites.map((s) => s.name),
      ['scoped'],
    );
    assert.notEqual(activeRegistry(), mine);
  });
});
