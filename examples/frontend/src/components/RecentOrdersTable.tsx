/**
 * The caller's recent orders from GET /orders (loaded on demand, after the order form), each
 * with its live status, the processor's result or reason, attempts, last error, copy buttons for
 * its ids and its console links.
 */
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { AppConfig } from '../config';
import { summarizeItems } from '../order-draft';
import type { RecentOrders } from '../recent-orders';
import { CopyableId } from './CopyableId';
import { OrderLinks } from './OrderLinks';
import { OrderOutcome, outcomeOf } from './OrderOutcome';
import { OrderStatus } from './OrderStatus';
import { StageTimeline } from './StageTimeline';

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

export interface RecentOrdersTableProps {
  readonly config: AppConfig;
  readonly recent: RecentOrders;
}

export default function RecentOrdersTable({ config, recent }: RecentOrdersTableProps) {
  return (
    <Table
      data-testid="recent-orders"
      variant="container"
      items={[...recent.orders]}
      trackBy="orderId"
      loading={!recent.loaded && recent.loading}
      loadingText="Loading the orders"
      wrapLines
      // Columns keep a readable width; on a phone the table scrolls sideways inside itself.
      header={(
        <Header variant="h2" counter={recent.loaded ? `(${recent.orders.length}${recent.hasNextPage ? '+' : ''})` : undefined}
          description="Newest first, from GET /orders. Statuses update until every order shown is final."
          actions={<Button iconName="refresh" ariaLabel="Refresh the orders" loading={recent.loading && recent.loaded} onClick={() => recent.refresh()} />}>
          Recent orders
        </Header>
      )}
      pagination={(
        <Pagination currentPageIndex={recent.pageIndex + 1} pagesCount={recent.pagesKnown} openEnd={recent.hasNextPage}
          onChange={({ detail }) => recent.goToPage(detail.currentPageIndex - 1)}
          ariaLabels={{ nextPageLabel: 'Next page', previousPageLabel: 'Previous page', pageLabel: (page) => `Page ${page}` }} />
      )}
      empty={recent.error !== undefined
        ? <StatusIndicator type="error">{recent.error}</StatusIndicator>
        : <Box color="text-body-secondary">No orders yet. Orders you submit appear here.</Box>}
      columnDefinitions={[
        { id: 'status', header: 'Status', minWidth: 180, cell: (order) => <OrderStatus status={order.status} /> },
        // Beside the status, only in a workflow with stages: without them the table is as it always was.
        ...(recent.orders.some((order) => order.stages !== undefined)
          ? [{ id: 'stages', header: 'Stages', minWidth: 300, cell: (order: RecentOrders['orders'][number]) => (order.stages === undefined ? '-' : <StageTimeline order={order} />) }]
          : []),
        {
          id: 'ids', header: 'Order and event', minWidth: 330, cell: (order) => (
            <SpaceBetween size="xxs">
              <CopyableId label="Order ID" value={order.orderId} testId="row-order-id" />
              <CopyableId label="Event ID" value={order.eventId} testId="row-event-id" />
            </SpaceBetween>
          ),
        },
        { id: 'items', header: 'Items', minWidth: 140, cell: (order) => summarizeItems([...order.items]) },
        { id: 'attempts', header: 'Attempts', minWidth: 100, cell: (order) => order.attempts ?? '-' },
        { id: 'outcome', header: 'Result or reason', minWidth: 220, cell: (order) => (outcomeOf(order) === undefined ? '-' : <OrderOutcome order={order} compact />) },
        { id: 'lastError', header: 'Last error', minWidth: 200, cell: (order) => order.lastError ?? '-' },
        { id: 'created', header: 'Created', minWidth: 140, cell: (order) => TIME.format(new Date(order.createdAt)) },
        { id: 'links', header: 'Logs', minWidth: 120, cell: (order) => <OrderLinks config={config} orderId={order.orderId} eventId={order.eventId} /> },
      ]}
    />
  );
}
