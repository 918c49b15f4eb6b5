/**
 * Finds the parts of the orders workflow in a synthesized template by how they are wired,
 * not by construct ids, so any stack that contains one OrdersWorkflow (this repo's, or a
 * consumer's app such as examples/app) runs locally:
 * - the worker: the function of the (single) SQS event source mapping, and that queue;
 * - the dead-letter queue: the main queue's redrive target;
 * - the API: the REST API whose method proxies (AWS_PROXY) to a function;
 * - the bus: the bus of the rule that targets the main queue;
 * - the idempotency table: the table the worker's environment refers to.
 */
import { generatedName, lambdaFunctionOf, logicalIdOf } from './references';
import { CfnResource, functionCodeDir, handlerEntry, SynthesizedStack } from './synthesized-stack';

export interface FunctionModel {
  readonly logicalId: string;
  /** The physical name (`FunctionName`, or a CloudFormation-style generated one). */
  readonly functionName: string;
  readonly codeDir: string;
  readonly handlerFile: string;
  readonly exportName: string;
  readonly timeoutSeconds: number;
  readonly memorySize: number;
  readonly runtime: string;
  readonly logGroupName: string;
  /** As in the template: values may still be Ref/Fn::GetAtt, resolved once resources exist. */
  readonly environment: Readonly<Record<string, unknown>>;
}

export interface EventSourceModel {
  readonly logicalId: string;
  readonly queueLogicalId: string;
  /** Lambda's default for SQS is 10. */
  readonly batchSize: number;
  readonly maxBatchingWindowSeconds: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
  readonly maximumConcurrency?: number;
  readonly hasFilterCriteria: boolean;
}

export interface WorkflowModel {
  readonly stack: SynthesizedStack;
  /** The REST API whose methods proxy to the API function (api-gateway/model.ts reads its routes). */
  readonly restApiLogicalId: string;
  readonly apiFunction: FunctionModel;
  /** The REST API's other Lambda proxy targets (the reads function of `GET /orders`, the operations function of `/ops`), run like the API function. */
  readonly routeFunctions: readonly FunctionModel[];
  readonly workerFunction: FunctionModel;
  readonly eventSource: EventSourceModel;
  readonly mainQueueLogicalId: string;
  readonly deadLetterQueueLogicalId?: string;
  readonly idempotencyTableLogicalId?: string;
  /** The table the API function keeps its request-deduplication records in (`ORDERS_TABLE_NAME`). */
  readonly ordersTableLogicalId?: string;
  /** The bus of the rule that routes to the main queue: a logical id, or a name/ARN when the bus is imported. */
  readonly eventBus?: { readonly logicalId: string } | { readonly name: string };
}

export function readWorkflowModel(stack: SynthesizedStack): WorkflowModel {
  const resources = Object.entries(stack.template.Resources);
  const ofType = (type: string) => resources.filter(([, resource]) => resource.Type === type);

  const sqsMappings = ofType('AWS::Lambda::EventSourceMapping').filter(([, mapping]) => {
    const source = logicalIdOf(mapping.Properties?.EventSourceArn);
    return source !== undefined && stack.template.Resources[source]?.Type === 'AWS::SQS::Queue';
  });
  if (sqsMappings.length !== 1) {
    throw new Error(`Stack ${stack.stackName}: expected exactly one SQS event source mapping (the worker), found ${sqsMappings.length}. ` +
      'The local runner runs one OrdersWorkflow per stack.');
  }
  const [mappingId, mapping] = sqsMappings[0];
  const mappingProps = mapping.Properties!;
  const mainQueueLogicalId = logicalIdOf(mappingProps.EventSourceArn)!;
  const workerLogicalId = logicalIdOf(mappingProps.FunctionName);
  if (!workerLogicalId) throw new Error(`${mappingId}: FunctionName must reference a function of the stack`);

  const proxyMethods = ofType('AWS::ApiGateway::Method').filter(([, method]) => method.Properties?.Integration?.Type === 'AWS_PROXY');
  const restApiIds = [...new Set(proxyMethods.map(([, method]) => logicalIdOf(method.Properties?.RestApiId)).filter(isDefined))];
  if (restApiIds.length !== 1) {
    throw new Error(`Stack ${stack.stackName}: expected one REST API with a Lambda proxy method, found ${restApiIds.length}.`);
  }
  const functionOf = ([, method]: [string, CfnResource]) => lambdaFunctionOf(method.Properties?.Integration?.Uri);
  const proxiedIds = [...new Set(proxyMethods.map(functionOf).filter(isDefined))];
  // The API function is the one behind POST that publishes to the bus (it creates orders; the operations
  // function has a POST too); the others (reads, operations) serve their own routes.
  const postIds = [...new Set(proxyMethods.filter(([, method]) => method.Properties?.HttpMethod === 'POST').map(functionOf).filter(isDefined))];
  const publishing = postIds.filter((id) => stack.template.Resources[id]?.Properties?.Environment?.Variables?.EVENT_BUS_NAME !== undefined);
  const apiFunctionIds = publishing.length > 0 ? publishing : postIds.length > 0 ? postIds : proxiedIds;
  if (apiFunctionIds.length !== 1) {
    throw new Error(`Stack ${stack.stackName}: expected one function behind the REST API's POST methods, found ${apiFunctionIds.length}.`);
  }

  const mainQueue = stack.template.Resources[mainQueueLogicalId];
  const redrive = parseMaybeJson(mainQueue.Properties?.RedrivePolicy);
  const deadLetterQueueLogicalId = logicalIdOf(redrive?.deadLetterTargetArn);

  const workerFunction = readFunction(stack, workerLogicalId);
  const apiFunction = readFunction(stack, apiFunctionIds[0]);
  const routeFunctions = proxiedIds.filter((id) => id !== apiFunctionIds[0]).map((id) => readFunction(stack, id));
  const tableOf = (value: unknown) => {
    const id = logicalIdOf(value);
    return id !== undefined && stack.template.Resources[id]?.Type === 'AWS::DynamoDB::Table' ? id : undefined;
  };
  const tableRefs = Object.values(workerFunction.environment).map(tableOf).filter(isDefined);
  const tables = ofType('AWS::DynamoDB::Table');
  // By name first: the worker's environment also names the orders table (ORDERS_TABLE_NAME).
  const idempotencyTableLogicalId = tableOf(workerFunction.environment.IDEMPOTENCY_TABLE_NAME)
    ?? tableRefs[0] ?? (tables.length === 1 ? tables[0][0] : undefined);
  const ordersTableLogicalId = tableOf(apiFunction.environment.ORDERS_TABLE_NAME);

  const rule = ofType('AWS::Events::Rule').find(([, candidate]) =>
    (candidate.Properties?.Targets ?? []).some((target: any) => logicalIdOf(target.Arn) === mainQueueLogicalId));
  const busRef = rule?.[1].Properties?.EventBusName;
  const busLogicalId = logicalIdOf(busRef);
  const eventBus = busLogicalId !== undefined
    ? { logicalId: busLogicalId }
    : { name: typeof busRef === 'string' ? busRef : 'default' };

  return {
    stack,
    restApiLogicalId: restApiIds[0],
    apiFunction,
    routeFunctions,
    workerFunction,
    eventSource: {
      logicalId: mappingId,
      queueLogicalId: mainQueueLogicalId,
      batchSize: Number(mappingProps.BatchSize ?? 10),
      maxBatchingWindowSeconds: Number(mappingProps.MaximumBatchingWindowInSeconds ?? 0),
      reportBatchItemFailures: (mappingProps.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
      enabled: mappingProps.Enabled !== false && mappingProps.Enabled !== 'false',
      maximumConcurrency: mappingProps.ScalingConfig?.MaximumConcurrency !== undefined
        ? Number(mappingProps.ScalingConfig.MaximumConcurrency) : undefined,
      hasFilterCriteria: mappingProps.FilterCriteria !== undefined,
    },
    mainQueueLogicalId,
    deadLetterQueueLogicalId,
    idempotencyTableLogicalId,
    ordersTableLogicalId,
    eventBus: rule ? eventBus : undefined,
  };
}

function readFunction(stack: SynthesizedStack, logicalId: string): FunctionModel {
  const resource: CfnResource | undefined = stack.template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Lambda::Function') {
    throw new Error(`${logicalId} is not an AWS::Lambda::Function of stack ${stack.stackName}`);
  }
  const props = resource.Properties ?? {};
  const functionName = typeof props.FunctionName === 'string' ? props.FunctionName : generatedName(stack.stackName, logicalId, 64);
  const codeDir = functionCodeDir(stack, logicalId);
  const { file, exportName } = handlerEntry(codeDir, String(props.Handler ?? 'index.handler'));
  const logGroupId = logicalIdOf(props.LoggingConfig?.LogGroup);
  const logGroupName = logGroupId !== undefined ? stack.template.Resources[logGroupId]?.Properties?.LogGroupName : undefined;
  return {
    logicalId,
    functionName,
    codeDir,
    handlerFile: file,
    exportName,
    timeoutSeconds: Number(props.Timeout ?? 3),
    memorySize: Number(props.MemorySize ?? 128),
    runtime: String(props.Runtime ?? 'nodejs22.x'),
    logGroupName: typeof logGroupName === 'string' ? logGroupName : `/aws/lambda/${functionName}`,
    environment: props.Environment?.Variables ?? {},
  };
}

function parseMaybeJson(value: unknown): any {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}
