import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ResolvedProps } from '../resolved-props';
import { OrdersApiManagedWafOptions, OrdersApiWaf } from './orders-api-waf';

/** The rate-based rule's default limit per IP address and 5-minute window (`rateLimitPerIp`). */
export const DEFAULT_RATE_LIMIT_PER_IP = 1000;

export interface ApiWebAclProps {
  readonly settings: ResolvedProps;
  readonly waf: OrdersApiWaf;
  readonly api: apigateway.RestApi;
}

/** WAF log groups must be named `aws-waf-logs-*` (AWS WAF's rule for CloudWatch Logs destinations). */
export function wafLogGroupName(functionNamePrefix: string): string {
  return `aws-waf-logs-${functionNamePrefix}`;
}

/** Key of the rate rule's JSON answer in the web ACL's custom response bodies. */
const TOO_MANY_REQUESTS_BODY = 'TooManyRequests';

/**
 * The web ACL on the API's stage: created from `OrdersApiWaf.managed()`, or the user's ARN.
 * Both are associated with the stage, which is what API Gateway enforces.
 */
export class ApiWebAcl extends Construct {
  /** The associated web ACL's ARN. */
  public readonly webAclArn: string;
  /** The web ACL, when created here. */
  public readonly webAcl?: wafv2.CfnWebACL;
  /** Where WAF logs requests, with `logRequests`. */
  public readonly logGroup?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiWebAclProps) {
    super(scope, id);
    const { settings, waf, api } = props;
    if (waf._managed) {
      this.webAcl = this.createWebAcl(settings, waf._managed);
      this.webAclArn = this.webAcl.attrArn;
      if (waf._managed.logRequests) {
        this.logGroup = this.logRequests(settings, this.webAcl);
      }
    } else {
      this.webAclArn = waf._webAclArn!;
    }
    // The stage's ARN references the stage, so CloudFormation associates it once the stage exists.
    new wafv2.CfnWebACLAssociation(this, 'StageAssociation', {
      resourceArn: api.deploymentStage.stageArn,
      webAclArn: this.webAclArn,
    });
  }

  private createWebAcl(settings: ResolvedProps, options: OrdersApiManagedWafOptions): wafv2.CfnWebACL {
    const metricPrefix = `${settings.functionNamePrefix}-api-waf`;
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      metricName: `${metricPrefix}-${name}`,
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
    });
    type Override = wafv2.CfnWebACL.RuleActionOverrideProperty;
    const managedGroup = (priority: number, name: string, overrides?: Override[]): wafv2.CfnWebACL.RuleProperty => ({
      name,
      priority,
      overrideAction: { none: {} },
      statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides: overrides } },
      visibilityConfig: visibility(name),
    });

    return new wafv2.CfnWebACL(this, 'WebAcl', {
      name: settings.namePrefix && `${settings.namePrefix}-api`,
      description: 'Orders API (cdk-orders-workflow): AWS managed rules and a per-IP rate limit',
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('all'),
      customResponseBodies: {
        [TOO_MANY_REQUESTS_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({ message: 'Too many requests from this address: wait a few minutes, then retry' }),
        },
      },
      rules: [
        // Known-bad addresses first: the cheapest rule, and their requests never count against the rate.
        managedGroup(0, 'AWSManagedRulesAmazonIpReputationList'),
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: TOO_MANY_REQUESTS_BODY } } },
          statement: {
            rateBasedStatement: {
              limit: options.rateLimitPerIp ?? DEFAULT_RATE_LIMIT_PER_IP,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        // The largest valid order (100 items, longest skus and ids) is over the group's 8 KB body
        // limit: counting keeps its metric without refusing valid orders; the handler enforces 64 KB.
        managedGroup(2, 'AWSManagedRulesCommonRuleSet', [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        managedGroup(3, 'AWSManagedRulesKnownBadInputsRuleSet'),
      ],
    });
  }

  private logRequests(settings: ResolvedProps, webAcl: wafv2.CfnWebACL): logs.LogGroup {
    const logGroupName = wafLogGroupName(settings.functionNamePrefix);
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName,
      retention: settings.logRetention,
      removalPolicy: settings.transientRemovalPolicy,
      encryptionKey: settings.logEncryptionKey,
    });
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: webAcl.attrArn,
      // WAF wants the log group's ARN without the `:*` suffix that the LogGroup's own ARN carries.
      logDestinationConfigs: [Stack.of(this).formatArn({
        service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })],
      // Cognito tokens, SigV4 signatures and API keys travel in these headers.
      redactedFields: [{ singleHeader: { Name: 'authorization' } }, { singleHeader: { Name: 'x-api-key' } }],
    });
    logging.node.addDependency(logGroup);
    return logGroup;
  }
}
