// The CLI bundles bin/vmunit.js loads (npm run build runs this after tsc): src/cli/main.ts and everything it
// imports, with esbuild's code splitting, built several times over:
// - dist/bundle/: every command; each command module (loaded by import() in src/cli/commands/index.ts) is a
//   chunk of its own, loaded only by its command. bin runs it for a word that has no build of its own (an
//   unknown command, `__complete`, which describes every command).
// - dist/bundle-NAME/, one per command: the same main with only that command in the table (the others are
//   a stand-in), and one more change: below the command's own module (and any command module: `kunit
//   parse` runs parse's), every import() becomes a static import. esbuild cuts a chunk for each set of
//   import() targets a module is reached from, so the build of every command is dozens of small files
//   (`run` opened 51 before its first QEMU), and Node 20's ES module loader spends ~1.7 million
//   instructions on each file (60 files of 2 KB cost 100 million more than one of 120 KB; `node -e 0` is 86
//   million). What the command module loads lazily (`run`'s runner: not for `run --help`) stays lazy, as
//   one chunk. Files opened: `run` before its first QEMU 51 -> 10 (297 KB), `run --help` 14 -> 6, `parse
//   FILE` 21 -> 9, `kunit parse` 24 -> 17.
// - dist/bundle-root/: the build of no command, for a command line that names none (--version 9 -> 2).
// The package is twice the size (npm pack: 1.0 -> 2.1 MB, most of it source maps).
//
// What stays outside the bundle, and why:
// - src/unit/**: a user's test file imports `vmunit/unit` (dist/unit/, the package's export). In-process
//   runs (--isolation none) hand its checks' errors to the runner, which tells them apart with instanceof:
//   runner and test file must share one copy of the unit library, so the bundle imports dist/unit/.
// - tsx (and its esbuild): a loader that must be resolved as a package and registered with Node.
// - zod: 0.8 MB, loaded by `kunit --qemu_config` only; kept as the package's own files.
//
// Every build lands in a folder of dist/, two folders below the package root like src/cli/*.ts and
// dist/cli/*.js, so the package files found from import.meta.url (src/util/package-files.ts) are found the
// same from all of them. A process loads one build only: module state is never split between two copies.
//
//   node scripts/bundle.mjs [--metafile FILE]   (FILE: esbuild's account of every chunk's inputs and imports;
//                                                FILE.NAME.json: the same for the build of command NAME)
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
const unitDir = join(root, 'src', 'unit') + sep;

/** Imports of src/unit/X.js become imports of dist/unit/X.js (see above). */
const unitFromDist = {
  name: 'unit-from-dist',
  setup(b) {
    b.onResolve({ filter: /\/unit\/[^/]+\.js$/ }, (args) => {
      const target = resolve(args.resolveDir, args.path);
      if (!target.startsWith(unitDir)) return undefined;
      return { path: `../unit/${relative(unitDir, target)}`, external: true };
    });
  },
};

const at = process.argv.indexOf('--metafile');
const metafile = at < 0 ? undefined : process.argv[at + 1];

/**
 * commander requires child_process when it loads (5 ms of start-up with the net and dgram modules it
 * pulls in) but spawns only for executable subcommands, which vmunit has none of: it gets a stand-in that
 * requires the real module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'lazy-child-process' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents:
        "let real;\nmodule.exports = new Proxy({}, { get: (_, name) => (real ??= require('node:child_process'))[name] });\n",
      loader: 'js',
    }));
  },
};

/**
 * node:crypto takes ~6.5 ms to load, and the build of a command imports what it may need statically (see
 * eagerBody): `run` would load it at start for the KCIDB reporter and cfg expansion, which use it, if at
 * all, after the first QEMU. vmunit's modules get a stand-in that loads it on first call. It exports the
 * functions vmunit uses; a new one fails the build ("No matching export") until it is added here.
 */
const lazyCrypto = {
  name: 'lazy-crypto',
  setup(b) {
    b.onResolve({ filter: /^node:crypto$/ }, (args) =>
      args.importer.startsWith(join(root, 'src') + sep)
        ? { path: 'crypto', namespace: 'lazy-crypto' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-crypto' }, () => ({
      contents: [
        'let real;',
        "const crypto = () => (real ??= require('node:crypto'));",
        'export const createHash = (...args) => crypto().createHash(...args);',
        'export const randomBytes = (...args) => crypto().randomBytes(...args);',
        '',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

const COMMAND_TABLE = 'src/cli/commands/index.ts';
const MAIN = 'src/cli/main.ts';

/** In a command's own build, the other commands of the table are one stand-in that says so if loaded. */
function onlyCommand(name) {
  return {
    name: 'only-command',
    setup(b) {
      b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) =>
        args.importer.endsWith(COMMAND_TABLE.slice(3)) && args.path !== `./${name}.js`
          ? { path: 'other-command', namespace: 'other-command' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'other-command' }, () => ({
        contents: `export function register() { throw new Error('not a command of the build of vmunit ${name}'); }\n`,
        loader: 'js',
      }));
    },
  };
}

/** `import('./x.js')` (not `typeof import(…)`, not a package or a src/unit/ module) and its path. */
const DYNAMIC_IMPORT = /(?<![\w$.]|typeof\s*)import\((['"])(\.{1,2}\/[^'"\n]+)\1\)/g;

/**
 * Every dynamic import of the modules outside `head` becomes a static one (`Promise.resolve(namespace)`),
 * so that what a command loads after its first lazy step is one chunk rather than one per import() site.
 * The imports go at the end of the file (ES imports are hoisted): the lines keep their numbers for the
 * source maps.
 */
function eagerBody(head) {
  return {
    name: 'eager-body',
    setup(b) {
      b.onLoad({ filter: /[\\/]src[\\/].*\.ts$/ }, (args) => {
        const file = relative(root, args.path);
        if (head.has(file) || file.startsWith(`src${sep}unit${sep}`)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const added = [];
        const contents = text.replace(DYNAMIC_IMPORT, (call, _quote, path) => {
          if (resolve(dirname(args.path), path).startsWith(unitDir)) return call;
          const id = `__vmunitEager${added.length}`;
          added.push(`import * as ${id} from ${JSON.stringify(path)};`);
          return `Promise.resolve(${id})`;
        });
        return added.length === 0
          ? undefined
          : { contents: `${contents}\n${added.join('\n')}\n`, loader: 'ts' };
      });
    },
  };
}

/** The modules `entries` import statically, in esbuild's metafile graph. */
function staticClosure(inputs, entries) {
  const seen = new Set();
  const todo = [...entries];
  while (todo.length > 0) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of inputs[file]?.imports ?? []) {
      if (edge.kind !== 'dynamic-import' && !edge.external) todo.push(edge.path);
    }
  }
  return seen;
}

const common = {
  absWorkingDir: root,
  entryPoints: { main: MAIN },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Linked maps without the sources: a stack's frames name src/ files (src/util/stack-map.ts maps them
  // when a bug's stack is printed; NODE_OPTIONS=--enable-source-maps maps every stack).
  sourcemap: 'linked',
  sourcesContent: false,
  external: ['tsx', 'tsx/*', 'esbuild', 'zod'],
  // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
  banner: {
    js: "import { createRequire as __vmunitCreateRequire } from 'node:module';\nconst require = __vmunitCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
  legalComments: 'none',
  // Whitespace and syntax, not names (a stack's frames keep their function names): V8 scans every byte of
  // a chunk as it loads, and Node 20 keeps no compiled code between runs (--version: 590 -> 579 million
  // instructions under callgrind; an empty ES module is 515).
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
};

for (const dir of readdirSync(join(root, 'dist'), { withFileTypes: true })) {
  if (dir.isDirectory() && /^bundle(-|$)/.test(dir.name))
    rmSync(join(root, 'dist', dir.name), { recursive: true });
}
const full = await build({ ...common, outdir, plugins: [unitFromDist, lazyChildProcess, lazyCrypto] });
if (full.errors.length > 0) process.exit(1);
if (metafile !== undefined) writeFileSync(metafile, JSON.stringify(full.metafile, null, 1));

// The commands are what the table imports; each gets a build of its own (see the top of this file), and
// so does a command line that names none (`root`: --version, --help, no command at all).
const { inputs } = full.metafile;
const commands = (inputs[COMMAND_TABLE]?.imports ?? [])
  .filter((edge) => edge.kind === 'dynamic-import')
  .map((edge) => ({ name: basename(edge.path, '.ts'), file: edge.path }));
const commandFiles = commands.map((c) => c.file);
if (commands.some((c) => c.name === 'root'))
  throw new Error('bundle.mjs: dist/bundle-root/ is the build of no command');
const builds = await Promise.all(
  [...commands, { name: 'root', file: undefined }].map(({ name, file }) =>
    build({
      ...common,
      outdir: join(root, 'dist', `bundle-${name}`),
      plugins: [
        unitFromDist,
        lazyChildProcess,
        lazyCrypto,
        onlyCommand(name),
        // A command module keeps its import()s wherever it is (`kunit parse` runs parse's module).
        eagerBody(
          new Set([...staticClosure(inputs, file === undefined ? [MAIN] : [MAIN, file]), ...commandFiles]),
        ),
      ],
    }).then((result) => {
      if (metafile !== undefined)
        writeFileSync(`${metafile}.${name}.json`, JSON.stringify(result.metafile, null, 1));
      return result;
    }),
  ),
);
if (builds.some((b) => b.errors.length > 0)) process.exit(1);
