import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, NagSuppressions, ServerlessChecks } from 'cdk-nag';
import { OrdersWorkflow } from '../../src';

/**
 * What is left for the USER to decide once the construct has acknowledged the findings that are
 * inherent to its design. A team adopting the construct reviews exactly these; the reasons below
 * are what this project's own example deployment accepts.
 */
const USER_DECISIONS = [
  { id: 'AwsSolutions-APIG1', reason: 'Access logging needs the account-level API Gateway CloudWatch role, which is account-wide and not created by the construct.' },
  { id: 'Serverless-APIGWAccessLogging', reason: 'As AwsSolutions-APIG1.' },
  { id: 'AwsSolutions-APIG6', reason: 'Execution logging needs the same account-level role; the functions log every request as structured JSON.' },
  { id: 'AwsSolutions-APIG3', reason: 'WAF is chosen per organisation; associate a web ACL with workflow.api.deploymentStage.' },
  { id: 'AwsSolutions-APIG4', reason: 'The reference API is public (seed spec); authorization is on the roadmap.' },
  { id: 'AwsSolutions-COG4', reason: 'As AwsSolutions-APIG4.' },
  { id: 'Serverless-LambdaTracing', reason: 'X-Ray is opt-in through the tracing prop (cost); logs carry eventId/orderId for correlation.' },
  { id: 'Serverless-APIGWXrayEnabled', reason: 'As Serverless-LambdaTracing.' },
];

function findings(configure: (stack: Stack, workflow: OrdersWorkflow) => void = () => undefined): string[] {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '111111111111', region: 'us-east-1' } });
  const workflow = new OrdersWorkflow(stack, 'Orders', { namePrefix: 'orders' });
  configure(stack, workflow);
  Aspects.of(app).add(new AwsSolutionsChecks());
  Aspects.of(app).add(new ServerlessChecks());
  app.synth();
  const annotations = Annotations.fromStack(stack);
  // cdk-nag's findings only: the construct's own warnings (an open API) are asserted in authorization.test.ts.
  return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
    .map((m) => String(m.entry.data).split(':')[0])
    .filter((id) => /^(AwsSolutions|Serverless)-/.test(id));
}

test('AwsSolutions + Serverless packs: zero unacknowledged findings', () => {
  expect(findings((stack) => NagSuppressions.addStackSuppressions(stack, USER_DECISIONS))).toEqual([]);
});

test('the construct acknowledges only its design findings; user decisions stay visible', () => {
  const remaining = new Set(findings());
  expect([...remaining].sort()).toEqual(USER_DECISIONS.map((d) => d.id).sort());
});

test('tracing: true clears the tracing findings', () => {
  const app = new App();
  const stack = new Stack(app, 'Traced');
  new OrdersWorkflow(stack, 'Orders', { tracing: true });
  Aspects.of(app).add(new ServerlessChecks());
  app.synth();
  const ids = Annotations.fromStack(stack).findWarning('*', Match.anyValue()).concat(Annotations.fromStack(stack).findError('*', Match.anyValue()))
    .map((m) => String(m.entry.data).split(':')[0]);
  expect(ids).not.toContain('Serverless-LambdaTracing');
  expect(ids).not.toContain('Serverless-APIGWXrayEnabled');
});
