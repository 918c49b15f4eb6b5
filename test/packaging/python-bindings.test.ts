/**
 * The Python check (`npx projen test:python`) passes on the example app, fails on a wrong call,
 * and builds a wheel that holds the typed package. Runs the same command the task runs.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { DEFAULT_FILES, findWheelBuildingPython, REPO_ROOT, WHEEL_DIR, wheelContents } from './python/python-bindings';

// Cold (no cached aws-cdk-lib bindings) the first run generates them: ~40 s on 2 cores.
jest.setTimeout(6 * 60_000);

function runCheck(files: string[]) {
  const started = Date.now();
  const result = spawnSync(path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
    [path.join(__dirname, 'python', 'python-bindings.ts'), ...files], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}\n${result.stderr}`, seconds: (Date.now() - started) / 1000 };
}

test('examples/python/app.py type-checks against the generated bindings, and the wheel is built', () => {
  const check = runCheck(DEFAULT_FILES);
  console.log(`python check of the example (${check.seconds.toFixed(1)} s):\n${check.output.trim()}`);
  expect(check.output).toContain('OK: examples/python/app.py type-check against the bindings');
  expect(check.status).toBe(0);

  const version = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).version;
  const wheel = path.join(WHEEL_DIR, `cdk_orders_workflow-${version}-py3-none-any.whl`);
  expect(fs.existsSync(wheel)).toBe(true);
  const contents = wheelContents(findWheelBuildingPython(), wheel);
  expect(contents).toEqual(expect.arrayContaining([
    'cdk_orders_workflow/__init__.py',
    'cdk_orders_workflow/py.typed', // PEP 561: type checkers use the package's own annotations
    `cdk_orders_workflow/_jsii/cdk-orders-workflow@${version}.jsii.tgz`,
    `cdk_orders_workflow-${version}.dist-info/METADATA`,
  ]));
});

test('a misspelt prop, a wrong type or a non-action fail the check, and the errors name them', () => {
  const example = fs.readFileSync(DEFAULT_FILES[0], 'utf8');
  expect(example).toMatch(/\bbatch_size=5,/);
  expect(example).toMatch(/\bmax_receive_count=5,/);
  // Outside the repository, as a user's file would be.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orders-python-bad-'));
  const misspelt = path.join(dir, 'misspelt_prop.py');
  const wrongType = path.join(dir, 'wrong_type.py');
  fs.writeFileSync(misspelt, example.replace(/\bbatch_size=5,/, 'batch_sise=5,'));
  fs.writeFileSync(wrongType, example.replace(/\bmax_receive_count=5,/, 'max_receive_count="5",'));
  // A topic is not an alarm action: the jsii#4541 filter must not hide a real protocol mismatch.
  const notAnAction = path.join(dir, 'not_an_alarm_action.py');
  expect(example).toContain('alarm_actions=[cw_actions.SnsAction(pager)],');
  fs.writeFileSync(notAnAction, example.replace('alarm_actions=[cw_actions.SnsAction(pager)],', 'alarm_actions=[pager],'));
  try {
    const check = runCheck([misspelt, wrongType, notAnAction]);
    console.log(`python check of the broken copies (${check.seconds.toFixed(1)} s):\n${check.output.trim()}`);
    expect(check.status).toBe(1);
    expect(check.output).toMatch(/misspelt_prop\.py:\d+:\d+ - error: No parameter named "batch_sise"/);
    expect(check.output).toMatch(/wrong_type\.py:\d+:\d+ - error: Argument of type "Literal\['5'\]" cannot be assigned to parameter "max_receive_count"/);
    expect(check.output).toMatch(/not_an_alarm_action\.py:\d+:\d+ - error: Argument of type "list\[Topic\]" cannot be assigned to parameter "alarm_actions"[^]*"Topic" is incompatible with protocol "IAlarmAction"/);
    expect(check.output).toContain('FAILED: 3 problem(s)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
