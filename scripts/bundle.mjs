// The CLI bundle bin/vmunit.js loads (npm run build runs it after tsc): src/cli/main.ts and everything it
// imports, in dist/bundle/, with esbuild's code splitting so that each command module (loaded by import()
// in src/cli/commands/index.ts) stays a chunk of its own, loaded only by its command. Files of JavaScript
// opened: `vmunit --version` 17 -> 9, `parse --help` 43 -> 20, `run` before its first QEMU 98 -> 52.
//
// What stays outside the bundle, and why:
// - src/unit/**: a user's test file imports `vmunit/unit` (dist/unit/, the package's export). In-process
//   runs (--isolation none) hand its checks' errors to the runner, which tells them apart with instanceof:
//   runner and test file must share one copy of the unit library, so the bundle imports dist/unit/.
// - tsx (and its esbuild): a loader that must be resolved as a package and registered with Node.
// - zod: 0.8 MB, loaded by `kunit --qemu_config` only; kept as the package's own files.
//
// Every chunk lands in dist/bundle/ itself, two folders below the package root like src/cli/*.ts and
// dist/cli/*.js, so the package files found from import.meta.url (src/util/package-files.ts) are found the
// same from all three.
//
//   node scripts/bundle.mjs [--metafile FILE]   (FILE: esbuild's account of every chunk's inputs and imports)
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
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

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { main: 'src/cli/main.ts' },
  outdir,
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
  plugins: [unitFromDist, lazyChildProcess],
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
  metafile: metafile !== undefined,
});
if (result.errors.length > 0) process.exit(1);
if (metafile !== undefined) writeFileSync(metafile, JSON.stringify(result.metafile, null, 1));
