import { readFileSync } from 'fs';
import { join } from 'path';
import { Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { allSecurityOptions, nagFindings } from './all-security-options';
import { OrderProcessor, OrdersApiAuthorization, OrdersApiWaf, OrdersWorkflow, OrdersWorkflowProps } from '../../src';

const packs = () => [new AwsSolutionsChecks(), new ServerlessChecks()];
const ruleIds = (props: (stack: Stack) => OrdersWorkflowProps) => [...new Set(nagFindings(packs(), props).map((f) => f.rule))].sort();
const cognitoPool = (stack: Stack) => cognito.UserPool.fromUserPoolId(stack, 'Users', 'us-east-1_Example');

/**
 * With default props, what is left once the construct has acknowledged the findings inherent to
 * its design: the user's decisions, each closed by a prop. docs/security.md's cdk-nag table lists
 * exactly these rows, and each row's prop is proven to close its finding.
 */
const DEFAULT_FINDINGS: Array<{ id: string; closedBy: string; props: (stack: Stack) => OrdersWorkflowProps }> = [
  { id: 'AwsSolutions-APIG1', closedBy: '`accessLogging: true`', props: () => ({ accessLogging: true }) },
  { id: 'AwsSolutions-APIG3', closedBy: '`waf: OrdersApiWaf.managed()` (or `.fromWebAclArn(arn)`)', props: () => ({ waf: OrdersApiWaf.managed() }) },
  {
    id: 'AwsSolutions-APIG4',
    closedBy: '`authorization: OrdersApiAuthorization.iam()` or `.cognito({ userPool })`',
    props: () => ({ authorization: OrdersApiAuthorization.iam() }),
  },
  { id: 'AwsSolutions-APIG6', closedBy: '`accessLogging: true`', props: () => ({ accessLogging: true }) },
  {
    id: 'AwsSolutions-COG4',
    closedBy: '`authorization: OrdersApiAuthorization.cognito({ userPool })`',
    props: (stack) => ({ authorization: OrdersApiAuthorization.cognito({ userPool: cognitoPool(stack) }) }),
  },
  { id: 'Serverless-APIGWAccessLogging', closedBy: '`accessLogging: true`', props: () => ({ accessLogging: true }) },
  { id: 'Serverless-APIGWXrayEnabled', closedBy: '`tracing: true`', props: () => ({ tracing: true }) },
  { id: 'Serverless-LambdaTracing', closedBy: '`tracing: true`', props: () => ({ tracing: true }) },
];

/** The rows of docs/security.md's table under "### cdk-nag": [finding, closed by]. */
function readmeTable(): string[][] {
  const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'security.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### cdk-nag'));
  return section.slice(0, section.indexOf('\n## ')).split('\n')
    .filter((line) => /^\| `(AwsSolutions|Serverless)-/.test(line))
    .map((line) => line.split(' | ').map((cell) => cell.replace(/^\| |\s*\|$/g, '').trim()))
    .map((cells) => [cells[0].replace(/`/g, ''), cells[cells.length - 1]]);
}

test('default props: exactly the findings the docs/security.md table lists, each with the prop that closes it', () => {
  expect(ruleIds(() => ({ namePrefix: 'orders' }))).toEqual(DEFAULT_FINDINGS.map((f) => f.id).sort());
  expect(readmeTable()).toEqual(DEFAULT_FINDINGS.map((f) => [f.id, f.closedBy]));
});

test.each(DEFAULT_FINDINGS.map((f) => [f.id, f.closedBy, f.props] as const))('%s is closed by %s', (id, _closedBy, props) => {
  expect(ruleIds((stack) => ({ namePrefix: 'orders', ...props(stack) }))).not.toContain(id);
});

test('every security option on (Cognito): zero unacknowledged AwsSolutions and Serverless findings', () => {
  expect(nagFindings(packs(), (stack) => allSecurityOptions(stack))).toEqual([]);
});

describe('with stages (one compensated)', () => {
  const withStages = (workflow: OrdersWorkflow) => {
    workflow.addStage('payment', { processor: OrderProcessor.builtIn(), completedEvent: 'PaymentAuthorized', compensation: OrderProcessor.builtIn() });
    workflow.addStage('stock', { processor: OrderProcessor.builtIn(), completedEvent: 'StockReserved' });
  };

  test('every security option on: still zero unacknowledged findings', () => {
    expect(nagFindings(packs(), (stack) => allSecurityOptions(stack), withStages)).toEqual([]);
  });

  test('default props: the stages add no finding beyond the documented ones (their workers, like every function, untraced)', () => {
    const findings = nagFindings(packs(), () => ({ namePrefix: 'orders' }), withStages);
    expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual(DEFAULT_FINDINGS.map((f) => f.id).sort());
    expect([...new Set(findings.filter((f) => f.path.includes('/Stages/')).map((f) => f.rule))]).toEqual(['Serverless-LambdaTracing']);
  });
});

test('every security option on with IAM instead of Cognito: only COG4 (no Cognito authorizer) is left', () => {
  expect(ruleIds((stack) => allSecurityOptions(stack, OrdersApiAuthorization.iam()))).toEqual(['AwsSolutions-COG4']);
});
