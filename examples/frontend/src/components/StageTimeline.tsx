/**
 * An order's steps in a workflow with stages (docs/stages.md): each step in order with its
 * status, when it last changed, its attempts and its last error or reason; for a rejected order
 * which stage refused it and which earlier stages were undone (COMPENSATED), for a failed one
 * which stage's dead-letter queue holds it.
 */
import Box from '@cloudscape-design/components/box';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { OrderView, StageView, StepStatus } from '../orders-api';

const TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });

const SHOWN: Record<StepStatus, { type: StatusIndicatorProps.Type; text: string }> = {
  PENDING: { type: 'pending', text: 'Pending' },
  COMPLETED: { type: 'success', text: 'Completed' },
  REJECTED: { type: 'warning', text: 'Rejected' },
  FAILED: { type: 'error', text: 'Failed (in the stage\'s dead-letter queue)' },
  COMPENSATED: { type: 'stopped', text: 'Compensated (undone)' },
  COMPENSATION_FAILED: { type: 'error', text: 'Compensation failed (in its dead-letter queue)' },
};

/** The stages of an order that has them; nothing for one without. */
export function StageTimeline({ order }: { readonly order: OrderView }) {
  const stages = order.stages;
  if (stages === undefined || stages.length === 0) return null;
  return (
    <div data-testid="stage-timeline">
      <StageSummary order={order} stages={stages} />
      <ol className="stage-timeline" aria-label={`Stages of order ${order.orderId}`}>
        {stages.map((stage) => <StageEntry key={stage.name} stage={stage} />)}
      </ol>
    </div>
  );
}

function StageEntry({ stage }: { readonly stage: StageView }) {
  const { type, text } = SHOWN[stage.status];
  const note = stage.reason !== undefined ? { label: 'Reason', text: stage.reason, testId: 'stage-reason' }
    : stage.lastError !== undefined ? { label: 'Last error', text: stage.lastError, testId: 'stage-last-error' } : undefined;
  return (
    <li className="stage-timeline__step" data-testid="stage" data-stage={stage.name} data-status={stage.status}>
      <div className="stage-timeline__head">
        <Box variant="span" fontWeight="bold" data-testid="stage-name">{stage.name}</Box>
        <span data-testid="stage-status"><StatusIndicator type={type}>{text}</StatusIndicator></span>
      </div>
      <Box variant="small" color="text-body-secondary">
        {stage.at !== undefined && <><time dateTime={stage.at} data-testid="stage-at">{TIME.format(new Date(stage.at))}</time>{', '}</>}
        <span data-testid="stage-attempts">{stage.attempts === 1 ? '1 attempt' : `${stage.attempts} attempts`}</span>
      </Box>
      {note !== undefined && (
        <Box variant="small" display="block"><span data-testid={note.testId}>{note.label}: {note.text}</span></Box>
      )}
    </li>
  );
}

/** One sentence on the outcome: who refused or failed the order, what was undone. */
function StageSummary({ order, stages }: { readonly order: OrderView; readonly stages: readonly StageView[] }) {
  const compensated = stages.filter((stage) => stage.status === 'COMPENSATED').map((stage) => stage.name);
  const compensationFailed = stages.filter((stage) => stage.status === 'COMPENSATION_FAILED').map((stage) => stage.name);
  const rejectedStep = order.rejectedStep ?? stages.find((stage) => stage.status === 'REJECTED')?.name;
  const failedStep = order.failedStep ?? stages.find((stage) => stage.status === 'FAILED')?.name;
  if (order.status === 'REJECTED' && rejectedStep !== undefined) {
    return (
      <Box data-testid="stage-rejection" data-rejected-step={rejectedStep}>
        Refused by stage <strong>{rejectedStep}</strong>.{' '}
        {compensated.length > 0 && (
          <span data-testid="stage-compensated" data-stages={compensated.join(',')}>
            Undone by compensation: {compensated.join(', ')}.{' '}
          </span>
        )}
        {compensationFailed.length > 0 && (
          <span data-testid="stage-compensation-failed">
            Compensation failed: {compensationFailed.join(', ')} (in its dead-letter queue: replay it from Operations).
          </span>
        )}
      </Box>
    );
  }
  if (order.status === 'FAILED' && failedStep !== undefined) {
    return (
      <Box data-testid="stage-failure" data-failed-step={failedStep}>
        Failed in stage <strong>{failedStep}</strong>: the order is in that stage&apos;s dead-letter queue.
      </Box>
    );
  }
  return null;
}
