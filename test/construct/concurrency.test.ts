import { onlyResource, synthWorkflow } from './synth';

const functionsByName = (template: ReturnType<typeof synthWorkflow>['template']) =>
  Object.fromEntries(Object.values(template.findResources('AWS::Lambda::Function'))
    .map((f) => [f.Properties.FunctionName, f.Properties]));

test('by default neither function reserves concurrency and the event source sets no maximum', () => {
  const { template } = synthWorkflow({ namePrefix: 'orders' });
  const functions = functionsByName(template);
  expect(functions['orders-api'].ReservedConcurrentExecutions).toBeUndefined();
  expect(functions['orders-worker'].ReservedConcurrentExecutions).toBeUndefined();
  expect(onlyResource(template, 'AWS::Lambda::EventSourceMapping').props.ScalingConfig).toBeUndefined();
});

test('apiReservedConcurrency reserves for the API function only', () => {
  const { template } = synthWorkflow({ namePrefix: 'orders', apiReservedConcurrency: 40 });
  const functions = functionsByName(template);
  expect(functions['orders-api'].ReservedConcurrentExecutions).toBe(40);
  expect(functions['orders-worker'].ReservedConcurrentExecutions).toBeUndefined();
});

test('workerMaxConcurrency caps the SQS event source, not the function', () => {
  const { template } = synthWorkflow({ namePrefix: 'orders', workerMaxConcurrency: 5 });
  expect(onlyResource(template, 'AWS::Lambda::EventSourceMapping').props.ScalingConfig).toEqual({ MaximumConcurrency: 5 });
  expect(functionsByName(template)['orders-worker'].ReservedConcurrentExecutions).toBeUndefined();
});

describe('tracing: true', () => {
  const { template, workflow } = synthWorkflow({ tracing: true });
  const policies = Object.values(template.findResources('AWS::IAM::Policy'));

  test('the only Resource * statements are X-Ray\'s and the operations function\'s metric reads (neither has resource-level permissions)', () => {
    const wildcard = policies.flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((s: { Resource: unknown }) => s.Resource === '*' || (Array.isArray(s.Resource) && s.Resource.includes('*')));
    const xray = wildcard.filter((statement: { Action: unknown }) => JSON.stringify(statement.Action) !== '"cloudwatch:GetMetricData"');
    expect(xray).toHaveLength(4); // one per function (api, reads, operations, worker)
    for (const statement of xray) expect(statement.Action).toEqual(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']);
    expect(wildcard).toHaveLength(5);
  });

  test('each function role\'s policy acknowledges exactly that wildcard for cdk-nag', () => {
    for (const fn of [workflow.apiFunction, workflow.workerFunction]) {
      const policy = fn.role!.node.findChild('DefaultPolicy').node.defaultChild as never as { getMetadata(k: string): any };
      expect(policy.getMetadata('cdk_nag').rules_to_suppress)
        .toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5', appliesTo: ['Resource::*'] })]);
    }
  });
});

test('without tracing no wildcard is acknowledged', () => {
  const { workflow } = synthWorkflow();
  const policy = workflow.apiFunction.role!.node.findChild('DefaultPolicy').node.defaultChild as never as { getMetadata(k: string): any };
  expect(policy.getMetadata('cdk_nag')).toBeUndefined();
});
