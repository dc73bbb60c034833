// Parameterised cases: an array with a description function (KUNIT_ARRAY_PARAM) and a generator
// `(prev) => next` that ends with undefined (KUnit's generate_params). Each parameter is a nested result.
import { defineSuite } from 'vmunit/unit';

const isPowerOfTwo = (n: number) => n > 0 && (n & (n - 1)) === 0;

defineSuite({
  name: 'power_of_two',
  cases: [
    {
      name: 'accepts_powers',
      params: {
        generate: (prev: number | undefined) => (prev === undefined ? 1 : prev < 1024 ? prev * 2 : undefined),
      },
      run(t) {
        t.expect.true(isPowerOfTwo(t.paramValue as number));
      },
    },
    {
      name: 'rejects_others',
      params: { values: [0, 3, 6, 1023, -4], describe: (n: number) => `n=${n}` },
      run(t) {
        t.expect.false(isPowerOfTwo(t.paramValue as number));
      },
    },
  ],
});
