/** Small Playwright helpers shared by the browser tests. */
import type { Locator, Page } from 'playwright-core';

/** The element that has the keyboard focus. */
export function focused(page: Page): Locator {
  return page.locator(':focus');
}

export async function textOf(locator: Locator): Promise<string> {
  await locator.waitFor({ timeout: 15_000 });
  return (await locator.textContent())?.trim() ?? '';
}

/** Waits until the element contains the text (case-sensitive), then passes. */
export async function expectText(locator: Locator, text: string): Promise<void> {
  await locator.first().waitFor({ timeout: 15_000 });
  const deadline = Date.now() + 15_000;
  let content = '';
  while (Date.now() < deadline) {
    content = (await locator.first().textContent()) ?? '';
    if (content.includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(content).toContain(text);
}

/** Polls `probe` every 250 ms until it returns a value; `context` explains a timeout. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000, context = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}.${context()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
