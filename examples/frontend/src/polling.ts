/** How long to wait before the next poll of an order still ACCEPTED: 1 s, doubling up to 15 s. */
export const FIRST_POLL_MS = 1000;
export const MAX_POLL_MS = 15_000;

export function nextPollDelay(previousMs: number | undefined): number {
  return previousMs === undefined ? FIRST_POLL_MS : Math.min(MAX_POLL_MS, previousMs * 2);
}
