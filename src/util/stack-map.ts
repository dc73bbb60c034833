/**
 * Stack traces that name src/ files. The CLI runs from a bundle (dist/bundle/, scripts/bundle.mjs), whose
 * frames say `chunk-XXXX.js:812:7`. Node maps them itself with --enable-source-maps, but that costs every
 * start-up ~15 ms (it reads each chunk's map as the chunk loads); a stack is printed only for a bug, so the
 * bundle's maps are read then, here, and only for the frames of the printed stack.
 */

import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a frame needs of a source map (node:module's SourceMap). */
export interface FrameMap {
  findEntry(
    line: number,
    column: number,
  ): { originalSource?: string; originalLine?: number; originalColumn?: number };
}

/** A frame's position in an ES module: `file:///…/x.js:LINE:COLUMN`. */
const POSITION = /file:\/\/[^\s()]+?\.js:\d+:\d+/g;
const SPLIT = /^(.*):(\d+):(\d+)$/;

/**
 * `stack` with each frame position that `mapOf` has a map for replaced by its source position (the path
 * as the map gives it, resolved against the map's folder). Frames with no map stay as they are. Pure.
 */
export function mapStack(stack: string, mapOf: (file: string) => FrameMap | undefined): string {
  return stack.replace(POSITION, (position) => {
    const [, url = '', line = '', column = ''] = SPLIT.exec(position) ?? [];
    const file = fileURLToPath(url);
    const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
    if (entry?.originalSource === undefined || entry.originalLine === undefined) return position;
    const source = resolve(dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
  });
}

/** The maps of the files beside this module (the bundle's chunks), read once each; none for other files. */
function bundleMaps(): (file: string) => FrameMap | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  const maps = new Map<string, FrameMap | undefined>();
  return (file) => {
    if (relative(here, dirname(file)) !== '') return undefined;
    if (!maps.has(file)) maps.set(file, readMap(`${file}.map`));
    return maps.get(file);
  };
}

function readMap(path: string): FrameMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/** An error's stack with the bundle's frames mapped to src/ (its message when it has no stack). */
export function sourceMappedStack(error: Error): string {
  return error.stack === undefined ? error.message : mapStack(error.stack, bundleMaps());
}
