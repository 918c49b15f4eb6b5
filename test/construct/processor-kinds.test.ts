/**
 * The worker function for each kind of processor: what code it deploys, with which handler, and
 * that the construct's own grants and environment come with every kind.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { createProcessorProject, ProcessorProject } from './processor-project';
import { synthWorkflow, Synthesized } from './synth';
import { assetDirOf, logicalIdOf, propsOf, roleStatementsOf, synthUsing } from './worker-template';
import { OrderProcessor, OrdersWorkflowProps } from '../../src';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const BUILT_IN_BUNDLE = path.join(REPO_ROOT, 'assets', 'lambda', 'worker', 'handler', 'index.js');
const PREBUILT_DIR = path.join(__dirname, 'fixtures', 'prebuilt-processor');
const INLINE_CODE = 'exports.main = async () => ({ batchItemFailures: [] });';

// Bundling runs esbuild once per synth of a fromEntry worker.
jest.setTimeout(120_000);

let project: ProcessorProject;
beforeAll(() => {
  project = createProcessorProject();
});
afterAll(() => project?.remove());

/** Each kind, built lazily: the entry project exists only once beforeAll has run. */
const KINDS: Array<[string, () => OrdersWorkflowProps]> = [
  ['the default (no processor prop)', () => ({})],
  ['OrderProcessor.builtIn()', () => ({ processor: OrderProcessor.builtIn() })],
  ['OrderProcessor.fromEntry()', () => ({ processor: OrderProcessor.fromEntry(project.entry, { depsLockFilePath: project.lockFile }) })],
  ['OrderProcessor.fromCode(Code.fromAsset)', () => ({ processor: OrderProcessor.fromCode(lambda.Code.fromAsset(PREBUILT_DIR), 'index.handler') })],
  ['OrderProcessor.fromCode(Code.fromInline)', () => ({ processor: OrderProcessor.fromCode(lambda.Code.fromInline(INLINE_CODE), 'index.main') })],
];

describe.each(KINDS)('%s', (_name, props) => {
  let synth: Synthesized;
  let inventory: dynamodb.Table;
  beforeAll(() => {
    synth = synthUsing(props(), (workflow, stack) => {
      inventory = new dynamodb.Table(stack, 'Inventory', { partitionKey: { name: 'sku', type: dynamodb.AttributeType.STRING } });
      inventory.grantReadWriteData(workflow.workerFunction);
    });
  });

  test('the worker keeps its grants: idempotency records and order status', () => {
    const statements = roleStatementsOf(synth, synth.workflow.workerFunction);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      Resource: [{ 'Fn::GetAtt': [logicalIdOf(synth.workflow.idempotencyTable), 'Arn'] }, { Ref: 'AWS::NoValue' }],
    });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': [logicalIdOf(synth.workflow.ordersTable), 'Arn'] },
    });
  });

  test('the worker gets the runtime\'s environment and consumes the main queue with partial batch responses', () => {
    const fn = propsOf(synth, synth.workflow.workerFunction);
    expect(Object.keys(fn.Environment.Variables)).toEqual(expect.arrayContaining([
      'IDEMPOTENCY_TABLE_NAME', 'IDEMPOTENCY_EXPIRY_SECONDS', 'FAILURE_INJECTION_ENABLED', 'ORDERS_TABLE_NAME', 'MAX_RECEIVE_COUNT',
      'EVENT_SOURCE', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE',
    ]));
    synth.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(synth.workflow.workerFunction) },
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(synth.workflow.mainQueue), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('workerFunction is a lambda.Function, so table.grantReadWriteData(orders.workerFunction) reaches its role', () => {
    expect(synth.workflow.workerFunction).toBeInstanceOf(lambda.Function);
    const granted = roleStatementsOf(synth, synth.workflow.workerFunction)
      .filter((s) => JSON.stringify(s.Resource).includes(logicalIdOf(inventory)));
    expect(granted).toHaveLength(1);
    expect(granted[0].Action).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
  });
});

describe('what each kind deploys', () => {
  test('builtIn: the pre-built worker bundle shipped in the package, handler index.handler', () => {
    for (const synth of [synthWorkflow(), synthWorkflow({ processor: OrderProcessor.builtIn() })]) {
      expect(propsOf(synth, synth.workflow.workerFunction).Handler).toBe('index.handler');
      const dir = assetDirOf(synth, synth.workflow.workerFunction);
      expect(fs.readdirSync(dir)).toEqual(['index.js']);
      expect(fs.readFileSync(path.join(dir, 'index.js')).equals(fs.readFileSync(BUILT_IN_BUNDLE))).toBe(true);
    }
  });

  test('fromEntry: the entry bundled with the runtime it imports from cdk-orders-workflow/worker', () => {
    const synth = synthWorkflow({ processor: OrderProcessor.fromEntry(project.entry, { depsLockFilePath: project.lockFile }) });
    expect(propsOf(synth, synth.workflow.workerFunction).Handler).toBe('index.handler');
    const dir = assetDirOf(synth, synth.workflow.workerFunction);
    expect(fs.readdirSync(dir)).toEqual(['index.js']);
    const bundle = fs.readFileSync(path.join(dir, 'index.js'), 'utf8');
    expect(bundle).toContain('unknown sku (fixture)');
    // The runtime came in from the package, not left as a require the function could not resolve.
    expect(bundle).toContain('cdk-orders-workflow.PermanentOrderError');
    expect(bundle).not.toMatch(/require\(["']cdk-orders-workflow/);
  });

  test('fromEntry: the handler option names the export', () => {
    const synth = synthWorkflow({
      processor: OrderProcessor.fromEntry(project.entry, { depsLockFilePath: project.lockFile, handler: 'otherHandler' }),
    });
    expect(propsOf(synth, synth.workflow.workerFunction).Handler).toBe('index.otherHandler');
  });

  test('fromEntry: a missing entry or one that is not JavaScript or TypeScript is refused, naming the file', () => {
    const missing = path.join(project.root, 'nope.ts');
    expect(() => synthWorkflow({ processor: OrderProcessor.fromEntry(missing) })).toThrow(`the entry file ${missing} does not exist`);
    const text = path.join(project.root, 'package.json');
    expect(() => synthWorkflow({ processor: OrderProcessor.fromEntry(text) })).toThrow(/must be a TypeScript or JavaScript file/);
  });

  test('fromCode with Code.fromAsset: the directory as given, with the given handler', () => {
    const synth = synthWorkflow({ processor: OrderProcessor.fromCode(lambda.Code.fromAsset(PREBUILT_DIR), 'index.handler') });
    expect(propsOf(synth, synth.workflow.workerFunction).Handler).toBe('index.handler');
    const dir = assetDirOf(synth, synth.workflow.workerFunction);
    expect(fs.readdirSync(dir)).toEqual(['index.js']);
    expect(fs.readFileSync(path.join(dir, 'index.js'), 'utf8')).toBe(fs.readFileSync(path.join(PREBUILT_DIR, 'index.js'), 'utf8'));
  });

  test('fromCode with Code.fromInline: the code inline, with the given handler', () => {
    const synth = synthWorkflow({ processor: OrderProcessor.fromCode(lambda.Code.fromInline(INLINE_CODE), 'index.main') });
    const fn = propsOf(synth, synth.workflow.workerFunction);
    expect(fn.Code).toEqual({ ZipFile: INLINE_CODE });
    expect(fn.Handler).toBe('index.main');
  });

  test.each(['index', 'handler', 'index.', 'index.handler()', 'my file.handler'])('fromCode refuses the handler "%s" (not file.export)', (handler) => {
    expect(() => synthWorkflow({ processor: OrderProcessor.fromCode(lambda.Code.fromInline(INLINE_CODE), handler) }))
      .toThrow(`handler must be "file.export" (e.g. "index.handler"), got "${handler}"`);
  });

  test('only the worker changes: the API function keeps its pre-built bundle', () => {
    const synth = synthWorkflow({ processor: OrderProcessor.fromCode(lambda.Code.fromInline(INLINE_CODE), 'index.main') });
    const api = assetDirOf(synth, synth.workflow.apiFunction);
    expect(fs.readFileSync(path.join(api, 'index.js')).equals(fs.readFileSync(path.join(REPO_ROOT, 'assets', 'lambda', 'api', 'handler', 'index.js'))))
      .toBe(true);
  });
});
