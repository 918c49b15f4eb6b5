/**
 * One set-up script installs what the tests need beyond npm (scripts/setup/), and every way the
 * tests are run calls it: the GitHub workflows projen generates, .ci/run, `npm test` and
 * `npm run local`. How it finds (or reports) moto and Chromium is checked with fake PATHs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM_NAMES, ensureChromium, findChromium } from '../../scripts/setup/chromium';
import { ensureMotoServer, findMotoServer, projectVenvBinary } from '../../scripts/setup/moto';
import { SetupError } from '../../scripts/setup/system';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');

describe('every way the tests run calls the set-up script', () => {
  test.each([
    ['.github/workflows/build.yml', 'npx projen build'],
    ['.github/workflows/release.yml', 'npx projen release'],
  ])('%s runs `npm run setup` after installing dependencies and before building', (file, buildCommand) => {
    // The steps of the first job, in order (projen writes one `- name:` per step, with its `run:` below).
    const lines = read(file).split('\n').map((line) => line.trim());
    const install = lines.indexOf('- name: Install dependencies');
    const setup = lines.indexOf('run: npm run setup');
    const build = lines.indexOf(`run: ${buildCommand}`);
    expect(install).toBeGreaterThanOrEqual(0);
    expect(setup).toBeGreaterThan(install);
    expect(build).toBeGreaterThan(setup);
  });

  test('.ci/run runs it after npm ci, before the build', () => {
    const script = read('.ci/run');
    expect(script.indexOf('npm run setup')).toBeGreaterThan(script.indexOf('npm ci'));
    expect(script.indexOf('npm run setup')).toBeLessThan(script.indexOf('npm run build 2>&1'));
  });

  test('npm test runs it before jest, and npm run local runs its emulator part before the runner', () => {
    const tasks = JSON.parse(read('.projen/tasks.json')).tasks;
    expect(tasks.setup.steps).toEqual([{ exec: 'tsx scripts/setup/main.ts', receiveArgs: true }]);
    const testSteps = tasks.test.steps.map((step: any) => step.spawn ?? step.exec ?? step.execArgs?.[0]);
    expect(testSteps.indexOf('setup')).toBeGreaterThanOrEqual(0);
    expect(testSteps.indexOf('setup')).toBeLessThan(testSteps.indexOf('jest'));
    const localSteps = tasks.local.steps.map((step: any) => step.exec ?? step.spawn);
    expect(localSteps[0]).toBe('tsx scripts/setup/main.ts --emulator-only');
    expect(localSteps[localSteps.length - 1]).toMatch(/^tsx scripts\/local\/main\.ts/);
  });
});

describe('finding moto_server', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-moto-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const executable = (file: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '#!/bin/sh\n', { mode: 0o755 });
    return file;
  };

  test('on PATH first, then the project\'s venv, else nothing', () => {
    const venv = path.join(dir, 'venv');
    const bin = path.join(dir, 'bin');
    expect(findMotoServer({ PATH: bin }, venv)).toBeUndefined();
    const inVenv = executable(projectVenvBinary('moto_server', venv));
    expect(findMotoServer({ PATH: bin }, venv)).toBe(inVenv);
    const onPath = executable(path.join(bin, 'moto_server'));
    expect(findMotoServer({ PATH: bin }, venv)).toBe(onPath);
  });

  test('a found one is used as it is: nothing is installed', () => {
    const onPath = executable(path.join(dir, 'bin', 'moto_server'));
    const said: string[] = [];
    expect(ensureMotoServer((line) => said.push(line), { PATH: path.join(dir, 'bin') }, path.join(dir, 'venv'))).toBe(onPath);
    expect(said).toEqual([]);
  });

  test('missing, with no Python to install it with: an error that says how to get Python', () => {
    const attempt = () => ensureMotoServer(() => undefined, { PATH: path.join(dir, 'empty') }, path.join(dir, 'venv'));
    expect(attempt).toThrow(SetupError);
    expect(attempt).toThrow(/moto_server is missing and there is no python3.*Install Python 3.*python3-venv.*npm run setup/);
  });
});

describe('finding Chromium', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-chromium-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('CHROMIUM_PATH wins; then each name on PATH, in order', () => {
    for (const name of [...CHROMIUM_NAMES].reverse()) {
      fs.writeFileSync(path.join(dir, name), '#!/bin/sh\n', { mode: 0o755 });
      expect(findChromium({ PATH: dir })).toBe(path.join(dir, name));
    }
    expect(findChromium({ PATH: dir, CHROMIUM_PATH: path.join(dir, 'google-chrome') })).toBe(path.join(dir, 'google-chrome'));
  });

  test('a CHROMIUM_PATH that does not exist is an error naming it and how to get a browser', () => {
    expect(() => ensureChromium(() => undefined, { PATH: dir, CHROMIUM_PATH: '/nowhere/chromium' }))
      .toThrow(/CHROMIUM_PATH is \/nowhere\/chromium, which does not exist\. Install Chromium or Google Chrome \(Debian: apt-get install chromium/);
  });
});
