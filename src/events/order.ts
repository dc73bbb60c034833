/**
 * Declaration order: children are kept in `test:start` index order, whatever order a `-j` run started
 * them in. Shared by every consumer that keeps children (tree builder, KTAP writer, record builder).
 */

/**
 * Inserts `item` after every element from `from` on whose index is not larger (stable for equal indexes);
 * elements before `from` are already placed (written) and never moved.
 */
export function insertByIndex<T>(list: T[], item: T, indexOf: (t: T) => number, from = 0): void {
  const index = indexOf(item);
  let at = list.length;
  while (at > from && indexOf(list[at - 1] as T) > index) at--;
  if (at === list.length) list.push(item);
  else list.splice(at, 0, item);
}
