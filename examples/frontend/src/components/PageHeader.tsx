import Header from '@cloudscape-design/components/header';
import { memo, type ReactNode } from 'react';

/** The page's h1 and what the page does: the same in the first screen (index.html) and the app. */
export const PageHeader = memo(function PageHeader({ info }: { readonly info?: ReactNode }) {
  return (
    <Header variant="h1" info={info}
      description="Sends POST /orders. The API validates the order and publishes an OrderCreated event; EventBridge routes it to SQS, and the idempotent worker processes it (retries, then the dead-letter queue).">
      Create order
    </Header>
  );
});
