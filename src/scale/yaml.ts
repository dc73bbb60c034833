/**
 * A YAML writer for plain data (objects, arrays, strings, numbers, booleans), enough for LAVA job files.
 * Strings are always double-quoted with JSON escapes, which YAML 1.1 and 1.2 read the same way, so no
 * value can turn into a number, a boolean or a tag by accident; keys that are plain words stay bare.
 */

type Data = string | number | boolean | null | readonly Data[] | { readonly [key: string]: Data };

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' && !Number.isFinite(value))
    throw new TypeError(`not a YAML number: ${value}`);
  return String(value);
}

const key = (k: string): string =>
  PLAIN_KEY.test(k) && k !== 'null' && k !== 'true' && k !== 'false' ? k : JSON.stringify(k);

const isEmpty = (v: Data): boolean =>
  v !== null && typeof v === 'object' && (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0);

function lines(value: Data, indent: string): string[] {
  if (value === null || typeof value !== 'object') return [`${indent}${scalar(value)}`];
  if (Array.isArray(value)) {
    return (value as readonly Data[]).flatMap((item) => {
      if (item === null || typeof item !== 'object' || isEmpty(item)) {
        return [`${indent}- ${isEmpty(item) ? (Array.isArray(item) ? '[]' : '{}') : scalar(item as string)}`];
      }
      const [first, ...rest] = lines(item, `${indent}  `);
      return [`${indent}- ${(first ?? '').trimStart()}`, ...rest];
    });
  }
  return Object.entries(value as { readonly [key: string]: Data }).flatMap(([k, v]) => {
    if (v === null || typeof v !== 'object') return [`${indent}${key(k)}: ${scalar(v)}`];
    if (isEmpty(v)) return [`${indent}${key(k)}: ${Array.isArray(v) ? '[]' : '{}'}`];
    return [`${indent}${key(k)}:`, ...lines(v, `${indent}  `)];
  });
}

/** One YAML document (no `---`), ending with a newline. */
export function toYaml(value: unknown): string {
  return `${lines(value as Data, '').join('\n')}\n`;
}
