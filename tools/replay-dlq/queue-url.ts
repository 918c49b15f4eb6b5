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

/**
 * Plain HTTP is only for an emulator on this machine. Without `--endpoint` the SDK sends each
 * request to the queue URL's own host (its `useQueueUrlAsEndpoint`), so an `http://` URL
 * elsewhere would carry signed requests, and the order bodies, over the network unencrypted.
 */
export const PLAIN_HTTP_RULE = 'plain http:// is only allowed on this machine (127.0.0.0/8, localhost or [::1]); use https://';

/** Why `value` is not a queue URL, or the parsed URL. */
export function parseQueueUrl(value: string): QueueUrl | { readonly error: string } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { error: 'it is not a URL' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { error: `its scheme is ${url.protocol}, not https:` };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return { error: PLAIN_HTTP_RULE };
  const segments = url.pathname.split('/').filter((segment) => segment.length > 0);
  if (segments.length !== 2) return { error: 'its path is not /<account-id>/<queue-name>' };
  const [accountId, queueName] = segments;
  if (!/^\d{12}$/.test(accountId)) return { error: `"${accountId}" is not a 12-digit account id` };
  const fifo = queueName.endsWith('.fifo');
  if (!(fifo ? FIFO_QUEUE_NAME : QUEUE_NAME).test(queueName)) return { error: `"${queueName}" is not a valid queue name` };
  return { url: url.toString().replace(/\/$/, ''), accountId, queueName, region: regionOfHost(url.hostname), fifo };
}

/** Why `value` cannot be the SQS endpoint, or undefined when it can. */
export function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `its scheme is ${url.protocol}, not https:`;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return PLAIN_HTTP_RULE;
  return undefined;
}

/** `sqs.eu-west-1.amazonaws.com`, `sqs.us-gov-west-1.amazonaws.com`, legacy `eu-west-1.queue.amazonaws.com`. */
function regionOfHost(host: string): string | undefined {
  return /^sqs[.-]([a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1]
    ?? /^([a-z]{2}(?:-[a-z]+)+-\d)\.queue\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/** An endpoint on this machine: an emulator, never a real account. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  try {
    return isLoopbackHost(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * `URL` has already normalised the host: `127.1` and `0x7f.0.0.1` read as `127.0.0.1`, and an
 * IPv6 host keeps its brackets (`[::1]`, also for `[0:0:0:0:0:0:0:1]`).
 */
function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
