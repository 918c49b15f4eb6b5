/**
 * jest's globalSetup: runs once in jest's own process before the test files, whose worker
 * processes inherit its environment. The id lets test files share work done once per run
 * (test/examples/support/once-per-run.ts) and never reuse a previous run's.
 */
export default function globalSetup(): void {
  process.env.ORDERS_TEST_RUN_ID = `${process.pid}-${Date.now()}`;
}
