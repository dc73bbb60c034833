/**
 * Kconfig fragments (`.kunitconfig`, `.config`, arch fragments) as kunit.py's kunit_config.py understands
 * them: `CONFIG_X=value` and `# CONFIG_X is not set` entries, comments, blank lines; anything else is an
 * error. Pure functions over an immutable-by-convention ordered map; no file system access here.
 */

import { VmunitError } from '../util/errors.js';

/** One `CONFIG_<name>=<value>` entry; `value` 'n' means "is not set". Quotes are kept in the value. */
export interface KconfigEntry {
  readonly name: string;
  readonly value: string;
}

/** An ordered name → value map (insertion order kept, a later duplicate overrides, as kunit.py's dict). */
export type Kconfig = ReadonlyMap<string, string>;

// Same grammar as kunit_config.py: a value is one non-blank token or a double-quoted string.
const ENTRY = /^CONFIG_(\w+)=(\S+|".*")$/;
const NOT_SET = /^# CONFIG_(\w+) is not set$/;

/**
 * Parses a fragment. `source` names the file in error messages (`file:line: Failed to parse: <line>`).
 */
export function parseKconfig(text: string, source = '<string>'): Kconfig {
  const entries = new Map<string, string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    const entry = ENTRY.exec(line);
    if (entry) {
      entries.set(entry[1] as string, entry[2] as string);
      continue;
    }
    const notSet = NOT_SET.exec(line);
    if (notSet) {
      entries.set(notSet[1] as string, 'n');
      continue;
    }
    if (line.startsWith('#')) continue;
    throw new VmunitError('CONFIG_SYNTAX', `Failed to parse: ${line}`, {
      position: { file: source, line: i + 1 },
    });
  }
  return entries;
}

/** `# CONFIG_X is not set` for 'n', else `CONFIG_X=value` (kunit_config.KconfigEntry.__str__). */
export function formatEntry(entry: KconfigEntry): string {
  return entry.value === 'n' ? `# CONFIG_${entry.name} is not set` : `CONFIG_${entry.name}=${entry.value}`;
}

/** The fragment as text, one entry per line, each line terminated. */
export function formatKconfig(config: Kconfig): string {
  let out = '';
  for (const [name, value] of config) out += `${formatEntry({ name, value })}\n`;
  return out;
}

/** Entries in insertion order. */
export function entriesOf(config: Kconfig): KconfigEntry[] {
  return [...config].map(([name, value]) => ({ name, value }));
}

/** `overlay` on top of `base`: base's order, overlay's values win, overlay-only names appended. */
export function mergeKconfig(base: Kconfig, overlay: Kconfig): Kconfig {
  const merged = new Map(base);
  for (const [name, value] of overlay) merged.set(name, value);
  return merged;
}

/**
 * Entries of `wanted` that `actual` does not satisfy. A wanted 'n' is satisfied by absence (Kconfig omits
 * options whose dependencies are unmet); any other value must match textually (kunit_config.is_subset_of).
 */
export function missingEntries(wanted: Kconfig, actual: Kconfig): KconfigEntry[] {
  const missing: KconfigEntry[] = [];
  for (const [name, value] of wanted) {
    const have = actual.get(name);
    if (have === undefined ? value !== 'n' : have !== value) missing.push({ name, value });
  }
  return missing;
}

/** True when every entry of `wanted` is satisfied by `actual`. */
export function isSubsetOf(wanted: Kconfig, actual: Kconfig): boolean {
  return missingEntries(wanted, actual).length === 0;
}

/** Same entries, order ignored (kunit_config.Kconfig.__eq__). */
export function kconfigEquals(a: Kconfig, b: Kconfig): boolean {
  if (a.size !== b.size) return false;
  for (const [name, value] of a) if (b.get(name) !== value) return false;
  return true;
}

/** A name set in both fragments with different values: [earlier, later]. */
export type KconfigConflict = readonly [KconfigEntry, KconfigEntry];

/** Names that `earlier` and `later` both set, to different values (kunit_config.conflicting_options). */
export function conflictingOptions(earlier: Kconfig, later: Kconfig): KconfigConflict[] {
  const out: KconfigConflict[] = [];
  for (const [name, value] of earlier) {
    const other = later.get(name);
    if (other !== undefined && other !== '' && other !== value) {
      out.push([
        { name, value },
        { name, value: other },
      ]);
    }
  }
  return out;
}
