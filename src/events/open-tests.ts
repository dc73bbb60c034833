/**
 * The tests a consumer holds while they are open, keyed by id. Most tests are leaves that finish right
 * after they start, so the newest one is held beside the Map and only moved into it when another test
 * starts first: a million-case log then costs no Map insertion, lookup or deletion per leaf. Iteration
 * is in start order, as a Map's.
 */
export class OpenTests<T> {
  readonly #map = new Map<string, T>();
  #lastId: string | undefined;
  #last: T | undefined;

  set(id: string, value: T): void {
    if (this.#lastId !== undefined && this.#lastId !== id) this.#map.set(this.#lastId, this.#last as T);
    this.#lastId = id;
    this.#last = value;
  }

  get(id: string): T | undefined {
    return id === this.#lastId ? this.#last : this.#map.get(id);
  }

  has(id: string): boolean {
    return id === this.#lastId || this.#map.has(id);
  }

  delete(id: string): boolean {
    if (id !== this.#lastId) return this.#map.delete(id);
    this.#lastId = undefined;
    this.#last = undefined;
    return true;
  }

  /** The open tests, oldest first. */
  values(): T[] {
    const list = [...this.#map.values()];
    if (this.#lastId !== undefined) list.push(this.#last as T);
    return list;
  }
}
