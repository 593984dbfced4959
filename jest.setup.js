// cdktf's jest matchers (toHaveResource, toBeValidTerraform, …), registered lazily: loading cdktf costs
// about 0.3 s of CPU per test file, and most test files never synthesize a stack nor use the matchers.
// The first call of any of them loads cdktf's own matchers (Testing.setupJest) and runs the real one.
const NAMES = [
  'toHaveResource',
  'toHaveResourceWithProperties',
  'toHaveDataSource',
  'toHaveDataSourceWithProperties',
  'toHaveProvider',
  'toHaveProviderWithProperties',
  'toBeValidTerraform',
  'toPlanSuccessfully',
];
let matchers;
function cdktfMatchers() {
  if (!matchers) {
    const extend = expect.extend;
    expect.extend = (m) => (matchers = m);
    try {
      require('cdktf').Testing.setupJest();
    } finally {
      expect.extend = extend;
    }
    const missing = NAMES.filter((n) => typeof matchers?.[n] !== 'function');
    if (missing.length > 0) throw new Error(`cdktf's Testing.setupJest no longer defines ${missing.join(', ')}: update jest.setup.js`);
  }
  return matchers;
}
expect.extend(
  Object.fromEntries(
    NAMES.map((name) => [
      name,
      function (...args) {
        return cdktfMatchers()[name].apply(this, args);
      },
    ]),
  ),
);

// cdktf (and constructs) record a whole stack trace for every token and construct they create, by
// capturing it on a plain object (`{ stack: '' }`) and keeping the text for a message they rarely
// print. Jest formats every trace through source maps, frame by frame: for those captures that was
// about 8% of a synthesizing test's CPU. They get V8's plain format; errors keep jest's mapped one.
const mappedStack = Error.prepareStackTrace;
if (typeof mappedStack === 'function') {
  Error.prepareStackTrace = function (error, frames) {
    if (error !== null && typeof error === 'object' && Object.getPrototypeOf(error) === Object.prototype) {
      return `Error\n${frames.map((frame) => `    at ${frame}`).join('\n')}`;
    }
    return mappedStack(error, frames);
  };
}
