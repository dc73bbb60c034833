/**
 * What the tree's Kconfig files say about a symbol, as far as explaining a missing kunitconfig option
 * needs: its type, every `depends on` (own and inherited from enclosing `if`, `menu` and `choice`
 * blocks, also across `source`), its prompts and their conditions, the choice it belongs to, and who
 * `select`s it. Pure: `parseKconfigFile` takes one file's text and the conditions it is sourced under, and
 * returns the files it sources; src/kernel/kconfig-explain.ts walks the tree from its root Kconfig.
 *
 * Understood: `config`/`menuconfig`/`choice` blocks, `bool`/`tristate`/`string`/`int`/`hex` with or
 * without a prompt, `def_bool`/`def_tristate`, `prompt … if C`, `depends on X if Y` (mainline; the same
 * as `depends on !(Y) || (X)`), `select S if C`, `visible if` of menus, `\` continuations, help texts.
 */

export type KconfigType = 'bool' | 'tristate' | 'string' | 'int' | 'hex';

/** One definition of a symbol (a symbol may be defined in several places, e.g. per arch). */
export interface KconfigDefinition {
  readonly file: string;
  readonly line: number;
  readonly type: KconfigType | undefined;
  /** Every condition the symbol depends on: its own `depends on` and those of enclosing blocks. */
  readonly depends: readonly string[];
  /** One entry per prompt: the conditions that make it visible beyond `depends` (none: always). */
  readonly prompts: readonly (readonly string[])[];
  /** `file:line` of the enclosing `choice`. */
  readonly choice: string | undefined;
}

/** `select TARGET [if COND]` written in symbol `by`'s definition. */
export interface KconfigSelect {
  readonly by: string;
  readonly cond: string | undefined;
  readonly file: string;
  readonly line: number;
}

/** What one or more Kconfig files define. */
export interface KconfigFacts {
  readonly defs: Map<string, KconfigDefinition[]>;
  /** By selected symbol. */
  readonly selects: Map<string, KconfigSelect[]>;
  /** By `file:line` of the choice: its member symbols. */
  readonly choices: Map<string, string[]>;
}

export function emptyFacts(): KconfigFacts {
  return { defs: new Map(), selects: new Map(), choices: new Map() };
}

/** The conditions a `source` line passes on to everything in the file it sources. */
export interface Inherited {
  readonly depends: readonly string[];
  readonly visible: readonly string[];
  readonly choice: string | undefined;
}

export const TOP_LEVEL: Inherited = { depends: [], visible: [], choice: undefined };

/** A `source` line: the path as written (macros not expanded), and the conditions it passes on. */
export interface SourceLine {
  readonly path: string;
  readonly inherited: Inherited;
}

interface Scope {
  readonly kind: 'if' | 'menu' | 'choice';
  readonly depends: string[];
  /** `visible if` of a menu: conditions of the prompts inside, not of the symbols. */
  readonly visible: string[];
  readonly choice?: string;
}

interface Entry {
  name: string;
  line: number;
  type: KconfigType | undefined;
  depends: string[];
  prompts: string[][];
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

/** Index of the first character outside quotes where `at` holds, or -1. */
function firstUnquoted(text: string, at: (i: number) => boolean): number {
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (at(i)) return i;
  }
  return -1;
}

function stripComment(line: string): string {
  const at = firstUnquoted(line, (i) => line[i] === '#');
  return at < 0 ? line : line.slice(0, at);
}

/** Splits `X if Y` at its top-level `if` (outside quotes). */
export function splitIf(text: string): { head: string; cond: string | undefined } {
  const at = firstUnquoted(text, (i) => /^\s+if\s/.test(text.slice(i)));
  if (at < 0) return { head: text.trim(), cond: undefined };
  return {
    head: text.slice(0, at).trim(),
    cond: text
      .slice(at)
      .replace(/^\s+if\s+/, '')
      .trim(),
  };
}

const TYPES = new Set<string>(['bool', 'tristate', 'string', 'int', 'hex']);
const BLOCKS = new Set([
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
]);

/** Applies one attribute line (`bool "x" if C`, `depends on …`, `select …`) to the open entry. */
function attribute(
  entry: Entry,
  keyword: string,
  arg: string,
  facts: KconfigFacts,
  at: { file: string; line: number },
) {
  const promptConds = (rest: string) => {
    if (!rest.startsWith('"') && !rest.startsWith("'")) return;
    const { cond } = splitIf(rest);
    entry.prompts.push(cond === undefined ? [] : [cond]);
  };
  if (TYPES.has(keyword)) {
    entry.type = keyword as KconfigType;
    promptConds(arg);
  } else if (keyword === 'def_bool' || keyword === 'def_tristate') {
    entry.type = keyword === 'def_bool' ? 'bool' : 'tristate';
  } else if (keyword === 'prompt') {
    promptConds(arg);
  } else if (keyword === 'select') {
    const { head, cond } = splitIf(arg);
    const list = facts.selects.get(head) ?? [];
    list.push({ by: entry.name, cond, ...at });
    facts.selects.set(head, list);
  }
}

/** `depends on X if Y` means `depends on !(Y) || (X)`. */
function dependsExpr(arg: string): string {
  const { head, cond } = splitIf(arg);
  return cond === undefined ? head : `!(${cond}) || (${head})`;
}

/** The conditions in force at a point of a file: those it inherits, then its open blocks'. */
function inScope(inherited: Inherited, scopes: readonly Scope[]): Inherited {
  return {
    depends: [...inherited.depends, ...scopes.flatMap((s) => s.depends)],
    visible: [...inherited.visible, ...scopes.flatMap((s) => s.visible)],
    choice: [...scopes].reverse().find((s) => s.kind === 'choice')?.choice ?? inherited.choice,
  };
}

/**
 * Adds every definition, select and choice of one Kconfig file to `facts`; returns the files it sources.
 * Pure.
 */
export function parseKconfigFile(
  text: string,
  file: string,
  facts: KconfigFacts = emptyFacts(),
  inherited: Inherited = TOP_LEVEL,
): SourceLine[] {
  const sources: SourceLine[] = [];
  const scopes: Scope[] = [];
  let entry: Entry | undefined;
  // A block just opened (menu, choice) whose own `depends on` lines may follow.
  let opened: Scope | undefined;
  let helpIndent: number | undefined;
  const close = () => {
    if (!entry) return;
    const { depends, visible, choice } = inScope(inherited, scopes);
    const list = facts.defs.get(entry.name) ?? [];
    list.push({
      file,
      line: entry.line,
      type: entry.type,
      depends: [...depends, ...entry.depends],
      prompts: entry.prompts.map((conds) => [...visible, ...conds]),
      choice,
    });
    facts.defs.set(entry.name, list);
    if (choice !== undefined) facts.choices.get(choice)?.push(entry.name);
    entry = undefined;
  };
  for (const { text: raw, line, indent } of logicalLines(text)) {
    const width = indent.replace(/\t/g, '        ').length;
    if (helpIndent !== undefined) {
      if (raw.trim() === '' || width >= helpIndent) continue;
      helpIndent = undefined;
    }
    const words = stripComment(raw).trim();
    if (words === '') continue;
    const [keyword = '', ...rest] = words.split(/\s+/);
    const arg = rest.join(' ');
    if (keyword === 'help' || keyword === '---help---') {
      helpIndent = width + 1;
      continue;
    }
    if (keyword === 'depends' && rest[0] === 'on') {
      const expr = dependsExpr(rest.slice(1).join(' '));
      if (entry) entry.depends.push(expr);
      else opened?.depends.push(expr);
      continue;
    }
    if (keyword === 'visible' && rest[0] === 'if') {
      opened?.visible.push(rest.slice(1).join(' '));
      continue;
    }
    if (!BLOCKS.has(keyword)) {
      if (entry) attribute(entry, keyword, arg, facts, { file, line });
      continue;
    }
    close();
    opened = undefined;
    if (keyword === 'config' || keyword === 'menuconfig') {
      entry = { name: arg, line, type: undefined, depends: [], prompts: [] };
    } else if (keyword === 'source') {
      sources.push({ path: /^"([^"]*)"$/.exec(arg)?.[1] ?? arg, inherited: inScope(inherited, scopes) });
    } else if (keyword === 'if') {
      scopes.push({ kind: 'if', depends: [arg], visible: [] });
    } else if (keyword === 'menu' || keyword === 'choice') {
      const choice = keyword === 'choice' ? `${file}:${line}` : undefined;
      if (choice !== undefined) facts.choices.set(choice, []);
      opened = { kind: keyword, depends: [], visible: [], ...(choice === undefined ? {} : { choice }) };
      scopes.push(opened);
    } else if (keyword === 'endif' || keyword === 'endmenu' || keyword === 'endchoice') {
      const kind = keyword === 'endif' ? 'if' : keyword === 'endmenu' ? 'menu' : 'choice';
      const at = scopes.map((s) => s.kind).lastIndexOf(kind);
      if (at >= 0) scopes.splice(at);
    }
  }
  close();
  return sources;
}
