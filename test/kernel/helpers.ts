/**
 * Test helpers for the kernel tool: a private copy of the fake kernel tree (test/fixtures/fake-kernel) and
 * an in-process `vmunit` invocation with captured output.
 */

import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CliContext } from '../../src/cli/context.js';
import { main } from '../../src/cli/main.js';

export const FAKE_TREE = fileURLToPath(new URL('../fixtures/fake-kernel', import.meta.url));

const created: string[] = [];

/** A new empty temporary directory, removed by `removeTempDirs`. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A fresh copy of the fake tree (make writes into it); removed by `removeTempDirs`. */
export async function fakeTree(): Promise<string> {
  const dir = await tempDir('vmunit-fake-kernel-');
  await cp(FAKE_TREE, dir, { recursive: true });
  return dir;
}

/** Removes the directories this test file made (call from `after`). */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

export interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs `vmunit <args>` in-process with `cwd` as the working directory. */
export async function vmunit(
  cwd: string,
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  stdinText = '',
): Promise<Captured> {
  const out = collector();
  const err = collector();
  const stdin = new PassThrough();
  stdin.end(stdinText);
  const ctx: CliContext = {
    version: 'test',
    stdout: out.stream,
    stderr: err.stream,
    stdin,
    env: { ...process.env, NO_COLOR: '1', ...env },
    cwd,
    signal: new AbortController().signal,
  };
  const code = await main(['node', 'vmunit', ...args], ctx);
  return { code, stdout: out.text(), stderr: err.text() };
}

/** Output with `[HH:MM:SS] ` prefixes and elapsed times removed, for exact comparisons. */
export function normalize(text: string): string {
  return text.replace(/^\[\d\d:\d\d:\d\d\] /gm, '').replace(/Elapsed time: .*$/gm, 'Elapsed time: …');
}

/** A kunit.py JSON document's group. */
export interface JsonGroup {
  name: string;
  sub_groups: JsonGroup[];
  test_cases: { name: string; status: string }[];
}

/** `suite.test STATUS` rows of a kunit.py JSON document, in document order. */
export function jsonRows(doc: string): string[] {
  const out: string[] = [];
  const walk = (g: JsonGroup, path: string[]) => {
    for (const c of g.test_cases) out.push(`${[...path, c.name].join('.')} ${c.status}`);
    for (const s of g.sub_groups) walk(s, [...path, s.name]);
  };
  walk(JSON.parse(doc) as JsonGroup, []);
  return out;
}
