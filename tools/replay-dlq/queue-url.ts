/**
 * SQS queue URLs: `https://sqs.<region>.amazonaws.com/<account-id>/<queue-name>` in AWS,
 * `http://127.0.0.1:<port>/<account-id>/<queue-name>` on an emulator.
 */

export interface QueueUrl {
  readonly url: string;
  readonly accountId: string;
  readonly queueName: string;
  /** From the host name, when it is an AWS one. */
  readonly region?: string;
  readonly fifo: boolean;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const FIFO_QUEUE_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/;

/** Why `value` is not a queue URL, or the parsed URL. */
export function parseQueueUrl(value: string): QueueUrl | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { error: 'it is not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `its scheme is ${url.protocol}, not https:` };
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  if (segments.length !== 2) return { error: 'its path is not /<account-id>/<queue-name>' };
  const [accountId, queueName] = segments;
  if (!/^\d{12}$/.test(accountId)) return { error: `"${accountId}" is not a 12-digit account id` };
  const fifo = queueName.endsWith('.fifo');
  if (!(fifo ? FIFO_QUEUE_NAME : QUEUE_NAME).test(queueName)) return { error: `"${queueName}" is not a valid queue name` };
  return { url: url.toString().replace(/\/$/, ''), accountId, queueName, region: regionOfHost(url.hostname), fifo };
}

/** `sqs.eu-west-1.amazonaws.com`, `sqs.us-gov-west-1.amazonaws.com`, legacy `eu-west-1.queue.amazonaws.com`. */
function regionOfHost(host: string): string | undefined {
  return /^sqs[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
    ?? /^([a-z]{2}(?:-[a-z]+)+-\d)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/** An endpoint on this machine: an emulator, never a real account. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}
