// @ts-check
/**
 * The order jest starts test files in, for a run on 2 workers with no timing cache (CI starts
 * from a clean clone): the longest files first, so that no long file starts last and runs
 * alone while the other worker idles; then every other file as jest's own sequencer orders it;
 * last, the files that reuse what a first one builds once per run (test/examples/support/
 * once-per-run.ts, the Python bindings cache), so that they find it ready instead of waiting
 * for it while holding a worker.
 */
const Sequencer = require('@jest/test-sequencer').default;

/** Longest first, as measured by `.ci/run` on a 2-core machine (seconds, in two runs). */
const FIRST = [
  'test/integration/custom-processor.test.ts', // 231-300
  'test/examples/frontend-cognito.browser.test.ts', // 152-176
  'test/packaging/readme-snippets.test.ts', // 118 (generates the Python dependency bindings)
  // After the browser file, so that the two 1,000-order files (moto-bound) do not share the cores.
  'test/integration/load.test.ts', // 164-227
  'test/examples/frontend.browser.test.ts', // 105-118 (builds the frontend)
  'test/integration/stages.test.ts', // 85 alone (320 orders through three stages)
  'test/examples/app-synth.test.ts', // 72-97 (synthesizes the example app's variants)
  'test/integration/dlq-replay.test.ts', // 47-66
  'test/integration/orders-flow.test.ts', // 42-46
  'test/packaging/processor-consumer.test.ts', // 32-68
];

/** Reuse a build of a FIRST file: the frontend, the example app, the Python bindings. */
const LAST = [
  'test/examples/example-processor.browser.test.ts',
  'test/examples/frontend-stages.browser.test.ts',
  'test/examples/app-nag.test.ts',
  'test/packaging/python-bindings.test.ts',
];

class LongestFirstSequencer extends Sequencer {
  /** @param {import('@jest/test-result').Test[]} tests */
  async sort(tests) {
    const sorted = await super.sort(tests);
    const rank = (/** @type {import('@jest/test-result').Test} */ test) => {
      const file = require('node:path').relative(test.context.config.rootDir, test.path).split('\\').join('/');
      const first = FIRST.indexOf(file);
      if (first >= 0) return first - FIRST.length;
      return LAST.includes(file) ? 1 : 0;
    };
    // Array.prototype.sort is stable: within a rank, jest's own order stays.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LongestFirstSequencer;
