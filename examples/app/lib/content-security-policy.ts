/**
 * The frontend's Content-Security-Policy. Plain TypeScript (no CDK imports): the stack sends
 * it from CloudFront, and the browser test serves the build with the same policy, so a
 * change that breaks the deployed site under this policy fails locally first.
 *
 * @param apiOrigins where the app may send requests besides its own origin (the orders API)
 */
export function contentSecurityPolicy(apiOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' ${apiOrigins.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}
