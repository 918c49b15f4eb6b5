/**
 * The package's bin `orders-workflow-local`: `npm run local` for a user's own app. Runs a
 * synthesized app (`cdk synth` output) that contains an OrdersWorkflow on moto, with the code
 * CDK staged for each function in that assembly (custom processors included).
 *
 * Bundled (.projenrc.ts) into assets/tools/local/cli/index.js with the SDK clients inlined, so
 * the installed bin needs neither tsx nor any devDependency; it forks its bundled function host
 * (function-host.ts) and hands moto the startup file the bundle task copies beside it.
 */
import * as path from 'node:path';
import { commonOptionsHelp, parseRunnerCommandLine, UsageError } from '../../scripts/local/cli/options';
import { exitWith, runRunnerCommand } from '../../scripts/local/cli/run';
import { MOTO_INSTALL_HINT } from '../../scripts/local/emulator/moto-server';
import { useBundledFunctionHost } from '../../scripts/local/lambda/local-function';
import { DEFAULT_API_PORT, DEFAULT_VISIBILITY_TIMEOUT_SECONDS, startWorkflow } from '../../scripts/local/runner';

const USAGE = `Usage: npx orders-workflow-local --app-dir <cdk.out> [options]

Runs a synthesized CDK app that contains an OrdersWorkflow on this machine: moto_server as the
AWS APIs (the stack's queues, buses, rules with SQS targets and DynamoDB tables, created from
the template), the API on http://127.0.0.1:<port>, the worker (your processor) polling its
queue, with the code \`cdk synth\` staged in <cdk.out>. Needs moto: ${MOTO_INSTALL_HINT}.
Writes the outputs (URLs, names) to .local/outputs.json. Ctrl-C stops it all.

Options:
  --app-dir <dir>            the app's cloud assembly, e.g. cdk.out (run \`cdk synth\` first)  [required]
  --stack <name>             which stack of --app-dir                        [the only one]
${commonOptionsHelp({ port: DEFAULT_API_PORT, visibilityTimeoutSeconds: DEFAULT_VISIBILITY_TIMEOUT_SECONDS })}`;

/** The bundle's layout: assets/tools/local/cli/index.js beside assets/tools/local/function-host/index.js. */
useBundledFunctionHost(path.join(__dirname, '..', 'function-host', 'index.js'));

exitWith(runRunnerCommand({
  usage: USAGE,
  replayCommand: 'npx orders-workflow-replay-dlq',
  parse: (argv) => {
    const line = parseRunnerCommandLine(argv);
    if (line.help) return line;
    if (line.appDir === undefined) throw new UsageError('--app-dir is required: the directory `cdk synth` wrote (usually cdk.out)');
    if (line.authorization !== undefined) throw new UsageError('--authorization applies to this repository\'s own stack; your app has its own');
    return line;
  },
  start: (line) => startWorkflow({ ...line.options, template: { appDir: line.appDir!, stackName: line.stackName } }),
}, process.argv.slice(2)));
