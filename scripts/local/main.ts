/**
 * `npm run local [-- flags]`: the whole orders workflow on this machine, on moto, with the
 * real handler bundles. Ctrl-C stops everything it started. (Outside this repo the package's
 * bin `orders-workflow-local` does the same for a synthesized app: tools/local/cli.ts.)
 */
import * as path from 'node:path';
import { commonOptionsHelp, parseRunnerCommandLine, UsageError } from './cli/options';
import { exitWith, runRunnerCommand } from './cli/run';
import { DEFAULT_API_PORT, DEFAULT_VISIBILITY_TIMEOUT_SECONDS, startLocalWorkflow, TemplateSource } from './index';
import { LOCAL_AUTHORIZATION_MODES, LocalAuthorizationMode, localAuthorizationProps } from './template/local-stack';

const USAGE = `Usage: npm run local -- [options]

Runs the orders workflow locally: moto_server as the AWS APIs (bus, rule, queues, table
provisioned from the synthesized stack), the API on http://127.0.0.1:<port>, the worker
polling the queue. Ctrl-C stops it all.

Options:
  --app-dir <dir>            run a synthesized app (cdk.out) instead of this repo's stack
  --authorization <mode>     this repo's stack with OrdersApiAuthorization <mode>: none, iam,
                             api-key or cognito (a user pool and a demo user)   [none]
  --stack <name>             which stack of --app-dir                        [the only one]
${commonOptionsHelp({ port: DEFAULT_API_PORT, visibilityTimeoutSeconds: DEFAULT_VISIBILITY_TIMEOUT_SECONDS })}`;

exitWith(runRunnerCommand({
  usage: USAGE,
  replayCommand: 'npm run replay-dlq --',
  parse: (argv) => {
    const line = parseRunnerCommandLine(argv);
    const authorization = line.authorization;
    if (authorization !== undefined) {
      if (!(LOCAL_AUTHORIZATION_MODES as readonly string[]).includes(authorization)) {
        throw new UsageError(`--authorization must be one of ${LOCAL_AUTHORIZATION_MODES.join(', ')}, got "${authorization}"`);
      }
      if (line.appDir !== undefined) throw new UsageError('--authorization applies to this repo\'s stack; an --app-dir stack has its own');
    }
    return line;
  },
  start: (line) => {
    const template: TemplateSource = line.appDir !== undefined
      ? { appDir: line.appDir, stackName: line.stackName }
      : {
        outdir: path.resolve('.local', 'cdk.out'),
        props: line.authorization !== undefined ? localAuthorizationProps(line.authorization as LocalAuthorizationMode) : undefined,
      };
    return startLocalWorkflow({ ...line.options, template });
  },
}, process.argv.slice(2)));
