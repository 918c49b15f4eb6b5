/**
 * The built-in processor, `OrderProcessor.builtIn()`: accepts every order and returns no result.
 * Everything else a processed order gets (status, the `order_processed` line, metrics, the
 * OrderProcessed event, failure injection) is the runtime's, the same for a team's processor.
 */
import type { OrderProcessorFunction } from '../worker/public-types';

export const builtInProcessor: OrderProcessorFunction = () => undefined;
