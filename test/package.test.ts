import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, string>;
};

describe('package exports', () => {
  for (const [subpath, target] of Object.entries(pkg.exports)) {
    it(`${subpath} → ${target} has a source module with exports`, async () => {
      const source = target.replace(/^\.\/dist\//, '../src/').replace(/\.js$/, '.ts');
      const mod = (await import(source)) as Record<string, unknown>;
      assert.ok(Object.keys(mod).length > 0, `${source} exports nothing`);
    });
  }
});
