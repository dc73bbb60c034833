/**
 * Bounded views of unbounded text, so a report's size depends on the number of tests and not on what a
 * guest printed: a log keeps its first and last lines around an "N lines omitted" marker, and a line keeps
 * its first characters. The full text stays in the log file the report links to.
 */

export interface ExcerptLimits {
  readonly headLines: number;
  readonly tailLines: number;
  /** Characters kept of one line. */
  readonly lineChars: number;
}

export const LOG_LIMITS: ExcerptLimits = { headLines: 40, tailLines: 80, lineChars: 400 };

/** A part of a log excerpt: kept lines, or how many lines were left out between them. */
export type ExcerptPart = { readonly lines: readonly string[] } | { readonly omitted: number };

/** A line cut to `max` characters, saying how many were left out. */
export function clipLine(line: string, max: number): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)} … [${line.length - max} more characters]`;
}

/** Head and tail lines (clipped) around the count of lines left out between them. */
export function excerptParts(
  head: readonly string[],
  omitted: number,
  tail: readonly string[],
  limits: ExcerptLimits = LOG_LIMITS,
): ExcerptPart[] {
  const clip = (part: readonly string[]) => part.map((l) => clipLine(l, limits.lineChars));
  if (omitted <= 0) return [{ lines: clip([...head, ...tail]) }];
  return [{ lines: clip(head) }, { omitted }, { lines: clip(tail) }];
}

/** The head and tail of `lines`, with the count of lines left out between them (none when all fit). */
export function excerpt(lines: readonly string[], limits: ExcerptLimits = LOG_LIMITS): ExcerptPart[] {
  if (lines.length <= limits.headLines + limits.tailLines) return excerptParts(lines, 0, [], limits);
  const head = lines.slice(0, limits.headLines);
  const tail = limits.tailLines > 0 ? lines.slice(-limits.tailLines) : [];
  return excerptParts(head, lines.length - head.length - tail.length, tail, limits);
}
