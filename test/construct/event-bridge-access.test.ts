import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import { onlyResource, synthWorkflow } from './synth';
import { OrdersWorkflow, OrdersWorkflowProps } from '../../src';

/**
 * Who may make EventBridge put orders into the queues, and encrypt them with the queues' key:
 * every Allow for events.amazonaws.com, in every queue policy and key policy of the template,
 * must be conditioned on this workflow's rule. No `arrayWith`: an extra, unconditioned
 * statement anywhere fails the walk.
 */

const EVENTS = 'events.amazonaws.com';
type Statement = { Effect: string; Principal?: any; Action: unknown; Condition?: any; Sid?: string; Resource?: unknown };

function eventBridgeStatements(template: Template): Array<{ where: string; statement: Statement }> {
  const found: Array<{ where: string; statement: Statement }> = [];
  const collect = (where: string, document: { Statement: Statement[] }) => {
    for (const statement of document.Statement) {
      if ([statement.Principal?.Service].flat().includes(EVENTS)) found.push({ where, statement });
    }
  };
  for (const [id, policy] of Object.entries(template.findResources('AWS::SQS::QueuePolicy'))) {
    collect(`queue policy ${id}`, (policy as any).Properties.PolicyDocument);
  }
  for (const [id, key] of Object.entries(template.findResources('AWS::KMS::Key'))) {
    collect(`key policy ${id}`, (key as any).Properties.KeyPolicy);
  }
  return found;
}

/**
 * A template value as the string CloudFormation would make of it, for Fn::Join, Ref and
 * literals: Ref of the partition is `aws`, Ref of a bus or rule is its Name property.
 */
function evaluate(template: Template, value: any): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map((part: any) => evaluate(template, part)).join(value['Fn::Join'][0]);
  if (value.Ref === 'AWS::Partition') return 'aws';
  if (value.Ref) return template.toJSON().Resources[value.Ref].Properties.Name;
  throw new Error(`cannot evaluate ${JSON.stringify(value)}`);
}

/** The rule's real ARN, from its own resource: `rule/<bus>/<name>`, or `rule/<name>` on the default bus. */
function realRuleArn(template: Template, workflow: OrdersWorkflow): string {
  const rule = template.toJSON().Resources[Stack.of(workflow).getLogicalId(workflow.orderCreatedRule.node.defaultChild as any)].Properties;
  const busName = evaluate(template, rule.EventBusName);
  const path = busName === 'default' ? rule.Name : `${busName}/${rule.Name}`;
  return `arn:aws:events:us-east-1:111111111111:rule/${path}`;
}

function expectEveryEventBridgeAllowConditionedOnTheRule(template: Template, workflow: OrdersWorkflow, expectedCount: number): void {
  const ruleId = Stack.of(workflow).getLogicalId(workflow.orderCreatedRule.node.defaultChild as any);
  const found = eventBridgeStatements(template);
  expect(found).toHaveLength(expectedCount);
  for (const { where, statement } of found) {
    expect({ where, effect: statement.Effect }).toEqual({ where, effect: 'Allow' });
    expect({ where, conditionKeys: Object.keys(statement.Condition ?? {}) }).toEqual({ where, conditionKeys: ['ArnEquals'] });
    expect({ where, keys: Object.keys(statement.Condition.ArnEquals) }).toEqual({ where, keys: ['aws:SourceArn'] });
    const sourceArn = statement.Condition.ArnEquals['aws:SourceArn'];
    if (where.startsWith('queue policy')) {
      // The exact attribute of this workflow's rule.
      expect({ where, sourceArn }).toEqual({ where, sourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] } });
    } else {
      // Spelt out (a GetAtt would be circular): it must evaluate to the rule's real ARN.
      expect({ where, sourceArn: evaluate(template, sourceArn) }).toEqual({ where, sourceArn: realRuleArn(template, workflow) });
    }
  }
}

describe('EventBridge may use the queues and their key only for this workflow\'s rule', () => {
  test('SSE-SQS (no key): both queue policies, one conditioned Allow each', () => {
    const { template, workflow } = synthWorkflow();
    template.resourceCountIs('AWS::KMS::Key', 0);
    expectEveryEventBridgeAllowConditionedOnTheRule(template, workflow, 2);
  });

  test.each<[string, (stack: Stack) => Partial<OrdersWorkflowProps>]>([
    ['created bus', () => ({})],
    ['created bus, namePrefix', () => ({ namePrefix: 'orders' })],
    ['imported custom bus', (stack) => ({ eventBus: events.EventBus.fromEventBusName(stack, 'Shared', 'shared-bus') })],
    ['imported default bus', (stack) => ({ eventBus: events.EventBus.fromEventBusName(stack, 'Default', 'default') })],
  ])('customer-managed key, %s: both queue policies and the key policy', (_name, build) => {
    const { template, workflow } = synthWorkflow({}, (stack) => ({ ...build(stack), queueEncryptionKey: new kms.Key(stack, 'QueueKey') }));
    expectEveryEventBridgeAllowConditionedOnTheRule(template, workflow, 3);
  });

  test('the walk fails on a statement without the condition (CDK\'s SqsQueue target adds one for KMS queues)', () => {
    const { template, workflow } = synthWorkflow({}, (stack) => ({ queueEncryptionKey: new kms.Key(stack, 'QueueKey') }));
    const json = template.toJSON();
    const keyId = onlyResource(template, 'AWS::KMS::Key').logicalId;
    json.Resources[keyId].Properties.KeyPolicy.Statement.push({
      Effect: 'Allow', Principal: { Service: EVENTS }, Action: ['kms:Decrypt', 'kms:Encrypt'], Resource: '*',
    });
    expect(() => expectEveryEventBridgeAllowConditionedOnTheRule(Template.fromJSON(json), workflow, 4)).toThrow();
  });

  test('the exact key policy: the account root (CDK\'s default) and EventBridge for this rule, nothing else', () => {
    const { template } = synthWorkflow({ namePrefix: 'orders' }, (stack) => ({ queueEncryptionKey: new kms.Key(stack, 'QueueKey') }));
    expect(onlyResource(template, 'AWS::KMS::Key').props.KeyPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
          Action: 'kms:*',
          Resource: '*',
        },
        {
          Sid: 'AllowOrderCreatedRuleToEncryptOrders',
          Effect: 'Allow',
          Principal: { Service: EVENTS },
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: '*',
          Condition: {
            ArnEquals: {
              'aws:SourceArn': {
                'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:us-east-1:111111111111:rule/orders-bus/orders-order-created']],
              },
            },
          },
        },
      ],
    });
  });

  test('a key in another stack: no circular reference, and the key policy names the rule by literal names', () => {
    const app = new App();
    const env = { account: '111111111111', region: 'us-east-1' };
    const keys = new Stack(app, 'Keys', { env });
    const key = new kms.Key(keys, 'QueueKey');
    const stack = new Stack(app, 'Orders', { env });
    const workflow = new OrdersWorkflow(stack, 'Orders', { queueEncryptionKey: key });
    expect(() => app.synth()).not.toThrow();
    const keyTemplate = Template.fromStack(keys);
    const [{ statement }] = eventBridgeStatements(keyTemplate);
    const sourceArn = statement.Condition.ArnEquals['aws:SourceArn'];
    expect(JSON.stringify(sourceArn)).not.toMatch(/Fn::ImportValue|Ref":"Orders/);
    expect(evaluate(keyTemplate, sourceArn)).toBe(realRuleArn(Template.fromStack(stack), workflow));
  });
});
