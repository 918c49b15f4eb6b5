/**
 * What differs between the example's environments (`-c envName=dev|staging|prod`). Plain
 * TypeScript, no CDK: the synth test reads the same table it asserts against.
 *
 * Every environment gets the same security controls (Cognito, WAF, access logs, gateway
 * validation, encrypted logs), so what passes review in prod is what developers run in dev.
 * Only what would be a hole or a cost in production is relaxed, and only in `dev`.
 */

/** Origins of `npm run frontend:dev` (Vite's dev server), allowed to call a deployed dev API. */
export const DEV_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

export interface EnvironmentSettings {
  readonly envName: string;
  /**
   * The worker's `FAIL-ME` switch. On only in dev: anyone who can sign in could otherwise
   * page on-call through the DLQ alarm with one order.
   */
  readonly failureInjection: boolean;
  /** Extra CORS origins besides the site's own. Localhost only in dev. */
  readonly extraCorsOrigins: readonly string[];
  /**
   * `true` keeps the user pool, log bucket and logs when the stack is deleted, and turns on the
   * user pool's deletion protection; `false` lets `npm run destroy` remove everything.
   */
  readonly retainData: boolean;
  /** Days the CloudFront and S3 access logs are kept. */
  readonly accessLogRetentionDays: number;
  /**
   * API Gateway validates order bodies against the model generated from the handler's schema,
   * so malformed bodies never invoke (or bill) the function. Off in dev, where the handler's
   * own 400s name every invalid field, which is what someone writing a client needs.
   */
  readonly validateAtGateway: boolean;
  /** WAF logs every request it evaluates (tokens redacted). CloudWatch ingestion costs per request: production only. */
  readonly wafRequestLogs: boolean;
}

/** Environments that are not `dev` or `staging` are treated as production. */
export function environmentSettings(envName: string): EnvironmentSettings {
  const dev = envName === 'dev';
  const production = envName !== 'dev' && envName !== 'staging';
  return {
    envName,
    failureInjection: dev,
    extraCorsOrigins: dev ? DEV_ORIGINS : [],
    retainData: production,
    accessLogRetentionDays: production ? 365 : 30,
    validateAtGateway: !dev,
    wafRequestLogs: production,
  };
}

/** `-c domainName=… -c certificateArn=…`: the site on your own name, with TLS 1.2 or later. */
export interface CustomDomain {
  readonly domainName: string;
  /** An ACM certificate in us-east-1 (CloudFront reads certificates only from there) that covers `domainName`. */
  readonly certificateArn: string;
}

const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const US_EAST_1_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;

/**
 * Reads the optional custom domain from CDK context values. Both or neither: a certificate
 * without a name (or the reverse) is a mistake worth stopping the synth for.
 */
export function customDomainFrom(domainName: unknown, certificateArn: unknown): CustomDomain | undefined {
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (typeof domainName !== 'string' || typeof certificateArn !== 'string') {
    throw new Error('A custom domain needs both -c domainName=<name> and -c certificateArn=<ACM certificate ARN in us-east-1>.');
  }
  const name = domainName.trim().toLowerCase();
  if (!DOMAIN_NAME.test(name)) {
    throw new Error(`domainName must be a DNS name such as orders.example.com (got '${domainName}').`);
  }
  if (!US_EAST_1_CERTIFICATE.test(certificateArn.trim())) {
    throw new Error('certificateArn must be an ACM certificate ARN in us-east-1, where CloudFront reads certificates ' +
      `(arn:aws:acm:us-east-1:<account>:certificate/<id>); got '${certificateArn}'.`);
  }
  return { domainName: name, certificateArn: certificateArn.trim() };
}
