/**
 * Files of the vmunit package itself (package.json, guest-sdk/, the standalone scripts' bash parts), found
 * from this module's own URL. It sits two folders below the package root wherever it runs from: src/util/
 * (tsx), dist/util/ (the library build), dist/bundle/ and dist/bundle-NAME/ (the CLI bundles, each of which
 * keeps every chunk in its one folder: scripts/bundle.mjs). test/package-install.test.ts uses each of them
 * through the packed bundle.
 */

import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);

/** The absolute path of `relative` (slash-separated, from the package root). */
export function packageFile(relative: string): string {
  return fileURLToPath(new URL(relative, ROOT));
}
