import Alert from '@cloudscape-design/components/alert';
import type { AttributeEditorProps } from '@cloudscape-design/components/attribute-editor';
import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Grid from '@cloudscape-design/components/grid';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import type { FieldError, OrderRequest } from '../../../lambda/shared/order-contract';
import { ordersUrl, submitOrder, type SubmitResult } from './api';
import { signOut } from './auth/cognito';
import { type AuthSession, clearSession, EXPIRY_MARGIN_MS, isExpired, loadSession, saveSession } from './auth/session';
import { ConsoleHeader } from './components/ConsoleHeader';
import { DraftNotice, type DraftNoticeKind } from './components/DraftNotice';
import { OrderForm } from './components/OrderForm';
import { PageHeader } from './components/PageHeader';
import { loadOutcomeDetails, OutputPanel, type Outcome } from './components/OutputPanel';
import { type AppConfig, cognitoSettings, type CognitoSettings } from './config';
import { keyForBody, newDraftKey, type DraftKey } from './idempotency';
import { emptyDraft, groupByPath, inputIdFor, isFormPath, newItem, validateDraft, type ItemDraft, type OrderDraft } from './order-draft';
import { useNearViewport } from './near-viewport';
import { useRecentOrders } from './recent-orders';

// Loaded after the order form is usable (the table once it is near the viewport): the form never
// waits for the table or the operations views.
const RecentOrdersTable = lazy(() => import('./components/RecentOrdersTable'));
const OperationsPanel = lazy(() => import('./components/OperationsPanel'));
// Only a Cognito stack signs in, and then only until the session exists.
const SignIn = lazy(() => import('./components/SignIn').then((module) => ({ default: module.SignIn })));
/** Where the orders table goes until it is loaded (and, on a phone, until it is scrolled to). */
const recentOrdersPlaceholder = <Container header={<Header variant="h2">Recent orders</Header>}><Box color="text-body-secondary">Loading</Box></Container>;
/** How long the orders list keeps polling after a replay, while FAILED orders may turn PROCESSED. */
const WATCH_AFTER_REPLAY_MS = 60_000;

const OUTPUT_HEADING_ID = 'output-heading';
/** Focus target meaning "the items editor's Add item button" (it has no id of its own). */
const ADD_ITEM_TARGET = 'add-item';
/**
 * A 409 is retried once by itself after its Retry-After, when that is this short; a longer
 * wait (the API's claim lasts until the first request's function would have timed out) is
 * left to the Retry button, so the page never sits busy for long.
 */
export const MAX_AUTOMATIC_WAIT_SECONDS = 10;

/** Who last signed in on this tab (Cognito `sub`), so another user signing in starts with an empty form. */
const OWNER_KEY = 'orders-workflow.form-owner';
export const SESSION_EXPIRED = 'Your session has expired. Sign in again to continue; your order form is kept.';
export const SIGNED_OUT = 'You are signed out.';

/** One request as sent: Retry resends exactly this and restores the form to `draft`. */
interface Attempt {
  readonly key: string;
  readonly body: string;
  readonly request: OrderRequest;
  readonly draft: OrderDraft;
}

/** The sign-in settings, or why the config cannot be used (shown instead of the form). */
function readCognitoSettings(config: AppConfig): { settings?: CognitoSettings; error?: string } {
  try {
    return { settings: cognitoSettings(config) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export function App({ config }: { readonly config: AppConfig }) {
  const { settings: cognito, error: cognitoError } = useMemo(() => readCognitoSettings(config), [config]);
  const [session, setSession] = useState<AuthSession | undefined>(() => (cognito ? loadSession(cognito.clientId) : undefined));
  /** What the sign-in form says about why it is shown. */
  const [signInNotice, setSignInNotice] = useState<string | undefined>(undefined);
  /** The session as of now, for requests that go out later (the automatic 409 retry). */
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const [draft, setDraft] = useState<OrderDraft>(emptyDraft);
  /** The draft's Idempotency-Key; see idempotency.ts for when it changes. */
  const [draftKey, setDraftKey] = useState<DraftKey>(newDraftKey);
  /** The latest request sent, whatever the form shows now. */
  const [lastAttempt, setLastAttempt] = useState<Attempt | undefined>(undefined);
  /** After the first submit attempt, the client rules re-run on every edit, so fixed fields clear at once. */
  const [attempted, setAttempted] = useState(false);
  /** Field errors of the last 400, shown next to the fields until the next edit. */
  const [serverErrors, setServerErrors] = useState<readonly FieldError[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [focusTarget, setFocusTarget] = useState<string | null>(null);
  const outputHeading = useRef<HTMLSpanElement>(null);
  const itemsEditor = useRef<AttributeEditorProps.Ref>(null);
  const signedOut = cognito !== undefined && session === undefined;
  const [recentOrdersSlot, recentOrdersNear] = useNearViewport();
  /**
   * The orders list is fetched once the table is in view or an order's status is wanted (after an
   * order is accepted, after a replay): on a phone the table is below the fold, and its answers
   * would re-render the page while the form is still starting.
   */
  const [ordersWanted, setOrdersWanted] = useState(false);
  const recent = useRecentOrders(config.apiUrl, session?.idToken, cognitoError === undefined && !signedOut && (recentOrdersNear || ordersWanted));
  const operator = session !== undefined && config.operatorsGroup !== '' && session.groups.includes(config.operatorsGroup);
  const automaticRetry = useRef<number | undefined>(undefined);
  const busy = outcome.kind === 'submitting' || outcome.kind === 'waiting';

  const validation = useMemo(() => validateDraft(draft), [draft]);
  const clientErrors = useMemo(() => (attempted && !validation.ok ? validation.errors : []), [attempted, validation]);
  const fieldErrors = useMemo(
    () => groupByPath([...clientErrors, ...serverErrors.filter((error) => isFormPath(error.path, draft.items.length))]),
    [clientErrors, serverErrors, draft.items.length],
  );
  // The "nothing was sent" summary follows the fields as they are fixed.
  const shownOutcome: Outcome = outcome.kind === 'invalid'
    ? (clientErrors.length > 0 ? { kind: 'invalid', errors: clientErrors } : { kind: 'idle' })
    : outcome;
  const notice = draftNotice(outcome, lastAttempt, validation.ok ? JSON.stringify(validation.request) : undefined);

  // Tokens expire (an hour): the page asks to sign in again then, instead of on the next 401.
  useEffect(() => {
    if (session === undefined) return undefined;
    const timer = window.setTimeout(() => expireSession(SESSION_EXPIRED), Math.max(0, session.expiresAt - EXPIRY_MARGIN_MS - Date.now()));
    return () => window.clearTimeout(timer);
  }, [session]);
  useEffect(() => {
    if (focusTarget === null) return;
    if (focusTarget === ADD_ITEM_TARGET) itemsEditor.current?.focusAddButton();
    else (focusTarget === OUTPUT_HEADING_ID ? outputHeading.current : document.getElementById(focusTarget))?.focus();
    setFocusTarget(null);
  }, [focusTarget]);
  useEffect(() => () => window.clearTimeout(automaticRetry.current), []);
  // The outcome views are fetched as soon as the user starts on the page (any pointer or focus),
  // so the first answer shows without a wait, and a phone's first seconds go to the form alone.
  useEffect(() => {
    const prefetch = () => void loadOutcomeDetails().catch(() => undefined);
    const events = ['pointerdown', 'focusin', 'keydown'] as const;
    events.forEach((name) => document.addEventListener(name, prefetch, { once: true, passive: true }));
    return () => events.forEach((name) => document.removeEventListener(name, prefetch));
  }, []);

  const edit = (change: (current: OrderDraft) => OrderDraft) => {
    setDraft(change);
    setServerErrors([]);
  };
  const changeItem = (key: string, change: Partial<Pick<ItemDraft, 'sku' | 'qty'>>) =>
    edit((current) => ({ ...current, items: current.items.map((item) => (item.key === key ? { ...item, ...change } : item)) }));
  const addItem = () => {
    const item = newItem();
    edit((current) => ({ ...current, items: [...current.items, item] }));
    setFocusTarget(`${item.key}-sku`);
  };
  const removeItem = (key: string) => {
    const index = draft.items.findIndex((item) => item.key === key);
    const neighbour = draft.items[index + 1] ?? draft.items[index - 1];
    edit((current) => ({ ...current, items: current.items.filter((item) => item.key !== key) }));
    setFocusTarget(neighbour ? `${neighbour.key}-sku` : ADD_ITEM_TARGET);
  };
  /** An error summary's link: to the field the error is about. */
  const focusField = (path: string) => setFocusTarget(inputIdFor(path, draft.items) ?? OUTPUT_HEADING_ID);
  /** An empty form is a new draft: whatever is typed next goes out under a new key. */
  const clearForm = () => {
    setDraft(emptyDraft());
    setDraftKey(newDraftKey());
    setAttempted(false);
    setServerErrors([]);
  };
  const createAnother = () => {
    window.clearTimeout(automaticRetry.current);
    clearForm();
    setLastAttempt(undefined);
    setOutcome({ kind: 'idle' });
    setFocusTarget('customerId');
  };
  /** Back to the form as it was sent, so Submit is a retry again. */
  const undoChanges = () => {
    if (lastAttempt === undefined) return;
    setDraft(lastAttempt.draft);
    setDraftKey({ key: lastAttempt.key, sentBody: lastAttempt.body });
    setServerErrors([]);
  };

  /** Forgets the tokens but keeps the form, the last request and the list: the same user signs in again. */
  const expireSession = (notice: string) => {
    clearSession();
    setSession(undefined);
    setSignInNotice(notice);
  };
  const signedIn = (next: AuthSession) => {
    if (readOwner() !== next.subject) {
      // Someone else was signed in on this tab: their draft is not this user's.
      window.clearTimeout(automaticRetry.current);
      clearForm();
      setLastAttempt(undefined);
      setOutcome({ kind: 'idle' });
      writeOwner(next.subject);
    }
    saveSession(next);
    setSession(next);
    setSignInNotice(undefined);
    // After a refused request, straight to its Retry; else to the form.
    setFocusTarget(outcome.kind === 'result' && outcome.result.kind === 'unauthorized' ? OUTPUT_HEADING_ID : 'customerId');
  };
  const signOutNow = () => {
    if (cognito === undefined || session === undefined) return;
    // Cognito revokes the tokens in the background; the page forgets everything at once.
    void signOut(cognito, session.accessToken);
    window.clearTimeout(automaticRetry.current);
    clearForm();
    setLastAttempt(undefined);
    setOutcome({ kind: 'idle' });
    writeOwner(undefined);
    expireSession(SIGNED_OUT);
  };

  const send = async (attempt: Attempt, automatic = false) => {
    window.clearTimeout(automaticRetry.current);
    setLastAttempt(attempt);
    let token: string | undefined;
    if (cognito !== undefined) {
      const current = sessionRef.current;
      if (current === undefined || isExpired(current)) {
        setOutcome({ kind: 'result', result: { kind: 'unauthorized', message: 'Your session expired before the order was sent.' } });
        expireSession(SESSION_EXPIRED);
        return;
      }
      token = current.idToken;
    }
    setOutcome({ kind: 'submitting' });
    const result = await submitOrder(config.apiUrl, attempt.body, attempt.key, { token });
    if (result.kind === 'accepted') {
      setOrdersWanted(true);
      recent.refresh();
    }
    if (result.kind === 'rejected') {
      setServerErrors(result.errors);
    }
    if (result.kind === 'unauthorized') {
      expireSession('The API did not accept your sign-in. Sign in again; your order is kept, and Retry sends it.');
    }
    if (result.kind === 'in-progress' && !automatic && result.retryAfterSeconds <= MAX_AUTOMATIC_WAIT_SECONDS) {
      const seconds = Math.max(1, result.retryAfterSeconds);
      setOutcome({ kind: 'waiting', seconds });
      automaticRetry.current = window.setTimeout(() => void send(attempt, true), seconds * 1000);
    } else {
      setOutcome({ kind: 'result', result });
    }
    setFocusTarget(OUTPUT_HEADING_ID);
  };

  const submit = (current: DraftKey = draftKey) => {
    setServerErrors([]);
    if (!validation.ok) {
      setAttempted(true);
      setOutcome({ kind: 'invalid', errors: validation.errors });
      setFocusTarget(validation.errors.map((error) => inputIdFor(error.path, draft.items)).find((id) => id !== undefined) ?? OUTPUT_HEADING_ID);
      return;
    }
    const body = JSON.stringify(validation.request);
    const next = keyForBody(current, body);
    setDraftKey(next);
    void send({ key: next.key, body, request: validation.request, draft });
  };
  /** Retry: the same key and the same bytes, whatever the form shows now (it is restored). */
  const retry = () => {
    if (lastAttempt === undefined) return;
    undoChanges();
    void send(lastAttempt);
  };

  const accepted = outcome.kind === 'result' && outcome.result.kind === 'accepted' ? outcome.result : undefined;
  const acceptedOrder = accepted === undefined ? undefined : recent.orders.find((order) => order.orderId === accepted.orderId);
  const noticeKey = JSON.stringify(notice ?? null);
  // The form's callbacks read only the state listed below (and refs and stable callbacks), so
  // the form re-renders when that changes, not on every poll of the orders list: on a phone a
  // re-render of the whole form is a long task.
  const form = useMemo(() => (
    <Container header={<Header variant="h2">Order details</Header>}>
      <OrderForm
        draft={draft}
        errors={fieldErrors}
        submitting={busy}
        failureInjection={config.failureInjection}
        itemsRef={itemsEditor}
        notice={<DraftNotice notice={notice} onUndo={undoChanges} />}
        onCustomerIdChange={(customerId) => edit((current) => ({ ...current, customerId }))}
        onItemChange={changeItem}
        onAddItem={addItem}
        onRemoveItem={removeItem}
        onReset={clearForm}
        onSubmit={() => submit()}
      />
    </Container>
  ), [draft, fieldErrors, busy, config.failureInjection, noticeKey, lastAttempt, validation, draftKey]);
  // Stable across the re-renders each poll of the orders list causes (PageHeader is memoized).
  const headerInfo = useMemo(() => (
    <span className="console__env"><Badge color="blue"><span data-testid="env-name">{config.envName}</span></Badge>{' '}
      <Box variant="span" color="text-body-secondary"><span data-testid="region">{config.region}</span></Box></span>
  ), [config.envName, config.region]);
  const output = (
    <OutputPanel
      outcome={shownOutcome}
      config={config}
      order={acceptedOrder}
      headingRef={outputHeading}
      onRetry={lastAttempt === undefined ? undefined : retry}
      onCreateAnother={createAnother}
      onSendAsNewOrder={() => submit(newDraftKey())}
      onFocusField={focusField}
    />
  );

  return (
    <>
      <ConsoleHeader session={session} onSignOut={cognito ? signOutNow : undefined} />
      <main id="main" className="console">
        <ContentLayout header={(
          <PageHeader info={headerInfo} />
        )}>
          <SpaceBetween size="l">
            {cognitoError !== undefined && (
              <Alert type="error" header="The sign-in is misconfigured">
                {cognitoError} Check userPoolId and userPoolClientId in config.json (or the VITE_USER_POOL_* variables).
              </Alert>
            )}
            {config.apiUrl === '' && (
              <Alert type="warning" header="No API URL is configured">
                Set VITE_API_URL (e.g. in examples/frontend/.env.local) or serve a config.json next to index.html.
              </Alert>
            )}
            {signedOut ? (
              <div className="console__sign-in">
                <Suspense fallback={null}>
                  <SignIn settings={cognito} notice={signInNotice} onSignedIn={signedIn} />
                </Suspense>
              </div>
            ) : cognitoError === undefined && (<>
              {operator && session !== undefined && (
                <Suspense fallback={null}>
                  <OperationsPanel apiUrl={config.apiUrl} token={session.idToken} onReplayed={() => {
                    setOrdersWanted(true);
                    recent.refresh(WATCH_AFTER_REPLAY_MS);
                  }} />
                </Suspense>
              )}
              <Grid gridDefinition={[{ colspan: { default: 12, m: 7 } }, { colspan: { default: 12, m: 5 } }]}>
                {form}
                {output}
              </Grid>
              <div ref={recentOrdersSlot} data-testid="recent-orders-slot">
                {recentOrdersNear ? (
                  <Suspense fallback={recentOrdersPlaceholder}>
                    <RecentOrdersTable config={config} recent={recent} />
                  </Suspense>
                ) : recentOrdersPlaceholder}
              </div>
            </>)}
            <Box color="text-body-secondary" fontSize="body-s">
              <SpaceBetween direction="horizontal" size="m">
                <span>API: <span data-testid="api-url">{config.apiUrl === '' ? 'not configured' : safeOrdersUrl(config.apiUrl)}</span></span>
                <span data-testid="auth-mode">
                  Sign-in: {cognito === undefined ? 'none (the API is open; the operations views need Cognito sign-in)' : `Cognito user pool ${cognito.userPoolId}`}
                </span>
                <span>configured by {config.source === 'config.json' ? '/config.json' : 'the build (VITE_*)'}</span>
                {session !== undefined && (
                  <span data-testid="signed-in-user">
                    Signed in as {session.username}{session.groups.length > 0 ? ` (${session.groups.join(', ')})` : ''}
                  </span>
                )}
              </SpaceBetween>
            </Box>
          </SpaceBetween>
        </ContentLayout>
      </main>
    </>
  );
}

/**
 * What the form should say about the next Submit when the draft no longer matches the last
 * request: after an unconfirmed attempt a changed draft is a second order (the first may
 * exist), after an accepted one it is a new order next to it.
 */
function draftNotice(outcome: Outcome, lastAttempt: Attempt | undefined, currentBody: string | undefined): DraftNoticeKind | undefined {
  if (lastAttempt === undefined || currentBody === lastAttempt.body) return undefined;
  const result: SubmitResult | undefined = outcome.kind === 'result' ? outcome.result : undefined;
  if (outcome.kind === 'waiting' || result?.kind === 'uncertain' || result?.kind === 'in-progress') {
    return { kind: 'unconfirmed' };
  }
  if (result?.kind === 'accepted') {
    return { kind: 'accepted', orderId: result.orderId };
  }
  return undefined;
}

function readOwner(): string | undefined {
  try {
    return sessionStorage.getItem(OWNER_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function writeOwner(subject: string | undefined): void {
  try {
    if (subject === undefined) sessionStorage.removeItem(OWNER_KEY);
    else sessionStorage.setItem(OWNER_KEY, subject);
  } catch {
    // Storage disabled: nothing outlives the page anyway.
  }
}

function safeOrdersUrl(apiUrl: string): string {
  try {
    return ordersUrl(apiUrl);
  } catch {
    return apiUrl;
  }
}
