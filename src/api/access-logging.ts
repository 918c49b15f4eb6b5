import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { AccessLogField as F } from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ResolvedProps } from '../resolved-props';

/** The stage's name unless `stageName` says otherwise. */
export const DEFAULT_API_STAGE_NAME = 'prod';

export function accessLogGroupName(functionNamePrefix: string): string {
  return `/aws/apigateway/${functionNamePrefix}-api/access`;
}

/** The group API Gateway writes a stage's execution logs to; its name is fixed by API Gateway. */
export function executionLogGroupName(restApiId: string, stageName: string): string {
  return `API-Gateway-Execution-Logs_${restApiId}/${stageName}`;
}

/**
 * One JSON object per request. Every value is a JSON string (API Gateway writes `-` for a
 * missing one, which would not be JSON bare), so the format is itself valid JSON, which is what
 * log tools and cdk-nag's structured-logging rule check. No user agent and no validation error
 * text: both can carry a caller's quotes, which API Gateway does not escape here.
 */
const ACCESS_LOG_FIELDS: Record<string, string> = {
  requestId: F.contextRequestId(),
  extendedRequestId: F.contextExtendedRequestId(),
  requestTimeEpoch: F.contextRequestTimeEpoch(),
  ip: F.contextIdentitySourceIp(),
  httpMethod: F.contextHttpMethod(),
  resourcePath: F.contextResourcePath(),
  protocol: F.contextProtocol(),
  status: F.contextStatus(),
  responseLength: F.contextResponseLength(),
  responseLatency: F.contextResponseLatency(),
  integrationStatus: F.contextIntegrationStatus(),
  integrationLatency: F.contextIntegrationLatency(),
  integrationError: F.contextIntegrationErrorMessage(),
  // API Gateway's own refusals (authorizer, throttle, model, WAF): its fixed texts, never the caller's.
  errorType: F.contextErrorResponseType(),
  errorMessage: F.contextErrorMessage(),
  // The caller as API Gateway verified it, one field per authorization mode.
  callerArn: F.contextIdentityUserArn(),
  callerAccountId: F.contextIdentityAccountId(),
  apiKeyId: F.contextIdentityApiKeyId(),
  cognitoSub: F.contextAuthorizerClaims('sub'),
  wafStatus: F.contextWafStatus(),
  wafResponseCode: F.contextWafResponseCode(),
  wafError: F.contextWafError(),
};

export function accessLogFormat(): string {
  return JSON.stringify(ACCESS_LOG_FIELDS);
}

export interface ApiAccessLoggingProps {
  readonly settings: ResolvedProps;
}

/**
 * JSON access logs and ERROR-level execution logs of the API's stage, each in a log group with
 * the workflow's retention, removal policy and key. Both need the account's API Gateway
 * CloudWatch role (`AWS::ApiGateway::Account`), which the construct never creates.
 */
export class ApiAccessLogging extends Construct {
  public readonly accessLogGroup: logs.LogGroup;
  /** For the RestApi's `deployOptions`. */
  public readonly stageOptions: apigateway.StageOptions;
  private readonly settings: ResolvedProps;

  constructor(scope: Construct, id: string, props: ApiAccessLoggingProps) {
    super(scope, id);
    this.settings = props.settings;
    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogGroup', {
      logGroupName: accessLogGroupName(this.settings.functionNamePrefix),
      retention: this.settings.logRetention,
      removalPolicy: this.settings.transientRemovalPolicy,
      encryptionKey: this.settings.logEncryptionKey,
    });
    this.stageOptions = {
      accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
      accessLogFormat: apigateway.AccessLogFormat.custom(accessLogFormat()),
      // ERROR records why API Gateway itself refused or failed a request (authorizer, model
      // validation, integration), which no function log can see. Never request bodies (data trace):
      // orders are customer data.
      loggingLevel: apigateway.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
    };
  }

  /**
   * Creates the execution log group before the stage exists. Left to API Gateway, it would be
   * created on first use with no retention, no key, and kept after the stack is deleted.
   */
  public attachTo(api: apigateway.RestApi): logs.LogGroup {
    const executionLogGroup = new logs.LogGroup(this, 'ExecutionLogGroup', {
      logGroupName: executionLogGroupName(api.restApiId, this.settings.stageName),
      retention: this.settings.logRetention,
      removalPolicy: this.settings.transientRemovalPolicy,
      encryptionKey: this.settings.logEncryptionKey,
    });
    api.deploymentStage.node.addDependency(executionLogGroup);
    return executionLogGroup;
  }
}
