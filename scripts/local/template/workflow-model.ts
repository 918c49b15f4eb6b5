/**
 * Finds the parts of the orders workflow in a synthesized template by how they are wired,
 * not by construct ids, so any stack that contains one OrdersWorkflow (this repo's, or a
 * consumer's app such as examples/app) runs locally:
 * - the worker: the function of the SQS event source mapping whose queue the OrderCreated rule
 *   targets (or, with several mappings and no such rule, the one whose function is step `main`
 *   or no step at all: no STEP_NAME), and that queue;
 * - the stage workers: every other SQS event source mapping of the stack (the stages' and
 *   their compensations' workers, or any other SQS-fed function), each with its queue and DLQ;
 * - the dead-letter queue: the main queue's redrive target;
 * - the API: the REST API whose method proxies (AWS_PROXY) to a function;
 * - the bus: the bus of the rule that targets the main queue;
 * - the idempotency table: the table the worker's environment refers to.
 */
import { generatedName, lambdaFunctionOf, logicalIdOf } from './references';
import { CfnResource, functionCodeDir, handlerEntry, SynthesizedStack } from './synthesized-stack';

/** The detail type of the event the API publishes (src/event-contract.ts; not imported: the bin bundles no src/). */
const ORDER_CREATED_DETAIL_TYPE = 'OrderCreated';
/** The workflow's own step in a multi-stage pipeline (STEP_NAME). */
const MAIN_STEP = 'main';

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

/** An SQS event source mapping other than the main worker's: a stage's (or a compensation's) worker. */
export interface StageWorkerModel {
  /** The function's `STEP_NAME` (the stage id), when its environment sets one as a literal. */
  readonly stepName?: string;
  /** The function's `STEP_MODE` (`process` when unset, `compensate` for a compensation worker); undefined without STEP_NAME. */
  readonly stepMode?: string;
  readonly function: FunctionModel;
  readonly eventSource: EventSourceModel;
  readonly queueLogicalId: string;
  /** That queue's redrive target. */
  readonly deadLetterQueueLogicalId?: string;
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
  /**
   * The stack's other SQS event source mappings (stages, compensations), each run like the
   * worker: in step order (the main worker's STEP_NAMES, a stage before its compensation), then
   * template order. Empty for a workflow without stages.
   */
  readonly stageWorkers: readonly StageWorkerModel[];
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
  for (const [mappingId, mapping] of sqsMappings) {
    if (!logicalIdOf(mapping.Properties?.FunctionName)) throw new Error(`${mappingId}: FunctionName must reference a function of the stack`);
  }
  const [mappingId, mapping] = mainMapping(stack, sqsMappings);
  const mappingProps = mapping.Properties!;
  const mainQueueLogicalId = logicalIdOf(mappingProps.EventSourceArn)!;
  const workerLogicalId = logicalIdOf(mappingProps.FunctionName)!;

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

  const deadLetterQueueLogicalId = deadLetterQueueOf(stack, mainQueueLogicalId);

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
    eventSource: readEventSource(mappingId, mapping),
    mainQueueLogicalId,
    stageWorkers: readStageWorkers(stack, sqsMappings.filter(([id]) => id !== mappingId), workerFunction),
    deadLetterQueueLogicalId,
    idempotencyTableLogicalId,
    ordersTableLogicalId,
    eventBus: rule ? eventBus : undefined,
  };
}

/**
 * The main worker's mapping: the only SQS mapping; else the one whose queue the OrderCreated
 * rule targets; else (or among several such) the one whose function runs no step or step `main`.
 */
function mainMapping(stack: SynthesizedStack, sqsMappings: Array<[string, CfnResource]>): [string, CfnResource] {
  if (sqsMappings.length === 1) return sqsMappings[0];
  if (sqsMappings.length === 0) {
    throw new Error(`Stack ${stack.stackName}: expected an SQS event source mapping (the worker), found none. ` +
      'The local runner runs one OrdersWorkflow per stack.');
  }
  const rules = Object.values(stack.template.Resources).filter((resource) => resource.Type === 'AWS::Events::Rule');
  const orderCreatedQueues = new Set(rules
    .filter((rule) => detailTypesOf(rule.Properties?.EventPattern).includes(ORDER_CREATED_DETAIL_TYPE))
    .flatMap((rule) => (rule.Properties?.Targets ?? []).map((target: any) => logicalIdOf(target.Arn)))
    .filter(isDefined));
  const fedByOrderCreated = sqsMappings.filter(([, mapping]) => orderCreatedQueues.has(logicalIdOf(mapping.Properties?.EventSourceArn)!));
  if (fedByOrderCreated.length === 1) return fedByOrderCreated[0];
  const candidates = fedByOrderCreated.length > 0 ? fedByOrderCreated : sqsMappings;
  const mainStep = candidates.filter(([, mapping]) => {
    const step = stepEnvironment(stack, logicalIdOf(mapping.Properties?.FunctionName)!).name;
    return step === undefined || step === MAIN_STEP;
  });
  if (mainStep.length === 1) return mainStep[0];
  const found = (mainStep.length > 0 ? mainStep : candidates).map(([id]) => id).join(', ');
  throw new Error(`Stack ${stack.stackName}: cannot tell which SQS event source mapping is the workflow's worker (${found}): ` +
    `expected one whose queue the ${ORDER_CREATED_DETAIL_TYPE} rule targets, or one whose function runs step "${MAIN_STEP}" ` +
    '(STEP_NAME) or no step. The local runner runs one OrdersWorkflow per stack.');
}

/** Every mapping but the main worker's, in step order (a stage's compensation after the stage), then template order. */
function readStageWorkers(stack: SynthesizedStack, mappings: Array<[string, CfnResource]>, mainWorker: FunctionModel): StageWorkerModel[] {
  const stepNames = parseMaybeJson(mainWorker.environment.STEP_NAMES);
  const order = Array.isArray(stepNames) ? stepNames.map(String) : [];
  const stages = mappings.map(([mappingId, mapping], templateIndex) => {
    const queueLogicalId = logicalIdOf(mapping.Properties?.EventSourceArn)!;
    const functionLogicalId = logicalIdOf(mapping.Properties?.FunctionName)!;
    const step = stepEnvironment(stack, functionLogicalId);
    const stage: StageWorkerModel = {
      ...(step.name !== undefined ? { stepName: step.name, stepMode: step.mode ?? 'process' } : {}),
      function: readFunction(stack, functionLogicalId),
      eventSource: readEventSource(mappingId, mapping),
      queueLogicalId,
      deadLetterQueueLogicalId: deadLetterQueueOf(stack, queueLogicalId),
    };
    const stepIndex = step.name !== undefined && order.includes(step.name) ? order.indexOf(step.name) : order.length;
    return { stage, key: [stepIndex, stage.stepMode === 'compensate' ? 1 : 0, templateIndex] };
  });
  stages.sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.key[2] - b.key[2]);
  return stages.map(({ stage }) => stage);
}

function readEventSource(logicalId: string, mapping: CfnResource): EventSourceModel {
  const props = mapping.Properties ?? {};
  return {
    logicalId,
    queueLogicalId: logicalIdOf(props.EventSourceArn)!,
    batchSize: Number(props.BatchSize ?? 10),
    maxBatchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
    reportBatchItemFailures: (props.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    enabled: props.Enabled !== false && props.Enabled !== 'false',
    maximumConcurrency: props.ScalingConfig?.MaximumConcurrency !== undefined
      ? Number(props.ScalingConfig.MaximumConcurrency) : undefined,
    hasFilterCriteria: props.FilterCriteria !== undefined,
  };
}

/** The queue's redrive target (a queue of the stack), if it has one. */
function deadLetterQueueOf(stack: SynthesizedStack, queueLogicalId: string): string | undefined {
  const redrive = parseMaybeJson(stack.template.Resources[queueLogicalId]?.Properties?.RedrivePolicy);
  return logicalIdOf(redrive?.deadLetterTargetArn);
}

/** STEP_NAME and STEP_MODE of a function's environment, when they are literals. */
function stepEnvironment(stack: SynthesizedStack, functionLogicalId: string): { name?: string; mode?: string } {
  const variables = stack.template.Resources[functionLogicalId]?.Properties?.Environment?.Variables ?? {};
  const literal = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
  return { name: literal(variables.STEP_NAME), mode: literal(variables.STEP_MODE) };
}

/** The `detail-type` values an event pattern matches exactly (a JSON string or an object). */
function detailTypesOf(pattern: unknown): string[] {
  const parsed = parseMaybeJson(pattern);
  const values = parsed?.['detail-type'];
  return Array.isArray(values) ? values.filter((value): value is string => typeof value === 'string') : [];
}

/** One function of the template as the runner sees it (code, handler, settings, environment as written). */
export function readFunction(stack: SynthesizedStack, logicalId: string): FunctionModel {
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
