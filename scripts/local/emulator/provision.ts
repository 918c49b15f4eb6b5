/**
 * Creates the stack's stateful resources in the emulator with SDK calls, every setting read
 * from the synthesized template (moto's CloudFormation mishandles rules on custom buses and
 * wants Docker for Lambda event source mappings, so the runner does not deploy the template).
 *
 * Created: SQS queues (with redrive policy), EventBridge buses, rules and their SQS targets (a
 * Lambda target of the stack gets a queue the runner polls: lambda-target-queues.ts), DynamoDB
 * tables (Table and GlobalTable, with indexes and TTL: tables.ts), Cognito user pools with their
 * clients, groups and resource servers (cognito.ts). Run by the runner itself: Lambda functions and the REST API (with its
 * authorizers, API keys and usage plans).
 * Everything else (IAM, queue policies, log groups, alarms, dashboards) has no local effect.
 * Idempotent: against an emulator that already holds the resources, they are reused.
 */
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateEventBusCommand, DescribeEventBusCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './clients';
import { COGNITO_RESOURCE_TYPES, createCognitoResources } from './cognito';
import { createStandInQueue, LambdaRuleTarget } from './lambda-target-queues';
import { createTable, TABLE_TYPES } from './tables';
import { PhysicalResource, resolveString, resolveValue, ResolveContext } from '../template/intrinsics';
import { generatedName, logicalIdOf } from '../template/references';
import { CfnResource, SynthesizedStack } from '../template/synthesized-stack';

export interface ProvisionClients {
  readonly sqs: SQSClient;
  readonly events: EventBridgeClient;
  readonly dynamodb: DynamoDBClient;
  readonly cognito: CognitoIdentityProviderClient;
}

export interface ProvisionOptions {
  /** Attribute overrides per queue logical id (the runner's local visibility timeout). */
  readonly queueAttributeOverrides?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Resources the runner stands in for itself (API keys), so that Refs to them resolve. */
  readonly runnerResources?: ReadonlyMap<string, PhysicalResource>;
  /** One line per notable decision (what was created, what is not emulated). */
  readonly log?: (message: string) => void;
}

export interface ProvisionedStack {
  /** Physical ids of every resource, for resolving Refs in function environments and outputs. */
  readonly resolveContext: ResolveContext;
  /** Rules' targets that are Lambda functions of the stack, each delivered to a queue for the runner to invoke it. */
  readonly lambdaTargets: readonly LambdaRuleTarget[];
  physical(logicalId: string): PhysicalResource;
}

/** Template properties of AWS::SQS::Queue that are SQS queue attributes of the same name. */
const QUEUE_ATTRIBUTES = [
  'DelaySeconds', 'MaximumMessageSize', 'MessageRetentionPeriod', 'ReceiveMessageWaitTimeSeconds', 'VisibilityTimeout',
  'FifoQueue', 'ContentBasedDeduplication', 'DeduplicationScope', 'FifoThroughputLimit', 'SqsManagedSseEnabled',
] as const;

export async function provisionStack(stack: SynthesizedStack, clients: ProvisionClients, options: ProvisionOptions = {}): Promise<ProvisionedStack> {
  const log = options.log ?? (() => undefined);
  const registry = new Map<string, PhysicalResource>();
  const resolveContext: ResolveContext = {
    region: LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    stackName: stack.stackName,
    parameters: stack.template.Parameters,
    physical: (logicalId) => registry.get(logicalId),
  };
  const resources = Object.entries(stack.template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);

  const lambdaTargets: LambdaRuleTarget[] = [];
  registerRunnerResources(stack, registry);
  for (const [logicalId, physical] of options.runnerResources ?? []) registry.set(logicalId, physical);

  for (const [logicalId, queue] of dependencyOrder(ofType('AWS::SQS::Queue'))) {
    registry.set(logicalId, await createQueue(stack, logicalId, queue, resolveContext, clients.sqs,
      options.queueAttributeOverrides?.get(logicalId), log));
  }
  for (const [logicalId, bus] of ofType('AWS::Events::EventBus')) {
    registry.set(logicalId, await createEventBus(stack, logicalId, bus, resolveContext, clients.events));
  }
  for (const [logicalId, table] of resources.filter(([, resource]) => TABLE_TYPES.includes(resource.Type))) {
    registry.set(logicalId, await createTable(stack, logicalId, table, resolveContext, clients.dynamodb));
  }
  await createCognitoResources(stack, resolveContext, clients.cognito, (logicalId, physical) => registry.set(logicalId, physical));
  for (const [logicalId, rule] of ofType('AWS::Events::Rule')) {
    const created = await createRule(stack, logicalId, rule, resolveContext, clients, lambdaTargets, log);
    if (created) registry.set(logicalId, created);
  }

  const created = new Set(['AWS::SQS::Queue', 'AWS::Events::EventBus', ...TABLE_TYPES, 'AWS::Events::Rule',
    'AWS::Lambda::Function', 'AWS::Lambda::EventSourceMapping', 'AWS::ApiGateway::RestApi', 'AWS::ApiGateway::Resource',
    'AWS::ApiGateway::Method', 'AWS::ApiGateway::Stage', 'AWS::ApiGateway::Deployment', 'AWS::ApiGateway::GatewayResponse',
    'AWS::ApiGateway::Authorizer', 'AWS::ApiGateway::ApiKey', 'AWS::ApiGateway::UsagePlan', 'AWS::ApiGateway::UsagePlanKey',
    ...COGNITO_RESOURCE_TYPES]);
  const skipped = countBy(resources.filter(([, resource]) => !created.has(resource.Type)).map(([, resource]) => resource.Type));
  if (skipped.length > 0) {
    log(`not emulated (no local effect): ${skipped.map(([type, count]) => `${count} ${type}`).join(', ')}`);
  }

  return {
    resolveContext,
    lambdaTargets,
    physical: (logicalId) => {
      const physical = registry.get(logicalId);
      if (!physical) throw new Error(`${logicalId} was not created locally`);
      return physical;
    },
  };
}

/** Functions and the API are run by the runner, not the emulator; their names and ARNs are still referable. */
function registerRunnerResources(stack: SynthesizedStack, registry: Map<string, PhysicalResource>): void {
  const arn = (service: string, resource: string) => `arn:aws:${service}:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${resource}`;
  for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
    const props = resource.Properties ?? {};
    switch (resource.Type) {
      case 'AWS::Lambda::Function': {
        const name = typeof props.FunctionName === 'string' ? props.FunctionName : generatedName(stack.stackName, logicalId, 64);
        registry.set(logicalId, { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } });
        break;
      }
      case 'AWS::Logs::LogGroup': {
        const name = typeof props.LogGroupName === 'string' ? props.LogGroupName : generatedName(stack.stackName, logicalId, 512);
        registry.set(logicalId, { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } });
        break;
      }
      case 'AWS::IAM::Role': {
        const name = typeof props.RoleName === 'string' ? props.RoleName : generatedName(stack.stackName, logicalId, 64);
        registry.set(logicalId, { ref: name, attributes: { Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`, RoleId: name } });
        break;
      }
      case 'AWS::ApiGateway::RestApi':
        registry.set(logicalId, { ref: 'local', attributes: { RootResourceId: 'root' } });
        break;
      case 'AWS::ApiGateway::Stage':
        registry.set(logicalId, { ref: String(props.StageName ?? 'prod'), attributes: {} });
        break;
      case 'AWS::ApiGateway::Authorizer':
        registry.set(logicalId, { ref: logicalId.slice(0, 6).toLowerCase(), attributes: { AuthorizerId: logicalId.slice(0, 6).toLowerCase() } });
        break;
    }
  }
}

/** Queues that are another queue's redrive target first: the redrive policy needs their ARN. */
function dependencyOrder(queues: Array<[string, CfnResource]>): Array<[string, CfnResource]> {
  const ordered: Array<[string, CfnResource]> = [];
  const visiting = new Set<string>();
  const byId = new Map(queues);
  const visit = (id: string) => {
    if (ordered.some(([done]) => done === id) || visiting.has(id)) return;
    visiting.add(id);
    const redrive = byId.get(id)?.Properties?.RedrivePolicy;
    const target = logicalIdOf(typeof redrive === 'object' ? redrive?.deadLetterTargetArn : undefined);
    if (target !== undefined && byId.has(target)) visit(target);
    ordered.push([id, byId.get(id)!]);
  };
  queues.forEach(([id]) => visit(id));
  return ordered;
}

async function createQueue(
  stack: SynthesizedStack, logicalId: string, queue: CfnResource, ctx: ResolveContext, sqs: SQSClient,
  overrides: Readonly<Record<string, string>> | undefined, log: (message: string) => void,
): Promise<PhysicalResource> {
  // The key is not created locally (KMS is not part of the local system): keep it out of resolution.
  const props = resolveProperties(queue, ctx, logicalId, ['KmsMasterKeyId', 'KmsDataKeyReusePeriodSeconds', 'Tags']);
  const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
  const name = props.QueueName ?? (fifo ? `${generatedName(stack.stackName, logicalId, 75)}.fifo` : generatedName(stack.stackName, logicalId, 80));
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTES) {
    if (props[key] !== undefined) attributes[key] = String(props[key]);
  }
  for (const key of ['RedrivePolicy', 'RedriveAllowPolicy']) {
    if (props[key] !== undefined) attributes[key] = typeof props[key] === 'string' ? props[key] : JSON.stringify(props[key]);
  }
  if (queue.Properties?.KmsMasterKeyId !== undefined) {
    log(`${name}: SSE-KMS (key ${JSON.stringify(queue.Properties?.KmsMasterKeyId)}) is not emulated; the local queue is unencrypted`);
  }
  Object.assign(attributes, overrides);

  let queueUrl: string;
  try {
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl!;
  } catch (error) {
    // The queue exists with other attributes (a previous run): reuse it, with this template's settings.
    if ((error as Error).name !== 'QueueAlreadyExists' && (error as Error).name !== 'QueueNameExists') throw error;
    queueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
    const settable = Object.fromEntries(Object.entries(attributes).filter(([key]) => key !== 'FifoQueue'));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: settable }));
  }
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { ref: queueUrl, attributes: { Arn: arn, QueueName: name, QueueUrl: queueUrl } };
}

async function createEventBus(
  stack: SynthesizedStack, logicalId: string, bus: CfnResource, ctx: ResolveContext, events: EventBridgeClient,
): Promise<PhysicalResource> {
  const props = resolveProperties(bus, ctx, logicalId, ['Tags', 'KmsKeyIdentifier', 'DeadLetterConfig', 'Policy']);
  const name: string = props.Name ?? generatedName(stack.stackName, logicalId, 256);
  let arn: string;
  try {
    arn = (await events.send(new CreateEventBusCommand({ Name: name, Description: props.Description }))).EventBusArn!;
  } catch (error) {
    if ((error as Error).name !== 'ResourceAlreadyExistsException') throw error;
    arn = (await events.send(new DescribeEventBusCommand({ Name: name }))).Arn!;
  }
  return { ref: name, attributes: { Arn: arn, Name: name } };
}

async function createRule(
  stack: SynthesizedStack, logicalId: string, rule: CfnResource, ctx: ResolveContext, clients: ProvisionClients,
  lambdaTargets: LambdaRuleTarget[], log: (message: string) => void,
): Promise<PhysicalResource | undefined> {
  const props = resolveProperties(rule, ctx, logicalId, ['Tags']);
  const name: string = props.Name ?? generatedName(stack.stackName, logicalId, 64);
  const eventBusName: string = props.EventBusName ?? 'default';
  if (props.EventPattern === undefined) {
    log(`rule ${name}: only event-pattern rules are emulated (this one has ${props.ScheduleExpression ? 'a schedule' : 'no pattern'}); skipped`);
    return undefined;
  }
  const { RuleArn: arn } = await clients.events.send(new PutRuleCommand({
    Name: name,
    EventBusName: eventBusName,
    EventPattern: typeof props.EventPattern === 'string' ? props.EventPattern : JSON.stringify(props.EventPattern),
    State: props.State ?? 'ENABLED',
    Description: props.Description,
  }));
  const targets = (props.Targets ?? []) as Array<Record<string, any>>;
  const written = (rule.Properties?.Targets ?? []) as Array<Record<string, unknown>>;
  const delivered: Array<Record<string, any>> = [];
  let notEmulated = 0;
  for (const [index, target] of targets.entries()) {
    const targetId = resolveString(target.Id, ctx, `${logicalId}.Targets`);
    const functionLogicalId = logicalIdOf(written[index]?.Arn);
    if (String(target.Arn).startsWith('arn:aws:sqs:')) {
      delivered.push({ ...target, Id: targetId });
    } else if (functionLogicalId !== undefined && stack.template.Resources[functionLogicalId]?.Type === 'AWS::Lambda::Function') {
      // The runner runs the function: the event goes to a queue it polls (lambda-target-queues.ts).
      const timeout = Number(stack.template.Resources[functionLogicalId].Properties?.Timeout ?? 3);
      const standIn = await createStandInQueue(clients.sqs, { ruleName: name, targetId, functionLogicalId }, timeout);
      lambdaTargets.push(standIn);
      const { Input, InputPath, InputTransformer } = target;
      delivered.push({ Id: targetId, Arn: standIn.queueArn, Input, InputPath, InputTransformer });
    } else {
      notEmulated++;
    }
  }
  if (notEmulated > 0) {
    log(`rule ${name}: ${notEmulated} target(s) that are neither SQS queues nor Lambda functions of the stack are not emulated`);
  }
  if (delivered.length > 0) {
    const output = await clients.events.send(new PutTargetsCommand({
      Rule: name,
      EventBusName: eventBusName,
      Targets: delivered.map((target) => ({
        Id: target.Id,
        Arn: target.Arn,
        Input: target.Input,
        InputPath: target.InputPath,
        InputTransformer: target.InputTransformer,
        SqsParameters: target.SqsParameters,
        DeadLetterConfig: target.DeadLetterConfig,
        RetryPolicy: target.RetryPolicy,
      })),
    }));
    if ((output.FailedEntryCount ?? 0) > 0) {
      throw new Error(`PutTargets for rule ${name} failed: ${JSON.stringify(output.FailedEntries)}`);
    }
  }
  const ref = eventBusName === 'default' ? name : `${eventBusName}|${name}`;
  return { ref, attributes: { Arn: arn! } };
}

function resolveProperties(resource: CfnResource, ctx: ResolveContext, logicalId: string, omit: string[]): Record<string, any> {
  const props = Object.fromEntries(Object.entries(resource.Properties ?? {}).filter(([key]) => !omit.includes(key)));
  return resolveValue(props, ctx, logicalId) as Record<string, any>;
}

function countBy(values: string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts.entries()];
}
