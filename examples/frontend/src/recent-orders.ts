/**
 * The recent-orders list as the API knows it (`GET /orders`, newest first, the caller's own
 * orders when the API knows callers), one page at a time. While an order on the page is still
 * ACCEPTED the page is fetched again with backoff (polling.ts) until every order on it is
 * final; `refresh(watchMs)` also keeps polling for a while, e.g. after a DLQ replay, when
 * FAILED orders may turn PROCESSED.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, listOrders, READ_TIMEOUT_MS, type OrderView } from './orders-api';
import { nextPollDelay } from './polling';

export const PAGE_SIZE = 10;

export interface RecentOrders {
  readonly orders: readonly OrderView[];
  /** 0-based page shown. */
  readonly pageIndex: number;
  /** How many pages are known (the API tells only whether there is a next one). */
  readonly pagesKnown: number;
  readonly hasNextPage: boolean;
  readonly loading: boolean;
  /** Why the last fetch failed; undefined after a success. */
  readonly error?: string;
  /** True once the first page arrived. */
  readonly loaded: boolean;
  goToPage(pageIndex: number): void;
  /** Back to the first page, fetched now; keeps polling for `watchMs` even when nothing is ACCEPTED. */
  refresh(watchMs?: number): void;
}

export function useRecentOrders(apiUrl: string, token: string | undefined, enabled: boolean): RecentOrders {
  /** cursors[i] fetches page i (undefined for the first). */
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  const [pageIndex, setPageIndex] = useState(0);
  const [orders, setOrders] = useState<readonly OrderView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Bumped by refresh(): the effect below runs again, fetching at once with a fresh backoff. */
  const [generation, setGeneration] = useState(0);
  const watchUntil = useRef(0);
  const cursorsRef = useRef(cursors);
  cursorsRef.current = cursors;

  // Another user's token (or none): never show the previous caller's orders, not even until the fetch returns.
  // (React's "adjusting state when a prop changes" pattern: set during render, no effect.)
  const [owner, setOwner] = useState(token);
  if (owner !== token) {
    setOwner(token);
    setOrders([]);
    setLoaded(false);
    setCursors([undefined]);
    setPageIndex(0);
  }

  useEffect(() => {
    if (!enabled || apiUrl === '') return undefined;
    const controller = new AbortController();
    let timer: number | undefined;
    let delay: number | undefined;
    const load = async () => {
      setLoading(true);
      try {
        const page = await listOrders(apiUrl, PAGE_SIZE, cursorsRef.current[pageIndex], {
          token,
          signal: AbortSignal.any([controller.signal, AbortSignal.timeout(READ_TIMEOUT_MS)]),
        });
        if (controller.signal.aborted) return;
        setOrders(page.orders);
        setLoaded(true);
        setError(undefined);
        setCursors((current) => {
          const next = current.slice(0, pageIndex + 1);
          if (page.nextCursor !== undefined) next.push(page.nextCursor);
          return next;
        });
        if (page.orders.some((order) => order.status === 'ACCEPTED') || Date.now() < watchUntil.current) {
          delay = nextPollDelay(delay);
          timer = window.setTimeout(() => void load(), delay);
        }
      } catch (caught) {
        if (controller.signal.aborted) return;
        setError(caught instanceof ApiError ? caught.message : 'The orders could not be loaded.');
      } finally {
        if (!controller.signal.aborted) setLoading(false);
      }
    };
    void load();
    return () => {
      controller.abort();
      window.clearTimeout(timer);
    };
  }, [apiUrl, token, enabled, pageIndex, generation]);

  const goToPage = useCallback((index: number) => setPageIndex(index), []);
  const refresh = useCallback((watchMs = 0) => {
    watchUntil.current = Math.max(watchUntil.current, Date.now() + watchMs);
    setPageIndex(0);
    setGeneration((current) => current + 1);
  }, []);

  return {
    orders, pageIndex, pagesKnown: cursors.length, hasNextPage: cursors.length > pageIndex + 1,
    loading, error, loaded, goToPage, refresh,
  };
}
