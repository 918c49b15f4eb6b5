import { App, Aspects, IAspect, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { OrdersApiAuthorization, OrdersApiWaf, OrdersWorkflow, OrdersWorkflowProps } from '../../src';

/**
 * The construct with every security option on, as a team preparing a security review would
 * configure it. The user pool and the alarm topic are imported (their own findings belong to
 * whoever owns them); the keys are created here, with rotation, as a review expects.
 */
export function allSecurityOptions(stack: Stack, authorization?: OrdersApiAuthorization): OrdersWorkflowProps {
  return {
    namePrefix: 'orders',
    authorization: authorization ?? OrdersApiAuthorization.cognito({
      userPool: cognito.UserPool.fromUserPoolId(stack, 'Users', 'us-east-1_Example'),
    }),
    corsAllowOrigins: ['https://shop.example.com'],
    waf: OrdersApiWaf.managed({ logRequests: true }),
    accessLogging: true,
    validateAtGateway: true,
    logEncryptionKey: new kms.Key(stack, 'LogKey', { enableKeyRotation: true }),
    queueEncryptionKey: new kms.Key(stack, 'QueueKey', { enableKeyRotation: true }),
    apiReservedConcurrency: 50,
    workerMaxConcurrency: 10,
    tracing: true,
    failureInjection: false,
    alarmActions: [new SnsAction(sns.Topic.fromTopicArn(stack, 'OnCall', 'arn:aws:sns:us-east-1:111111111111:on-call'))],
  };
}

export interface NagFinding {
  readonly rule: string;
  /** Construct path of the resource, e.g. `/Nag/Orders/Api/Handler/Function/Resource`. */
  readonly path: string;
}

/** The unacknowledged findings of `packs` for one OrdersWorkflow built with `props` (then `use`d: stages, rules...). */
export function nagFindings(
  packs: IAspect[], props: (stack: Stack) => OrdersWorkflowProps, use?: (workflow: OrdersWorkflow) => void,
): NagFinding[] {
  const app = new App();
  const stack = new Stack(app, 'Nag', { env: { account: '111111111111', region: 'us-east-1' } });
  const workflow = new OrdersWorkflow(stack, 'Orders', props(stack));
  use?.(workflow);
  packs.forEach((pack) => Aspects.of(app).add(pack));
  app.synth();
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.anyValue())]
    .map((m) => ({ rule: String(m.entry.data).split(':')[0], path: m.id }))
    // cdk-nag's findings only: the construct's own warnings (an open API) are asserted elsewhere.
    .filter((finding) => /^(AwsSolutions|Serverless|NIST\.800\.53\.R5)-/.test(finding.rule));
}
