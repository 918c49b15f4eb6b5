import { Annotations, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { accessLogGroupName } from '../api/access-logging';
import { ResolvedProps } from '../resolved-props';
import { wafLogGroupName } from './api-web-acl';

/**
 * API Gateway names a stage's execution log group after the API's id, known only at deploy
 * time. A pattern instead of the id keeps a key that lives in another stack free of a
 * dependency cycle (its policy would reference this stack's API, this stack its key).
 */
export function executionLogGroupPattern(stageName: string): string {
  return `API-Gateway-Execution-Logs_*/${stageName}`;
}

/**
 * Every log group the workflow creates with these settings, by name (the execution logs' by
 * pattern): the key policy names exactly these.
 */
export function workflowLogGroupNames(settings: ResolvedProps): string[] {
  const prefix = settings.functionNamePrefix;
  return [
    // HandlerFunction's groups: Lambda's `/aws/lambda/<function name>` convention.
    `/aws/lambda/${prefix}-api`,
    `/aws/lambda/${prefix}-worker`,
    `/aws/lambda/${prefix}-reads`,
    `/aws/lambda/${prefix}-operations`,
    ...(settings.accessLogging ? [accessLogGroupName(prefix), executionLogGroupPattern(settings.stageName)] : []),
    ...(settings.waf?._managed?.logRequests ? [wafLogGroupName(prefix)] : []),
  ];
}

/** What CloudWatch Logs does with a log group's key (AWS's documented key policy for Logs). */
const LOGS_KEY_ACTIONS = ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'];

/**
 * CloudWatch Logs encrypts a log group's events with the group's key as the regional logs
 * service principal, so the key policy must allow it; without this the log group cannot be
 * created. The encryption-context condition keeps the grant to these log groups: the service
 * cannot use the key for any other log group, in this account or another. Each stage adds a
 * statement of its own (`sid`) for its workers' log groups.
 */
export function allowLogsToUseKey(
  scope: Construct, key: kms.IKey, logGroupNames: string[], sid = 'AllowCloudWatchLogsToEncryptOrdersWorkflowLogs',
): void {
  const stack = Stack.of(scope);
  const logGroupArns = logGroupNames.map((name) => stack.formatArn({
    service: 'logs', resource: 'log-group', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  }));
  const { statementAdded } = key.addToResourcePolicy(new iam.PolicyStatement({
    sid,
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: LOGS_KEY_ACTIONS,
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': logGroupArns } },
  }));
  if (!statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-orders-workflow:imported-log-key',
      'logEncryptionKey is imported, so its key policy cannot be changed here. Add a statement allowing ' +
      `logs.<region>.amazonaws.com ${LOGS_KEY_ACTIONS.join(', ')}, conditioned on kms:EncryptionContext:aws:logs:arn ` +
      `matching the log groups ${logGroupNames.join(', ')}, or the log groups cannot be created.`);
  }
}
