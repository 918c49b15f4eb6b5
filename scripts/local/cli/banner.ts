/**
 * What the runner prints once the workflow runs: the outputs, and how to place an order past
 * the API's authorization, fail one into the DLQ and replay it.
 */
import * as path from 'node:path';
import { failureInjectionLine } from '../lambda/failure-injection';
import { LocalOutputs, SECRET_OUTPUTS } from '../outputs';
import type { LocalWorkflow } from '../runner';
import { RUNNER_COMMANDS_HELP } from '../runner-commands';

/** What curl needs for the API's authorization: a line or two before the examples, and its arguments. */
function authorizationHelp(outputs: LocalOutputs, outputsFile: string, ordersUseIam: boolean): { credentials: string[]; curl: string } {
  const read = (key: keyof LocalOutputs) => `$(node -p "require('${outputsFile}').${key}")`;
  const credentials: string[] = [];
  const curl: string[] = [];
  if (outputs.UserPoolId !== undefined) {
    credentials.push(
      `Sign in as ${outputs.DemoUsername} (Cognito on the emulator) and keep the ID token:`,
      `  TOKEN=$(AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local aws cognito-idp initiate-auth --endpoint-url ${outputs.EmulatorEndpoint} \\`,
      `    --region us-east-1 --auth-flow USER_PASSWORD_AUTH --client-id ${outputs.UserPoolClientId} \\`,
      `    --auth-parameters USERNAME=${outputs.DemoUsername},PASSWORD="${read('DemoPassword')}" --query AuthenticationResult.IdToken --output text)`,
    );
    curl.push(' -H "Authorization: $TOKEN"');
  }
  if (outputs.ApiKey !== undefined) curl.push(` -H "x-api-key: ${read('ApiKey')}"`);
  // The ops routes are AWS_IAM in every mode but Cognito: the credentials exist even when POST /orders is open.
  if (outputs.LocalAccessKeyId !== undefined && ordersUseIam) {
    credentials.push('Requests are signed with SigV4 (curl 7.75+) by the local credentials:');
    curl.push(` --aws-sigv4 aws:amz:us-east-1:execute-api --user "${outputs.LocalAccessKeyId}:${read('LocalSecretAccessKey')}"`);
  }
  return { credentials, curl: curl.join('') };
}

/**
 * The outputs, and how to place an order past the API's authorization. Credentials (the demo
 * user's password, the API key, the secret access key) are shown to a developer at a terminal
 * and masked in CI logs (`CI` set): they are in the outputs file either way.
 */
export function banner(local: LocalWorkflow, outputsFile: string, replayCommand: string): string {
  const outputs = local.outputs;
  const masked = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  const width = Math.max(...Object.keys(outputs).map((key) => key.length));
  const shown = (key: keyof LocalOutputs) => (masked && SECRET_OUTPUTS.includes(key) ? '(masked in CI; see the outputs file)'
    : key === 'StageQueues' ? `${(outputs.StageQueues ?? []).map((pair) => pair.name).join(', ')} (URLs in the outputs file)` : outputs[key]);
  const rows = (Object.keys(outputs) as Array<keyof LocalOutputs>).map((key) => `  ${key.padEnd(width)}  ${shown(key)}`);
  const orders = `${local.apiUrl}/orders`;
  const relativeOutputs = path.relative(process.cwd(), outputsFile) || outputsFile;
  // `node -p "require(...)"` reads a credential from the file without printing it here.
  const requirable = relativeOutputs.startsWith('..') || path.isAbsolute(relativeOutputs) ? outputsFile : `./${relativeOutputs}`;
  const ordersUseIam = local.methodAccess.some((method) => method.route === 'POST /orders' && method.authorizationType === 'AWS_IAM');
  const { credentials, curl } = authorizationHelp(outputs, requirable, ordersUseIam);
  const dlqAfter = local.worker.maxReceiveCount !== undefined
    ? ` (about ${local.worker.maxReceiveCount * local.worker.visibilityTimeoutSeconds} s: ${local.worker.maxReceiveCount} receives, ${local.worker.visibilityTimeoutSeconds} s apart)`
    : '';
  return [
    '',
    `Orders workflow running locally: stack ${local.stackName}, AWS APIs emulated by moto at ${local.emulatorEndpoint}`,
    failureInjectionLine(local.failureInjection),
    ...stageWorkerLines(local),
    '',
    ...rows,
    `  (also in ${relativeOutputs})`,
    '',
    ...credentials,
    'Place an order:',
    `  curl -i -X POST ${orders} -H 'Content-Type: application/json'${curl} \\`,
    '    -d \'{"customerId":"cust-123","items":[{"sku":"SKU-1","qty":2},{"sku":"SKU-2","qty":1}]}\'',
    `Make one fail into the dead-letter queue${dlqAfter}:`,
    `  curl -i -X POST ${orders} -H 'Content-Type: application/json'${curl} -d '{"items":[{"sku":"FAIL-ME","qty":1}]}'`,
    'Replay the dead-letter queue into the main queue:',
    `  ${replayCommand} --outputs-file ${relativeOutputs}`,
    ...opsHelp(outputs, orders, requirable),
    '',
    RUNNER_COMMANDS_HELP,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

/** One line per stage worker (none without stages): its step, its function and the queue it polls. */
function stageWorkerLines(local: LocalWorkflow): string[] {
  if (local.stageWorkers.length === 0) return [];
  return [
    'Stage workers, each polling its own queue:',
    ...local.stageWorkers.map((worker) => {
      const step = worker.stepName !== undefined ? `step ${worker.stepName}${worker.stepMode === 'compensate' ? ' (compensation)' : ''}: ` : '';
      return `  ${step}${worker.functionName} <- ${worker.queueName}`;
    }),
  ];
}

/**
 * The operations routes: SigV4-signed with the local credentials in every mode but Cognito
 * (where the demo user is an operator). The redrive is SQS's move task, emulated by the runner.
 */
function opsHelp(outputs: LocalOutputs, orders: string, requirable: string): string[] {
  const ops = orders.replace(/orders$/, 'ops');
  const read = (key: keyof LocalOutputs) => `$(node -p "require('${requirable}').${key}")`;
  const auth = outputs.UserPoolId !== undefined
    ? ' -H "Authorization: $TOKEN"'
    : ` --aws-sigv4 aws:amz:us-east-1:execute-api --user "${outputs.LocalAccessKeyId}:${read('LocalSecretAccessKey')}"`;
  return [
    'Or with the native redrive (operators only; SQS\'s move task, emulated by the runner), after "injection off" below:',
    `  curl -s ${ops}/queues${auth}`,
    `  curl -s -X POST ${ops}/redrive${auth}`,
    `  curl -s ${ops}/redrive${auth}`,
  ];
}
