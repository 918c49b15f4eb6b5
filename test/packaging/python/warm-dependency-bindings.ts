/**
 * Generates the Python bindings of aws-cdk-lib and constructs into their cache ahead of the
 * tests that type-check against them (about a minute of one core on a cache miss). `npm run
 * build` starts it with `--background` first: it then runs beside bundle and compile, which leave
 * a core idle, and the tests find the cache ready, or wait for it on the same lock.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CACHE_DIR, DEPENDENCY_PACKAGES, dependencyBindings } from './python-bindings';

const LOG_FILE = path.join(CACHE_DIR, 'warm-dependency-bindings.log');

if (process.argv.includes('--background')) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const log = fs.openSync(LOG_FILE, 'w');
  const args = process.argv.slice(1).filter((arg) => arg !== '--background');
  spawn(process.execPath, [...process.execArgv, ...args], { detached: true, stdio: ['ignore', log, log] }).unref();
  console.log(`Python dependency bindings: warming the cache in the background (log: ${path.relative(process.cwd(), LOG_FILE)})`);
} else {
  for (const name of DEPENDENCY_PACKAGES) {
    const { cached, seconds } = dependencyBindings(name, (line) => console.log(line));
    console.log(`${name}: ${cached ? 'already cached' : `generated in ${seconds.toFixed(1)} s`}`);
  }
}
