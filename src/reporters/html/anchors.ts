/**
 * Anchors for tests: `test-<safe-id>`, derived from the test's name so a link such as `report.html#test-vmx`
 * keeps pointing at the same test in every run's report. Names made only of URL- and selector-safe
 * characters are used as they are; any other name (with `#`, `<`, spaces, unicode) becomes a slug plus a
 * hash of the exact name, so two names that slug alike still get different anchors. A name seen twice in
 * one record (a parsed log may repeat one) gets `-2`, `-3`… in order.
 */

const SAFE = /^[A-Za-z0-9_.-]+$/;

/** 32-bit FNV-1a over UTF-16 code units, as 8 hex digits: stable, and enough to tell names apart. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** The anchor of one name, before de-duplication. */
export function anchorBase(name: string): string {
  if (SAFE.test(name)) return `test-${name}`;
  // Accents are dropped (ü → u) so a unicode name keeps a readable slug; the hash keeps it exact.
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48);
  return `test-${slug === '' ? '' : `${slug}-`}${fnv1a(name)}`;
}

/** One anchor per name, in order, unique within the list. */
export function anchorIds(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    const base = anchorBase(name);
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  });
}
