/** Options of `OrdersApiWaf.managed()`. */
export interface OrdersApiManagedWafOptions {
  /**
   * The most requests one client IP address may send in any 5-minute window. Beyond it the web
   * ACL answers `429` until the address's rate drops again (WAF re-evaluates every few seconds).
   * 10 to 2,000,000,000. The default allows about 3 requests per second from one address
   * for minutes on end, far above what a person placing orders sends (an office behind one NAT
   * address included) and far below the stage-wide `apiThrottle`, so one machine cannot use up
   * every caller's share.
   *
   * @default 1000
   */
  readonly rateLimitPerIp?: number;

  /**
   * Whether WAF writes a log line for every request it evaluates (the rule that matched, the
   * action, the client address, the headers) to a CloudWatch log group
   * `aws-waf-logs-<name prefix>` with the workflow's `logRetention`, `transientRemovalPolicy` and
   * `logEncryptionKey`. The `authorization` and `x-api-key` headers are redacted, so tokens,
   * signatures and API keys never reach the logs. Costs CloudWatch Logs ingestion per
   * request; the web ACL's CloudWatch metrics and sampled requests are on either way.
   *
   * @default false
   */
  readonly logRequests?: boolean;
}

/**
 * An AWS WAF web ACL in front of the orders API's stage. Pass one to `OrdersWorkflowProps.waf`.
 */
export class OrdersApiWaf {
  /**
   * A web ACL created with the workflow (WAFv2, REGIONAL) and associated with the API's stage:
   * AWS managed rule groups Core rule set (Common), Known bad inputs and Amazon IP reputation
   * list, plus a rate-based rule per client IP address. The Common group's 8 KB body-size rule
   * counts instead of blocking, because a valid order can be larger (100 items); the handler
   * enforces the contract's 64 KB limit.
   *
   * @param options the rate limit per IP and request logging
   */
  public static managed(options: OrdersApiManagedWafOptions = {}): OrdersApiWaf {
    return new OrdersApiWaf({ managed: { ...options } });
  }

  /**
   * Associates a web ACL you manage (REGIONAL scope, in the stack's region) with the API's stage.
   * Nothing else is created: its rules, logging and metrics are yours.
   *
   * @param webAclArn `arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`
   */
  public static fromWebAclArn(webAclArn: string): OrdersApiWaf {
    return new OrdersApiWaf({ webAclArn });
  }

  /** @internal */
  public readonly _managed?: OrdersApiManagedWafOptions;
  /** @internal */
  public readonly _webAclArn?: string;

  private constructor(choice: { managed?: OrdersApiManagedWafOptions; webAclArn?: string }) {
    this._managed = choice.managed;
    this._webAclArn = choice.webAclArn;
  }
}
