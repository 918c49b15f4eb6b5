/**
 * The trivial processor the benchmark bundles through `OrderProcessor.fromEntry`, written as a
 * team writes its own (the package's public import, not a path into lambda/), so its bundle
 * is what a user's smallest processor costs on top of the runtime: the built-in processor's
 * body, in a user's file, bundled by aws-lambda-nodejs instead of the repository's build.
 */
import { createOrderWorker } from 'cdk-orders-workflow/worker';

export const handler = createOrderWorker(() => undefined);
