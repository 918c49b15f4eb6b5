/**
 * Generates schemas/*.schema.json: JSON Schemas (draft 2020-12) of the `detail` of every event the
 * workflow publishes, shipped in the package for consumers that validate or generate code.
 * OrderCreated comes from the worker's own reader (lambda/worker/order-event.ts), so the schema
 * accepts what the worker accepts; the outcome events are that detail plus the outcome fields of
 * lambda/worker/public-types.ts, as lambda/worker/outcome-events.ts builds them.
 *
 * Unknown fields are allowed (no `additionalProperties: false`): schema versions grow by adding
 * optional fields (1.0 -> 1.1), and a consumer validating with these files must keep accepting
 * the events of a newer producer, as the worker does.
 *
 * Usage: tsx projenrc/event-schemas.ts [--check]
 *   --check  exit 1 if a committed file differs from what the generator gives (nothing written)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join, relative, resolve } from 'path';
import * as z from 'zod';
import { ATTRIBUTE_LIMITS } from '../lambda/shared/order-contract';
import { orderCreatedDetailSchema } from '../lambda/worker/order-event';
import { MAX_RESULT_BYTES } from '../lambda/worker/processor-result';

const ROOT = resolve(__dirname, '..');
export const SCHEMAS_DIR = join(ROOT, 'schemas');
/** Where the files can be found by `$id`: the package's own path, versioned with the package. */
const ID_BASE = 'https://unpkg.com/cdk-orders-workflow/schemas/';

type Schema = { [key: string]: any };

/** One file per detail type: its name and what the `$id` and `title` say. */
export const EVENT_SCHEMA_FILES = {
  OrderCreated: 'order-created.schema.json',
  OrderProcessed: 'order-processed.schema.json',
  OrderRejected: 'order-rejected.schema.json',
  OrderFailed: 'order-failed.schema.json',
  OrderCompensationRequested: 'order-compensation-requested.schema.json',
} as const;
export type EventDetailType = keyof typeof EVENT_SCHEMA_FILES;
/** A stage's completed event (and the workflow processor's when stages follow): the detail type is the team's. */
export const STEP_COMPLETED_SCHEMA_FILE = 'order-step-completed.schema.json';
type OutcomeDetailType = 'OrderProcessed' | 'OrderRejected' | 'OrderFailed';

const jsonObject = (description: string): Schema => ({ type: 'object', description });

/**
 * The OrderCreated detail as the worker's zod reader defines it. The attributes' checks are code
 * (size, depth, key count), which JSON Schema leaves as `{}`: they are stated as an object with
 * the limits in words instead.
 */
function orderCreatedDetail(): Schema {
  const schema = z.toJSONSchema(orderCreatedDetailSchema as unknown as z.ZodType, { io: 'input' }) as Schema;
  schema.properties.attributes = jsonObject(
    `The team's own fields of the order (keys sorted); at most ${ATTRIBUTE_LIMITS.maxOrderBytes} bytes serialized.`);
  schema.properties.items.items.properties.attributes = jsonObject(
    `The team's own fields of the item (keys sorted); at most ${ATTRIBUTE_LIMITS.maxItemBytes} bytes serialized.`);
  return schema;
}

/** The fields every outcome adds, and the one its status adds. */
function outcomeDetail(detailType: OutcomeDetailType): Schema {
  const created = orderCreatedDetail();
  const { schemaVersion: _created, ...orderProperties } = created.properties;
  const status = { OrderProcessed: 'PROCESSED', OrderRejected: 'REJECTED', OrderFailed: 'FAILED' }[detailType];
  // outcomeId is `<eventId>:processed`, `<eventId>:rejected` or `<eventId>:failed:<record version>`.
  const outcomeSuffix = { OrderProcessed: ':processed$', OrderRejected: ':rejected$', OrderFailed: ':failed:[0-9]+$' }[detailType];
  const byStatus: Schema = {
    OrderProcessed: {
      result: jsonObject(`What the processor returned, when it returned something (with stages: the last stage's); at most ${MAX_RESULT_BYTES} bytes serialized.`),
      results: stepResults('With stages: what every step returned, by step name.'),
    },
    OrderRejected: { reason: { type: 'string', description: 'The PermanentOrderError\'s message.' } },
    OrderFailed: { error: { type: 'string', description: 'The last attempt\'s error message.' } },
  }[detailType];
  return {
    $schema: created.$schema,
    type: 'object',
    properties: {
      schemaVersion: { type: 'string', const: '1.1', description: 'The version of the outcome event.' },
      outcomeId: {
        type: 'string',
        pattern: outcomeSuffix,
        description: 'The same for every publication of this outcome: deduplicate on it (publication is at least once).',
      },
      status: { type: 'string', const: status },
      occurredAt: { type: 'string', format: 'date-time', description: 'When the worker recorded the outcome.' },
      attempts: { type: 'integer', minimum: 1, description: 'Deliveries of the order to the worker so far.' },
      ...orderProperties,
      ...byStatus,
    },
    required: [
      'schemaVersion', 'outcomeId', 'status', 'occurredAt', 'attempts',
      ...created.required.filter((name: string) => name !== 'schemaVersion'),
      ...(detailType === 'OrderProcessed' ? [] : Object.keys(byStatus)),
    ],
  };
}

const stepResults = (description: string): Schema => ({
  type: 'object',
  description,
  additionalProperties: jsonObject(`A step's result; at most ${MAX_RESULT_BYTES} bytes serialized.`),
});
const stepName = (description: string): Schema => ({ type: 'string', minLength: 1, maxLength: 64, description });

/** The order as OrderCreated carries it, plus the step fields (lambda/worker/step-events.ts builds both). */
function stepDetail(kind: 'completed' | 'compensation'): Schema {
  const created = orderCreatedDetail();
  const { schemaVersion: _created, ...orderProperties } = created.properties;
  const fields: Schema = kind === 'completed'
    ? {
      step: stepName('The step that completed (`main` for the workflow\'s own processor, else the stage\'s id).'),
      results: stepResults('What every step so far returned, this one included, by step name.'),
      completedAt: { type: 'string', format: 'date-time', description: 'When the step completed.' },
      outcomeId: { type: 'string', pattern: ':completed$', description: '`<eventId>:<step>:completed`, the same for every publication: deduplicate on it.' },
    }
    : {
      step: stepName('The stage to compensate now.'),
      remaining: { type: 'array', items: stepName('A stage to compensate after this one.'), description: 'The stages to compensate after it, latest first.' },
      rejectedStep: stepName('The step that refused the order.'),
      reason: { type: 'string', description: 'Its PermanentOrderError\'s message.' },
      results: stepResults('What the completed steps returned, by step name.'),
      outcomeId: { type: 'string', pattern: ':compensate$', description: '`<eventId>:<step>:compensate`: deduplicate on it.' },
    };
  return {
    $schema: created.$schema,
    type: 'object',
    properties: { schemaVersion: { type: 'string', const: '1.1' }, ...fields, ...orderProperties },
    required: ['schemaVersion', ...Object.keys(fields), ...created.required.filter((name: string) => name !== 'schemaVersion')],
  };
}

const DESCRIPTIONS: Record<EventDetailType, string> = {
  OrderCreated: 'A new order, published by the API.',
  OrderProcessed: 'The processor completed the order.',
  OrderRejected: 'The processor refused the order for good (PermanentOrderError).',
  OrderFailed: 'The order\'s last attempt failed; its message is in the dead-letter queue.',
  OrderCompensationRequested: 'A later stage refused the order: undo `step`, then the `remaining` ones.',
};

/** The schema of one detail type's `detail`, with its `$id`, title and description first. */
export function eventSchema(detailType: EventDetailType): Schema {
  const { $schema, ...body } = detailType === 'OrderCreated' ? orderCreatedDetail()
    : detailType === 'OrderCompensationRequested' ? stepDetail('compensation') : outcomeDetail(detailType);
  return {
    $schema,
    $id: `${ID_BASE}${EVENT_SCHEMA_FILES[detailType]}`,
    title: `${detailType} event detail`,
    description: `The EventBridge \`detail\` of an \`${detailType}\` event (detail-type \`${detailType}\`, source: the ` +
      `workflow's eventSource). ${DESCRIPTIONS[detailType]} Generated by projenrc/event-schemas.ts.`,
    ...body,
  };
}

/** The schema of any step's completed event (its detail type is the stage's `completedEvent`). */
export function stepCompletedSchema(): Schema {
  const { $schema, ...body } = stepDetail('completed');
  return {
    $schema,
    $id: `${ID_BASE}${STEP_COMPLETED_SCHEMA_FILE}`,
    title: 'Step completed event detail',
    description: 'The EventBridge `detail` of a stage\'s completed event (detail-type: the stage\'s `completedEvent`, or the workflow\'s ' +
      '`processorCompletedEvent` for its own processor; source: the workflow\'s eventSource). It carries the order and what every step so far ' +
      'returned. Generated by projenrc/event-schemas.ts.',
    ...body,
  };
}

/** Every file, as committed: path relative to the repository -> content. */
export function renderEventSchemas(): Map<string, string> {
  const files = new Map<string, string>();
  for (const [detailType, file] of Object.entries(EVENT_SCHEMA_FILES)) {
    files.set(join(SCHEMAS_DIR, file), `${JSON.stringify(eventSchema(detailType as EventDetailType), null, 2)}\n`);
  }
  files.set(join(SCHEMAS_DIR, STEP_COMPLETED_SCHEMA_FILE), `${JSON.stringify(stepCompletedSchema(), null, 2)}\n`);
  return files;
}

function main(args: string[]): void {
  const files = renderEventSchemas();
  if (args.includes('--check')) {
    const stale = [...files].filter(([file, content]) => {
      try {
        return readFileSync(file, 'utf8') !== content;
      } catch {
        return true; // a missing file is stale too
      }
    }).map(([file]) => relative(ROOT, file));
    if (stale.length > 0) {
      console.error(`${stale.join(', ')} ${stale.length === 1 ? 'is' : 'are'} stale: run \`npx projen generate:event-schemas\` and commit.`);
      process.exit(1);
    }
    console.log('schemas/ is up to date.');
    return;
  }
  mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const [file, content] of files) writeFileSync(file, content);
  console.log(`wrote ${[...files.keys()].map((file) => relative(ROOT, file)).join(', ')}`);
}

if (require.main === module) {
  main(process.argv.slice(2));
}
