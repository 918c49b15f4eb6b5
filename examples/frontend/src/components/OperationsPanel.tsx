/**
 * For operators only (loaded on demand, after the order form): the main queue and dead-letter
 * queue depths (GET /ops/queues) and "Replay DLQ", which starts SQS's native message move
 * task (POST /ops/redrive) after a confirmation, follows it (GET /ops/redrive) and reports
 * the result in a flashbar. In a workflow with stages the operator picks which pair to replay:
 * the main pair, a stage's or a compensation's (`{"stage": name}` in the POST).
 */
import Box from '@cloudscape-design/components/box';
import Button, { type ButtonProps } from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Flashbar, { type FlashbarProps } from '@cloudscape-design/components/flashbar';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Modal from '@cloudscape-design/components/modal';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, latestRedrive, queueDepths, startRedrive, type QueueDepths, type RedriveTask } from '../orders-api';

export interface OperationsPanelProps {
  readonly apiUrl: string;
  /** The operator's ID token. */
  readonly token: string;
  /** Called when a replay finished, so the orders list can follow the replayed orders. */
  readonly onReplayed: () => void;
}

/** Queue depths are read this often while the page is open (faster while a replay runs). */
export const DEPTH_POLL_MS = 5000;
const REPLAY_POLL_MS = 1000;
const FINAL_TASK_STATUSES = ['COMPLETED', 'CANCELLED', 'FAILED'];

/** The value of the main pair in the pair choice (a stage's pair is its name). */
const MAIN_PAIR = '';

type Replay =
  | { readonly kind: 'idle' }
  | { readonly kind: 'confirming' }
  | { readonly kind: 'starting' }
  /** `stage`: the pair being replayed, undefined for the main pair. */
  | { readonly kind: 'running'; readonly stage?: string; readonly toMove?: number; readonly moved?: number };

export default function OperationsPanel({ apiUrl, token, onReplayed }: OperationsPanelProps) {
  const [depths, setDepths] = useState<QueueDepths | undefined>(undefined);
  const [depthError, setDepthError] = useState<string | undefined>(undefined);
  const [replay, setReplay] = useState<Replay>({ kind: 'idle' });
  const [flashes, setFlashes] = useState<FlashbarProps.MessageDefinition[]>([]);
  const [depthGeneration, setDepthGeneration] = useState(0);
  /** The pair "Replay DLQ" moves: MAIN_PAIR, or a name GET /ops/queues lists under `stages`. */
  const [pair, setPair] = useState<string>(MAIN_PAIR);
  const replayButton = useRef<ButtonProps.Ref>(null);
  const running = replay.kind === 'running' || replay.kind === 'starting';

  useEffect(() => {
    const controller = new AbortController();
    let timer: number | undefined;
    const load = async () => {
      try {
        const next = await queueDepths(apiUrl, { token, signal: AbortSignal.any([controller.signal, AbortSignal.timeout(10_000)]) });
        if (controller.signal.aborted) return;
        setDepths(next);
        setDepthError(undefined);
      } catch (caught) {
        if (controller.signal.aborted) return;
        setDepthError(caught instanceof ApiError ? caught.message : 'The queue depths could not be read.');
      }
      timer = window.setTimeout(() => void load(), running ? REPLAY_POLL_MS : DEPTH_POLL_MS);
    };
    void load();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [apiUrl, token, running, depthGeneration]);

  const flash = useCallback((message: Omit<FlashbarProps.MessageDefinition, 'dismissible' | 'onDismiss'>) => {
    const id = `replay-${Date.now()}`;
    setFlashes([{
      ...message, id, dismissible: true, dismissLabel: 'Dismiss',
      onDismiss: () => setFlashes((current) => current.filter((item) => item.id !== id)),
    }]);
  }, []);

  // Follows the move task until SQS reports it finished.
  useEffect(() => {
    if (replay.kind !== 'running') return undefined;
    let timer: number | undefined;
    let stopped = false;
    const check = async () => {
      let task: RedriveTask | undefined;
      try {
        task = await latestRedrive(apiUrl, { token, stage: replay.stage });
      } catch (caught) {
        task = undefined;
        if (caught instanceof ApiError && caught.status !== undefined && caught.status < 500) {
          flash({ type: 'error', header: 'The replay could not be followed', content: caught.message });
          setReplay({ kind: 'idle' });
          return;
        }
      }
      if (stopped) return;
      if (task !== undefined && FINAL_TASK_STATUSES.includes(task.status)) {
        const moved = task.moved ?? replay.toMove ?? 0;
        flash(task.status === 'COMPLETED'
          ? { type: 'success', header: 'Replay finished', content: `${messages(moved)} moved back to ${queueOf(replay.stage)}; ${workerOf(replay.stage)} processes them again.` }
          : { type: 'error', header: `Replay ${task.status.toLowerCase()}`, content: task.failureReason ?? `${messages(moved)} moved before it stopped.` });
        setReplay({ kind: 'idle' });
        setDepthGeneration((current) => current + 1);
        onReplayed();
        return;
      }
      if (task !== undefined) setReplay({ kind: 'running', stage: replay.stage, toMove: task.toMove ?? replay.toMove, moved: task.moved });
      timer = window.setTimeout(() => void check(), REPLAY_POLL_MS);
    };
    timer = window.setTimeout(() => void check(), REPLAY_POLL_MS);
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
    // Only (re)start following when a replay starts, not on every progress update.
  }, [replay.kind, apiUrl, token]);

  useEffect(() => {
    if (replay.kind !== 'running') return;
    setFlashes([{
      id: 'replay-progress', type: 'in-progress', loading: true, header: `Replaying ${dlqOf(replay.stage)}`,
      content: replay.toMove === undefined ? `Moving the messages back to ${queueOf(replay.stage)}.`
        : `${replay.moved ?? 0} of ${messages(replay.toMove)} moved back to ${queueOf(replay.stage)}.`,
    }]);
  }, [replay]);

  const stagePairs = depths?.stages ?? [];
  // A pair that is no longer listed (another deployment) falls back to the main pair.
  const chosen = stagePairs.find((candidate) => candidate.name === pair);
  const stage = chosen?.name;

  const confirm = async () => {
    setReplay({ kind: 'starting' });
    try {
      const started = await startRedrive(apiUrl, { token, stage });
      if (started.taskHandle === undefined) {
        // 200 without a task: the dead-letter queue had nothing visible to move.
        flash({ type: 'info', header: 'Nothing to replay', content: `${capitalized(dlqOf(stage))} has no visible messages; no move task was started.` });
        setReplay({ kind: 'idle' });
        setDepthGeneration((current) => current + 1);
      } else {
        setReplay({ kind: 'running', stage, toMove: started.approximateNumberOfMessagesToMove, moved: 0 });
      }
    } catch (caught) {
      const status = caught instanceof ApiError ? caught.status : undefined;
      flash(status === 409
        ? { type: 'warning', header: 'A replay is already running', content: 'Wait for it to finish, then replay again if messages are left.' }
        : { type: 'error', header: 'The replay did not start', content: caught instanceof Error ? caught.message : 'Unknown error.' });
      setReplay({ kind: 'idle' });
    }
    replayButton.current?.focus();
  };

  const dlq = depths?.deadLetterQueue;
  const mainDlqCount = count(dlq);
  const dlqCount = chosen === undefined ? mainDlqCount : count(chosen.deadLetterQueue);
  return (
    <SpaceBetween size="s">
      <Flashbar items={flashes} />
      <Container header={(
        <Header variant="h2"
          description={stagePairs.length > 0 ? 'The queues of the workflow and of its stages, read with GET /ops/queues.' : 'Both queues of the workflow, read with GET /ops/queues.'}
          actions={(
            <Button ref={replayButton} loading={running} loadingText="Replaying" disabled={dlqCount === 0 && !running}
              disabledReason={`${capitalized(dlqOf(stage))} is empty.`} onClick={() => setReplay({ kind: 'confirming' })}>
              Replay DLQ
            </Button>
          )}>
          Operations
        </Header>
      )}>
        <SpaceBetween size="s">
          {depthError !== undefined && <StatusIndicator type="error">{depthError}</StatusIndicator>}
          <KeyValuePairs columns={2} items={[
            { label: 'Main queue', value: <span data-testid="main-queue-depth">{describe(depths?.mainQueue)}</span> },
            { label: 'Dead-letter queue', value: <span data-testid="dlq-depth" data-count={mainDlqCount}>{describe(dlq)}</span> },
          ]} />
          {stagePairs.length > 0 && (
            <div data-testid="stage-queues">
              <KeyValuePairs columns={2} items={stagePairs.map((stagePair) => ({
                label: `Stage ${stagePair.name}`,
                value: (
                  <span data-testid="stage-queue-depth" data-stage={stagePair.name} data-dlq-count={count(stagePair.deadLetterQueue)}>
                    Queue: {describe(stagePair.mainQueue)}. Dead-letter queue: {describe(stagePair.deadLetterQueue)}.
                  </span>
                ),
              }))} />
            </div>
          )}
          {stagePairs.length > 0 && (
            <div data-testid="replay-pair">
              <FormField label="Queue pair to replay" description="Replay DLQ moves this pair's dead-letter queue back to its queue.">
                <RadioGroup value={chosen?.name ?? MAIN_PAIR} onChange={({ detail }) => setPair(detail.value)} items={[
                  { value: MAIN_PAIR, label: 'main', description: `The workflow's own queues. Dead-letter queue: ${dlqCountText(mainDlqCount)}` },
                  ...stagePairs.map((stagePair) => ({
                    value: stagePair.name,
                    label: stagePair.name,
                    description: `Dead-letter queue: ${dlqCountText(count(stagePair.deadLetterQueue))}`,
                  })),
                ]} />
              </FormField>
            </div>
          )}
        </SpaceBetween>
      </Container>
      <Modal
        visible={replay.kind === 'confirming' || replay.kind === 'starting'}
        header={stage === undefined ? 'Replay the dead-letter queue?' : `Replay the dead-letter queue of ${stage}?`}
        closeAriaLabel="Close"
        onDismiss={() => replay.kind === 'confirming' && setReplay({ kind: 'idle' })}
        footer={(
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={() => setReplay({ kind: 'idle' })} disabled={replay.kind === 'starting'}>Cancel</Button>
              <Button variant="primary" loading={replay.kind === 'starting'} onClick={() => void confirm()}>Replay</Button>
            </SpaceBetween>
          </Box>
        )}
      >
        <span data-testid="replay-confirmation" data-stage={stage ?? 'main'}>
          SQS moves {dlqCount === undefined ? 'every message' : messages(dlqCount)} from {dlqOf(stage)} back to {queueOf(stage)},
          where {workerOf(stage)} processes them again. Orders that still fail return to {stage === undefined ? 'the' : 'that'} dead-letter
          queue after their retries.
        </span>
      </Modal>
    </SpaceBetween>
  );
}

/** The dead-letter queue of the main pair (`stage` undefined) or of a stage's or compensation's pair, in words. */
function dlqOf(stage: string | undefined): string {
  return stage === undefined ? 'the dead-letter queue' : `the dead-letter queue of ${stage}`;
}

function queueOf(stage: string | undefined): string {
  return stage === undefined ? 'the main queue' : `the queue of ${stage}`;
}

function workerOf(stage: string | undefined): string {
  if (stage === undefined) return 'the worker';
  return stage.endsWith('/compensation') ? 'the compensation\'s worker' : 'the stage\'s worker';
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function count(depth: QueueDepths['mainQueue'] | undefined): number | undefined {
  return depth === undefined ? undefined : depth.visible + depth.inFlight;
}

function dlqCountText(value: number | undefined): string {
  return value === undefined ? 'loading' : messages(value);
}

function messages(count: number): string {
  return count === 1 ? '1 message' : `${count} messages`;
}

function describe(depth: QueueDepths['mainQueue'] | undefined): string {
  if (depth === undefined) return 'Loading';
  const age = depth.oldestAgeSeconds !== undefined && depth.oldestAgeSeconds > 0 ? `, oldest ${depth.oldestAgeSeconds} s` : '';
  return `${messages(depth.visible)} waiting, ${depth.inFlight} in flight${age}`;
}
