/**
 * The built-in worker's Lambda entry (assets/lambda/worker/handler): the runtime around the
 * built-in processor, written exactly as a team writes its own.
 */
import { createOrderWorker } from './create-order-worker';
import { builtInProcessor } from '../processors/built-in';

export const handler = createOrderWorker(builtInProcessor);
