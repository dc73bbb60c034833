/**
 * Why a kunitconfig option did not make it into .config, from the tree's Kconfig files and the generated
 * .config, e.g. `CONFIG_KASAN=y not set: depends on HAVE_ARCH_KASAN (HAVE_ARCH_KASAN not set for um)`.
 * It follows kconfig's own rules (scripts/kconfig/symbol.c): a prompt is visible when its conditions are;
 * a visible `m` counts as `y` for a bool and when MODULES is off; a tristate set to `m` is built in (`y`)
 * without MODULES; a `select` forces a symbol on whatever its dependencies; a symbol without a visible
 * prompt takes its default; one member of a bool choice is `y`. It never says "met" when it cannot tell:
 * the last resort names what it did not find. A `$(…)` macro is not evaluated and never blamed.
 */

import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { Kconfig, KconfigEntry } from './kconfig.js';
import {
  emptyFacts,
  type Inherited,
  type KconfigDefinition,
  type KconfigFacts,
  parseKconfigFile,
  TOP_LEVEL,
} from './kconfig-deps.js';

type Tok = string;

function tokenize(expr: string): Tok[] | undefined {
  if (expr.includes('$(')) return undefined;
  return expr.match(/&&|\|\||!=|[!()=<>]=?|"[^"]*"|[A-Za-z0-9_.-]+/g) ?? [];
}

/** Kconfig's tristate value of a symbol or constant (2 = y, 1 = m, 0 = n or unset). */
function tristate(tok: Tok, values: Kconfig): number {
  const v = /^[ymn]$/.test(tok) ? tok : values.get(tok);
  return v === 'y' ? 2 : v === 'm' ? 1 : 0;
}

function rawValue(tok: Tok, values: Kconfig): string {
  if (tok.startsWith('"')) return tok.slice(1, -1);
  if (/^[ymn]$/.test(tok) || /^[0-9]/.test(tok)) return tok;
  const v = values.get(tok) ?? 'n';
  return v.startsWith('"') ? v.slice(1, -1) : v;
}

/**
 * Evaluates an expression; `blame` collects the symbols (and comparisons) that keep it under `need`.
 * Returns undefined for an expression vmunit cannot evaluate (a macro).
 */
export function evaluate(
  expr: string,
  values: Kconfig,
  need = 2,
  blame = new Set<string>(),
): number | undefined {
  const tokens = tokenize(expr);
  if (tokens === undefined) return undefined;
  let pos = 0;
  const peek = () => tokens[pos];
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
    const seen = negated ? 2 - v : v;
    if (seen < need && /^[A-Za-z_]/.test(t) && !/^[ymn]$/.test(t)) blame.add(t);
    return v;
  };
  // Kconfig's && and || are min and max over tristate values.
  const chain =
    (op: string, next: (negated: boolean) => number, pick: (a: number, b: number) => number) =>
    (negated: boolean): number => {
      let v = next(negated);
      while (peek() === op) {
        pos++;
        v = pick(v, next(negated));
      }
      return v;
    };
  const and = chain('&&', (n) => primary(n), Math.min);
  const or = chain('||', and, Math.max);
  return or(false);
}

/** Level of a list of conditions (&&); a macro counts as met, as vmunit cannot evaluate it. */
function level(conds: readonly string[], values: Kconfig): number {
  return Math.min(2, ...conds.map((c) => evaluate(c, values) ?? 2));
}

interface Ctx {
  readonly name: string;
  readonly defs: readonly KconfigDefinition[];
  readonly facts: KconfigFacts;
  readonly values: Kconfig;
  readonly arch: string;
  /** A visible `m` counts as `y`: a bool, or any symbol when MODULES is off (symbol.c). */
  readonly promote: (v: number) => number;
}

function isSet(values: Kconfig, sym: string): boolean {
  return (values.get(sym) ?? 'n') !== 'n';
}

/** `A, B not set; C=m for ARCH` for the symbols that keep conditions under `need`. */
function culprits(ctx: Ctx, blame: Iterable<string>): string {
  const unset: string[] = [];
  const set: string[] = [];
  for (const s of blame) {
    if (s.includes('=') || s.includes('<') || s.includes('>')) set.push(s);
    else if (isSet(ctx.values, s)) set.push(`${s}=${ctx.values.get(s)}`);
    else unset.push(s);
  }
  const parts = [
    ...(unset.length ? [`${unset.join(', ')} not set`] : []),
    ...(set.length ? [set.join(', ')] : []),
  ];
  return parts.length ? ` (${parts.join('; ')} for ${ctx.arch})` : '';
}

/** The conditions of the best prompt that keep it under `need`, worded; undefined when one is visible. */
function hiddenPrompt(ctx: Ctx, need: number): string | undefined {
  let best: { vis: number; def: KconfigDefinition; prompt: readonly string[] } | undefined;
  for (const def of ctx.defs) {
    for (const prompt of def.prompts) {
      const vis = ctx.promote(Math.min(level(def.depends, ctx.values), level(prompt, ctx.values)));
      if (vis >= need) return undefined;
      if (!best || vis > best.vis) best = { vis, def, prompt };
    }
  }
  if (!best) return undefined;
  const named = new Set<string>();
  const why: string[] = [];
  const explain = (cond: string, word: string) => {
    const blame = new Set<string>();
    const v = evaluate(cond, ctx.values, need, blame);
    if (v === undefined || ctx.promote(v) >= need) return;
    const fresh = [...blame].filter((s) => !named.has(s));
    if (blame.size > 0 && fresh.length === 0) return;
    for (const s of blame) named.add(s);
    why.push(`${word} ${cond.replace(/\s+/g, ' ')}${culprits(ctx, blame)}`);
  };
  for (const cond of best.def.depends) explain(cond, 'depends on');
  for (const cond of best.prompt) explain(cond, 'its prompt needs');
  const capped = best.vis === 1 && need === 2 ? ', so it can be =m at most' : '';
  return why.length ? `${why.join('; ')}${capped}` : undefined;
}

/** The `select`s of the symbol that are in force (their symbol set and condition met), worded. */
function activeSelects(ctx: Ctx, atLeast: number): string[] {
  return (ctx.facts.selects.get(ctx.name) ?? [])
    .filter(
      (s) =>
        Math.min(
          tristate(s.by, ctx.values),
          s.cond === undefined ? 2 : (evaluate(s.cond, ctx.values) ?? 0),
        ) >= atLeast,
    )
    .map((s) => `${s.by}=${ctx.values.get(s.by)} (${s.file}:${s.line})`);
}

function whyOn(ctx: Ctx, actual: string): string {
  const selected = activeSelects(ctx, 1);
  if (selected.length) return `selected by ${selected.join(', ')}`;
  const choice = ctx.defs.find((d) => d.choice !== undefined)?.choice;
  if (choice !== undefined && actual === 'y')
    return `a member of the choice at ${choice}, which keeps one member =y`;
  if (ctx.defs.every((d) => d.prompts.length === 0)) return `it has no prompt: its default gives ${actual}`;
  const hidden = hiddenPrompt(ctx, 1);
  if (hidden !== undefined) return `its prompt is hidden, so its default (${actual}) applies: ${hidden}`;
  return `vmunit found neither a select nor a hidden prompt that keeps it ${actual}`;
}

function whyNoPrompt(ctx: Ctx): string {
  const selects = ctx.facts.selects.get(ctx.name) ?? [];
  if (selects.length === 0) return 'it has no prompt and nothing selects it: only its default sets it';
  const by = [...new Set(selects.map((s) => s.by))];
  const shown = by.slice(0, 5).join(', ') + (by.length > 5 ? `, … (${by.length})` : '');
  return `it has no prompt: only a select sets it, from ${shown} (none in force for ${ctx.arch})`;
}

/** Why an =m option came out =y: no module support, or a select from a =y symbol. */
function whyBuiltIn(ctx: Ctx): string | undefined {
  if (!isSet(ctx.values, 'MODULES')) return 'MODULES is not set, so kconfig builds a tristate option in (=y)';
  const forced = activeSelects(ctx, 2);
  return forced.length ? `selected by ${forced.join(', ')}, which forces =y` : undefined;
}

function whyNotOn(ctx: Ctx, wanted: string, actual: string): string {
  const type = ctx.defs.find((d) => d.type !== undefined)?.type;
  if (wanted === 'm' && type !== undefined && type !== 'tristate')
    return `${ctx.name} is a ${type}: it cannot be =m`;
  if (ctx.defs.every((d) => d.prompts.length === 0)) return whyNoPrompt(ctx);
  // Every reason that applies: fixing one alone would not be enough.
  const reasons = [
    hiddenPrompt(ctx, wanted === 'y' ? 2 : 1),
    wanted === 'm' && actual === 'y' ? whyBuiltIn(ctx) : undefined,
  ].filter((r) => r !== undefined);
  if (reasons.length) return reasons.join('; and ');
  const choice = ctx.defs.find((d) => d.choice !== undefined)?.choice;
  if (choice !== undefined) {
    const chosen = (ctx.facts.choices.get(choice) ?? []).filter(
      (s) => s !== ctx.name && ctx.values.get(s) === 'y',
    );
    if (chosen.length) return `a member of the choice at ${choice}, where CONFIG_${chosen[0]}=y is chosen`;
  }
  const now = actual === 'n' ? 'not set' : `=${actual}`;
  return `it is ${now} in .config, and vmunit found no unmet dependency in the Kconfig files for ${ctx.arch}`;
}

/** One line for a missing option: why .config does not have it. Pure given the facts. */
export function explainEntry(
  entry: KconfigEntry,
  facts: KconfigFacts,
  values: Kconfig,
  arch: string,
): string {
  const head = `CONFIG_${entry.name}=${entry.value} not set`;
  const defs = facts.defs.get(entry.name) ?? [];
  if (defs.length === 0) return `${head}: no Kconfig file of this tree defines ${entry.name}`;
  const type = defs.find((d) => d.type !== undefined)?.type;
  const modulesOff = !isSet(values, 'MODULES');
  const ctx: Ctx = {
    name: entry.name,
    defs,
    facts,
    values,
    arch,
    promote: (v) => (v === 1 && (type !== 'tristate' || modulesOff) ? 2 : v),
  };
  const actual = values.get(entry.name) ?? 'n';
  if (entry.value === 'n')
    return `# CONFIG_${entry.name} is not set: not kept, it is =${actual}: ${whyOn(ctx, actual)}`;
  return `${head}: ${whyNotOn(ctx, entry.value, actual)}`;
}

/** make's SRCARCH for an ARCH value (the arch directory that holds its Kconfig). */
export function srcArch(linuxArch: string): string {
  if (linuxArch === 'i386' || linuxArch === 'x86_64') return 'x86';
  if (linuxArch === 'sparc32' || linuxArch === 'sparc64') return 'sparc';
  return linuxArch;
}

/** Values of the macros `source` lines use; UML's host arch is taken to be x86 (HEADER_ARCH). */
function sourceMacros(linuxArch: string): Record<string, string> {
  const arch = srcArch(linuxArch);
  return {
    SRCARCH: arch,
    ARCH: linuxArch,
    SUBARCH: 'x86',
    HEADER_ARCH: arch === 'um' ? 'x86' : arch,
    srctree: '.',
  };
}

/**
 * Every Kconfig file the arch sees, read as kconfig reads them: from the root Kconfig through its `source`
 * lines, each file under the conditions it is sourced in. A file that cannot be read is skipped.
 */
async function readTree(root: string, linuxArch: string): Promise<KconfigFacts> {
  const facts = emptyFacts();
  const macros = sourceMacros(linuxArch);
  let budget = 20000; // a loop of `source` lines is an error for kconfig; here it only stops the walk
  const visit = async (file: string, inherited: Inherited): Promise<void> => {
    if (--budget < 0) return;
    const text = await readFile(join(root, file), 'utf8').catch(() => undefined);
    if (text === undefined) return;
    for (const src of parseKconfigFile(text, file, facts, inherited)) {
      const path = src.path.replace(/\$\(([A-Za-z_]+)\)/g, (m, name: string) => macros[name] ?? m);
      if (path.includes('$(')) continue;
      await visit(normalize(path), src.inherited);
    }
  };
  await visit('Kconfig', TOP_LEVEL);
  return facts;
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
  const facts = await readTree(root, linuxArch);
  return missing.map((e) => explainEntry(e, facts, actual, linuxArch));
}
