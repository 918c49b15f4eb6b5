/**
 * The AWS-API emulator the local run and the integration tests start: `moto_server` on PATH, or
 * else the one in this project's own virtual environment (`.venv`), which `npm run setup`
 * creates with pip when neither exists.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onPath, REPO_ROOT, SetupError } from './system';

/** The project's own Python environment (git-ignored). */
export const PROJECT_VENV = path.join(REPO_ROOT, '.venv');
/** moto 5: the version line the emulator code (scripts/local/emulator) is written against. */
export const MOTO_REQUIREMENT = 'moto[server]>=5.1,<6';

export function projectVenvBinary(name: string, venv = PROJECT_VENV): string {
  return process.platform === 'win32' ? path.join(venv, 'Scripts', `${name}.exe`) : path.join(venv, 'bin', name);
}

/** Where moto_server is: on PATH first (a machine that has it), then the project's venv. */
export function findMotoServer(env: NodeJS.ProcessEnv = process.env, venv = PROJECT_VENV): string | undefined {
  return onPath('moto_server', env) ?? (fs.existsSync(projectVenvBinary('moto_server', venv)) ? projectVenvBinary('moto_server', venv) : undefined);
}

/** Finds moto_server, or installs moto into the project's venv with pip (saying so). */
export function ensureMotoServer(log: (line: string) => void, env: NodeJS.ProcessEnv = process.env, venv = PROJECT_VENV): string {
  const found = findMotoServer(env, venv);
  if (found) return found;
  const python = onPath('python3', env) ?? onPath('python', env);
  if (!python) {
    throw new SetupError('moto_server is missing and there is no python3 to install it with. Install Python 3 ' +
      '(https://www.python.org/downloads/; Debian/Ubuntu: apt-get install python3 python3-venv), then run `npm run setup` again.');
  }
  log(`moto_server not found: installing "${MOTO_REQUIREMENT}" into ${path.relative(REPO_ROOT, venv) || venv} with pip ` +
    '(once; npm run local and the tests find it there)');
  run(python, ['-m', 'venv', venv], 'Could not create the virtual environment. On Debian/Ubuntu: apt-get install python3-venv. ' +
    'Or install moto yourself: pip install "moto[server]"');
  run(projectVenvBinary('python', venv), ['-m', 'pip', 'install', '--disable-pip-version-check', '--quiet', MOTO_REQUIREMENT],
    'pip could not install moto (is PyPI reachable?). Install it yourself: pip install "moto[server]"');
  const installed = projectVenvBinary('moto_server', venv);
  if (!fs.existsSync(installed)) throw new SetupError(`pip finished but ${installed} does not exist.`);
  return installed;
}

function run(command: string, args: string[], hint: string): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0) throw new SetupError(`${command} ${args.join(' ')} failed. ${hint}`);
}
