// Suite-wide state from suiteInit, attributes for `--filter` (`speed>slow`, `module=...`), and skipping.
// Try: vmunit test examples/unit --filter 'speed>slow'            (leaves out the slow case)
//      vmunit test examples/unit --filter 'speed>slow' --filter_action skip
import { defineSuite } from 'vmunit/unit';

defineSuite({
  name: 'attributes_demo',
  attributes: { module: 'demo' },
  suiteInit(s) {
    s.priv = { table: new Map([['one', 1]]) };
    s.log('table ready');
  },
  cases: [
    function reads_shared_table(t) {
      const { table } = t.suitePriv as { table: Map<string, number> };
      t.expect.eq(table.get('one'), 1);
      t.expect.deepEq([...table.keys()], ['one']);
    },
    {
      name: 'slow_computation',
      attributes: { speed: 'slow' },
      async run(t) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        t.expect.ge(Date.now(), 0);
      },
    },
    function needs_feature(t) {
      if (!('gc' in globalThis)) t.skip('run node with --expose-gc');
      t.expect.true(true);
    },
    function partly_supported(t) {
      t.markSkipped('only half of this runs here');
      t.expect.streq('still', 'still');
    },
    async function rejects_bad_input(t) {
      const parse = async (text: string) => JSON.parse(text) as unknown;
      await t.expect.rejects(parse('{'), SyntaxError);
      t.expect.throws(() => JSON.parse('['), /JSON/);
    },
  ],
});
