// A KUnit-style suite for a tiny bounded stack: per-case setup in `init`, state in `t.priv`,
// EXPECT (record and continue) vs ASSERT (record and stop), and deferred cleanup with addAction.
import { defineSuite, type TestContext } from 'vmunit/unit';

class Stack<T> {
  readonly #items: T[] = [];
  constructor(readonly capacity: number) {}
  push(item: T): boolean {
    if (this.#items.length >= this.capacity) return false;
    this.#items.push(item);
    return true;
  }
  pop(): T | undefined {
    return this.#items.pop();
  }
  get size(): number {
    return this.#items.length;
  }
}

const stackOf = (t: TestContext) => t.priv as Stack<number>;

defineSuite({
  name: 'stack',
  init(t) {
    t.priv = new Stack<number>(2);
  },
  cases: [
    function push_then_pop(t) {
      const s = stackOf(t);
      t.assert.true(s.push(1));
      t.expect.eq(s.size, 1);
      t.expect.eq(s.pop(), 1);
      t.expect.null(s.pop());
    },
    function refuses_when_full(t) {
      const s = stackOf(t);
      s.push(1);
      s.push(2);
      t.expect.false(s.push(3), 'a full stack must refuse');
      t.expect.eq(s.size, 2);
    },
    function cleans_up_in_reverse(t) {
      const order: string[] = [];
      t.addAction(() => {
        order.push('first added');
        t.log('cleanup order:', order.join(' → '));
      });
      t.addAction(() => {
        order.push('last added');
      });
      t.expect.eq(order.length, 0);
    },
  ],
});
