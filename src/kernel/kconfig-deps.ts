/**
 * Why a kunitconfig option did not make it into .config: the `depends on` of its Kconfig definition that
 * the generated .config does not satisfy, with the symbols that break it, e.g.
 * `CONFIG_KASAN=y not set: depends on SYSFS && !SLUB_TINY (SYSFS not set for um)`.
 * The parsing and the evaluation are pure; `explainMissing` reads the tree's Kconfig files.
 *
 * Understood: `config`/`menuconfig` blocks and their `depends on` lines (with `\` continuations), the
 * conditions of enclosing `if … endif` and `menu … endmenu` blocks, help texts (skipped), and Kconfig's
 * tristate expressions (`&&`, `||`, `!`, `=`, `!=`, parentheses, y/m/n constants). A `$(…)` macro is not
 * evaluated: a line using one is never blamed.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Kconfig, KconfigEntry } from './kconfig.js';

/** One definition of a symbol: where it is and every condition it depends on. */
export interface KconfigDefinition {
  readonly file: string;
  readonly line: number;
  readonly depends: readonly string[];
}

interface Scope {
  readonly kind: 'if' | 'menu';
  readonly depends: string[];
}

/** Logical lines (continuations joined), each with its first physical line number. */
function logicalLines(text: string): { text: string; line: number; indent: string }[] {
  const out: { text: string; line: number; indent: string }[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let line = raw[i] ?? '';
    while (line.endsWith('\\') && i + 1 < raw.length) line = line.slice(0, -1) + (raw[++i] ?? '');
    out.push({ text: line, line: start + 1, indent: /^\s*/.exec(line)?.[0] ?? '' });
  }
  return out;
}

function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** Every `config`/`menuconfig` definition in one Kconfig file, with its conditions. Pure. */
export function parseKconfigDefinitions(text: string, file: string): Map<string, KconfigDefinition[]> {
  const defs = new Map<string, KconfigDefinition[]>();
  const scopes: Scope[] = [];
  let current: { name: string; line: number; depends: string[] } | undefined;
  let menu: Scope | undefined;
  let helpIndent: number | undefined;
  const close = () => {
    if (!current) return;
    const inherited = scopes.flatMap((s) => s.depends);
    const list = defs.get(current.name) ?? [];
    list.push({ file, line: current.line, depends: [...inherited, ...current.depends] });
    defs.set(current.name, list);
    current = undefined;
  };
  for (const { text: raw, line, indent } of logicalLines(text)) {
    if (helpIndent !== undefined) {
      if (raw.trim() === '' || indent.replace(/\t/g, '        ').length >= helpIndent) continue;
      helpIndent = undefined;
    }
    const words = stripComment(raw).trim();
    if (words === '') continue;
    const [keyword = '', ...rest] = words.split(/\s+/);
    const arg = rest.join(' ');
    if (keyword === 'help' || keyword === '---help---') {
      helpIndent = indent.replace(/\t/g, '        ').length + 1;
      continue;
    }
    if (keyword === 'depends' && rest[0] === 'on') {
      const expr = rest.slice(1).join(' ');
      if (current) current.depends.push(expr);
      else if (menu) menu.depends.push(expr);
      continue;
    }
    if (
      [
        'config',
        'menuconfig',
        'choice',
        'endchoice',
        'comment',
        'menu',
        'endmenu',
        'if',
        'endif',
        'source',
        'mainmenu',
      ].includes(keyword)
    ) {
      close();
      menu = undefined;
    }
    if (keyword === 'config' || keyword === 'menuconfig') current = { name: arg, line, depends: [] };
    else if (keyword === 'if') scopes.push({ kind: 'if', depends: [arg] });
    else if (keyword === 'menu') {
      menu = { kind: 'menu', depends: [] };
      scopes.push(menu);
    } else if (keyword === 'endif' || keyword === 'endmenu') {
      const kind = keyword === 'endif' ? 'if' : 'menu';
      const at = scopes.map((s) => s.kind).lastIndexOf(kind);
      if (at >= 0) scopes.splice(at);
    }
  }
  close();
  return defs;
}

type Tok = string;

function tokenize(expr: string): Tok[] | undefined {
  if (expr.includes('$(')) return undefined;
  return expr.match(/&&|\|\||!=|[!()=<>]=?|"[^"]*"|[A-Za-z0-9_.-]+/g) ?? [];
}

/** Kconfig's tristate value of a symbol or constant in `values` (2 = y, 1 = m, 0 = n or unset). */
function tristate(tok: Tok, values: Kconfig): number {
  if (tok === 'y') return 2;
  if (tok === 'm') return 1;
  if (tok === 'n') return 0;
  const v = values.get(tok);
  return v === 'y' ? 2 : v === 'm' ? 1 : 0;
}

function rawValue(tok: Tok, values: Kconfig): string {
  if (tok.startsWith('"')) return tok.slice(1, -1);
  if (/^[ymn]$/.test(tok) || /^[0-9]/.test(tok)) return tok;
  return values.get(tok) ?? 'n';
}

/** Evaluates a `depends on` expression; `blame` collects the symbols that make it false. */
function evaluate(tokens: Tok[], values: Kconfig, blame: Set<string>): number {
  let pos = 0;
  const peek = () => tokens[pos];
  const blamed = (sym: Tok, wantSet: boolean, value: number) => {
    if (!/^[A-Za-z_]/.test(sym) || /^[ymn]$/.test(sym)) return;
    if (wantSet ? value === 0 : value > 0) blame.add(sym);
  };
  const primary = (negated: boolean): number => {
    const t = tokens[pos++] ?? '';
    if (t === '!') return 2 - primary(!negated);
    if (t === '(') {
      const v = or(negated);
      pos++;
      return v;
    }
    const op = peek();
    if (op === '=' || op === '!=' || op === '<' || op === '>' || op === '<=' || op === '>=') {
      pos++;
      const other = tokens[pos++] ?? '';
      const equal = rawValue(t, values) === rawValue(other, values);
      const v = op === '=' ? equal : op === '!=' ? !equal : true;
      if (!v !== negated) blame.add(`${t}${op}${other}`);
      return v ? 2 : 0;
    }
    const v = tristate(t, values);
    blamed(t, !negated, v);
    return v;
  };
  const and = (negated: boolean): number => {
    let v = primary(negated);
    while (peek() === '&&') {
      pos++;
      v = Math.min(v, primary(negated));
    }
    return v;
  };
  const or = (negated: boolean): number => {
    let v = and(negated);
    while (peek() === '||') {
      pos++;
      v = Math.max(v, and(negated));
    }
    return v;
  };
  return or(false);
}

/** The unmet conditions of a definition and the symbols that break each. Pure. */
export function unmetDepends(def: KconfigDefinition, values: Kconfig): { expr: string; blame: string[] }[] {
  const out: { expr: string; blame: string[] }[] = [];
  for (const expr of def.depends) {
    const tokens = tokenize(expr);
    if (tokens === undefined) continue;
    const blame = new Set<string>();
    if (evaluate(tokens, values, blame) === 0)
      out.push({ expr: expr.replace(/\s+/g, ' '), blame: [...blame] });
  }
  return out;
}

/** One line per missing option: why .config does not have it. Pure given the definitions. */
export function explainEntry(
  entry: KconfigEntry,
  defs: readonly KconfigDefinition[],
  values: Kconfig,
  arch: string,
): string {
  const head = `CONFIG_${entry.name}=${entry.value} not set`;
  if (defs.length === 0) return `${head}: no Kconfig file of this tree defines ${entry.name}`;
  const named = new Set<string>();
  const unmet = defs
    .flatMap((d) => unmetDepends(d, values))
    .filter(({ blame }) => {
      const fresh = blame.length === 0 || blame.some((s) => !named.has(s));
      for (const s of blame) named.add(s);
      return fresh;
    });
  if (unmet.length === 0)
    return `${head}: its dependencies are met (it may have no prompt, be a choice member, or need =y/=m)`;
  const why = unmet.map(({ expr, blame }) => {
    const isSet = (s: string) => (values.get(s) ?? 'n') !== 'n';
    const culprits = blame.map((s) => (s.includes('=') || !isSet(s) ? s : `${s}=${values.get(s)}`));
    const unset = culprits.filter((s) => !s.includes('='));
    const set = culprits.filter((s) => s.includes('='));
    const parts = [
      ...(unset.length ? [`${unset.join(', ')} not set`] : []),
      ...(set.length ? [`${set.join(', ')}`] : []),
    ];
    return `depends on ${expr}${parts.length ? ` (${parts.join('; ')} for ${arch})` : ''}`;
  });
  return `${head}: ${why.join('; ')}`;
}

/** make's SRCARCH for an ARCH value (the arch directory that holds its Kconfig). */
export function srcArch(linuxArch: string): string {
  if (linuxArch === 'i386' || linuxArch === 'x86_64') return 'x86';
  if (linuxArch === 'sparc32' || linuxArch === 'sparc64') return 'sparc';
  return linuxArch;
}

/** Kconfig files of the tree that the arch sees: everything but other arches, tools and docs. */
async function kconfigFiles(root: string, linuxArch: string): Promise<string[]> {
  const arch = srcArch(linuxArch);
  // UML's Kconfig also sources its host arch's um/ directory.
  const archDirs = new Set([`arch/${arch}`, ...(arch === 'um' ? ['arch/x86/um'] : [])]);
  const files: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const path = rel ? `${rel}/${e.name}` : e.name;
      const inArch = (dir: string) =>
        dir === path || dir.startsWith(`${path}/`) || path.startsWith(`${dir}/`);
      const archOk = !path.startsWith('arch/') || [...archDirs].some(inArch);
      if (e.isDirectory()) {
        if (!['tools', 'Documentation', '.git'].includes(path) && archOk) await walk(path);
      } else if ((e.name === 'Kconfig' || e.name.startsWith('Kconfig.')) && archOk) {
        // A file right in a parent of an arch dir (arch/x86/Kconfig for um's arch/x86/um) is another arch's.
        if (!path.startsWith('arch/') || [...archDirs].some((d) => path.startsWith(`${d}/`)))
          files.push(path);
      }
    }
  };
  await walk('');
  return files.sort();
}

/**
 * One explanation line per missing entry, from the Kconfig files of `root` (tree-relative file names).
 * `actual` is the generated .config.
 */
export async function explainMissing(
  missing: readonly KconfigEntry[],
  actual: Kconfig,
  root: string,
  linuxArch: string,
): Promise<string[]> {
  const wanted = new Set(missing.map((e) => e.name));
  const defs = new Map<string, KconfigDefinition[]>();
  for (const file of await kconfigFiles(root, linuxArch)) {
    const text = await readFile(join(root, file), 'utf8');
    if (![...wanted].some((name) => text.includes(name))) continue;
    for (const [name, list] of parseKconfigDefinitions(text, file)) {
      if (wanted.has(name)) defs.set(name, [...(defs.get(name) ?? []), ...list]);
    }
  }
  return missing.map((e) => explainEntry(e, defs.get(e.name) ?? [], actual, linuxArch));
}
