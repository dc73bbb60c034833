/**
 * The import rules of docs/ARCHITECTURE.md, checked by scanning src/: each folder imports only folders of a
 * lower layer (never a sibling of its own layer, never upwards), no module cycle exists, and each folder's
 * index.ts says in its opening comment which folders it must not import — the same list as LAYERS below.
 */

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** The layers, lowest first. A folder may import folders of lower layers only. */
const LAYERS: readonly (readonly string[])[] = [
  ['util'],
  ['events'],
  ['ktap'],
  ['reporters'],
  ['record'],
  ['guest', 'kernel', 'unit'],
  ['cli'],
  ['.'], // src/index.ts, the package's entry
];

const rank = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Top-level folder of a file under src/ ('.' for src/index.ts). */
function folderOf(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? (rel.split('/')[0] ?? '.') : '.';
}

/** Relative specifiers of static imports, re-exports and dynamic imports, resolved to .ts files. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)'(\.[^']+)'/gm)].map((m) => m[1]);
  return specs
    .filter((s): s is string => s !== undefined)
    .map((s) => resolve(dirname(file), s).replace(/\.js$/, '.ts'));
}

const files = sourceFiles(SRC);
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Folders `folder` must not import: every other folder of its own or a higher layer. */
function forbidden(folder: string): string[] {
  const own = rank.get(folder) ?? 0;
  return LAYERS.flatMap((folders, i) => (i >= own ? folders : [])).filter((f) => f !== folder && f !== '.');
}

type Graph = ReadonlyMap<string, readonly string[]>;

function layerViolations(g: Graph): string[] {
  const violations: string[] = [];
  for (const [file, targets] of g) {
    const from = folderOf(file);
    for (const target of targets) {
      const to = folderOf(target);
      if (to !== from && forbidden(from).includes(to))
        violations.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  return violations;
}

function cyclesOf(g: Graph): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].map((f) => relative(SRC, f)).join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const target of g.get(file) ?? []) visit(target, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of g.keys()) visit(file, []);
  return cycles;
}

describe('architecture: import rules over src/', () => {
  it('knows every folder of src/', () => {
    const folders = new Set(files.map(folderOf));
    for (const folder of folders) assert.ok(rank.has(folder), `src/${folder} has no layer in LAYERS`);
  });

  it('scans real imports: every one resolves to a file of src/', () => {
    const known = new Set(files);
    const all = [...graph.values()].flat();
    assert.ok(all.length > 100, `only ${all.length} imports found: the scan is broken`);
    for (const [file, targets] of graph) {
      for (const target of targets) assert.ok(known.has(target), `${relative(SRC, file)} imports ${target}`);
    }
  });

  it('no folder imports a sibling of its layer or a higher layer', () => {
    assert.deepEqual(layerViolations(graph), []);
  });

  it('has no import cycle between modules', () => {
    assert.deepEqual(cyclesOf(graph), []);
  });

  it('the checks catch a planted upward import, sibling import and cycle', () => {
    const at = (path: string) => join(SRC, path);
    const planted: Graph = new Map([
      [at('ktap/a.ts'), [at('cli/b.ts')]],
      [at('guest/c.ts'), [at('kernel/d.ts'), at('ktap/a.ts')]],
      [at('cli/b.ts'), [at('cli/e.ts')]],
      [at('cli/e.ts'), [at('cli/b.ts')]],
    ]);
    assert.deepEqual(layerViolations(planted), ['ktap/a.ts → cli/b.ts', 'guest/c.ts → kernel/d.ts']);
    assert.deepEqual(cyclesOf(planted), ['cli/b.ts → cli/e.ts → cli/b.ts']);
  });

  it("each index.ts's opening comment names the folders it must not import", () => {
    const indexes = files.filter(
      (f) => folderOf(f) !== '.' && dirname(f) === join(SRC, folderOf(f)) && f.endsWith('/index.ts'),
    );
    assert.ok(indexes.length >= 5, `only ${indexes.length} folder index.ts files found`);
    for (const file of indexes) {
      const folder = folderOf(file);
      const head = readFileSync(file, 'utf8').split('\n').slice(0, 4).join('\n');
      const line = /Must not import: ([^.]*)\./.exec(head);
      assert.ok(line, `src/${folder}/index.ts: no "Must not import: …." in its first lines`);
      const named = (line[1] ?? '').split(/,\s*/).sort();
      assert.deepEqual(named, forbidden(folder).sort(), `src/${folder}/index.ts`);
    }
  });
});
