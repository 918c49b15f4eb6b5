import { Stack } from 'aws-cdk-lib';
import { NagPackSuppression, NagSuppressions } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * The example app's answers to cdk-nag findings that its design keeps on purpose. Each names
 * its finding (and, for IAM, the exact permission it covers) and says why. Everything else is
 * closed by configuration, and the synth test requires zero unacknowledged findings for the
 * production configuration.
 *
 * The orders construct acknowledges its own design-inherent findings itself; the ones it leaves
 * to its user (authorization, WAF, access logs, tracing) are closed by props in this app.
 */
export interface ExampleNagContext {
  readonly stack: Stack;
  readonly distribution: IConstruct;
  readonly userPool: IConstruct;
  /** The account-level API Gateway CloudWatch role, when this app creates it. */
  readonly apiGatewayCloudWatchRole?: IConstruct;
  /** The site has its own certificate, so its viewer TLS minimum is TLSv1.2_2021. */
  readonly customDomain: boolean;
  /** A CloudFront web ACL is attached to the site. */
  readonly frontendWebAcl: boolean;
}

export function acknowledgeExampleFindings(context: ExampleNagContext): void {
  const distributionFindings: NagPackSuppression[] = [{
    id: 'AwsSolutions-CFR1',
    reason: 'Orders are taken from every country, so there is no country to block. Geo restriction is a business ' +
      'decision, not a security control here: the site is public static files, and creating an order needs a Cognito sign-in.',
  }];
  if (!context.frontendWebAcl) {
    distributionFindings.push({
      id: 'AwsSolutions-CFR2',
      reason: 'The distribution serves only public, static, cached files (GET and HEAD) from a private bucket; there is ' +
        'no application logic behind it to attack. The orders API, where requests do reach code, has its own WAFv2 web ' +
        'ACL (AwsSolutions-APIG3 is closed). A CloudFront web ACL must live in us-east-1: attach one with -c frontendWebAclArn.',
    });
  }
  if (!context.customDomain) {
    distributionFindings.push({
      id: 'AwsSolutions-CFR4',
      reason: 'No custom domain is configured, so the site is on *.cloudfront.net with CloudFront\'s default certificate, ' +
        'for which CloudFront fixes the TLSv1 security policy. A higher minimum (TLSv1.2_2021) needs your own domain and ' +
        'an ACM certificate in us-east-1: deploy with -c domainName and -c certificateArn, which closes this finding. ' +
        'Current browsers negotiate TLS 1.2 or 1.3 with CloudFront either way, and HSTS keeps them on HTTPS.',
    });
  }
  NagSuppressions.addResourceSuppressions(context.distribution, distributionFindings, true);

  NagSuppressions.addResourceSuppressions(context.userPool, [{
    id: 'AwsSolutions-COG2',
    reason: 'MFA is optional by design: every user can add an authenticator app (TOTP). Threat protection ' +
      '(Plus plan, full function, AwsSolutions-COG8) blocks sign-ins with known-leaked passwords and high-risk sign-ins, ' +
      'and asks for MFA on medium-risk sign-ins of users who have it. Make MFA REQUIRED once every operator has enrolled.',
  }], true);

  if (context.apiGatewayCloudWatchRole) {
    NagSuppressions.addResourceSuppressions(context.apiGatewayCloudWatchRole, [{
      id: 'AwsSolutions-IAM4',
      reason: 'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-managed policy made for exactly this role: API Gateway ' +
        'assumes it to write the access and execution logs of every API in the account and region, whose log groups ' +
        'are not known in advance. A customer-managed copy would hold the same statement.',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs'],
    }], true);
  }

  acknowledgeBucketDeploymentHandler(context.stack);
}

/**
 * `BucketDeployment` runs one CDK-provided singleton function per stack and memory size. Its
 * code, role and policy are CDK's; the app can only size it.
 */
function acknowledgeBucketDeploymentHandler(stack: Stack): void {
  const handlers = stack.node.children.filter((child) => child.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (handlers.length === 0) {
    throw new Error('acknowledgeExampleFindings must run after the frontend\'s BucketDeployments exist');
  }
  for (const handler of handlers) {
    NagSuppressions.addResourceSuppressions(handler, [
      {
        id: 'AwsSolutions-IAM4',
        reason: 'CDK\'s BucketDeployment handler role uses AWSLambdaBasicExecutionRole (CloudWatch Logs only); CDK ' +
          'creates the role and offers no way to replace that policy.',
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'Granted by CDK\'s BucketDeployment (grantRead on the CDK asset bucket, grantReadWrite on the site ' +
          'bucket): object wildcards inside those two buckets only, because the handler syncs whole prefixes. ' +
          'Resource "*" is cloudfront:CreateInvalidation/GetInvalidation, which CDK grants for the invalidation ' +
          'after an upload (the action supports only distribution ARNs, which CDK does not scope here).',
        appliesTo: [
          'Action::s3:GetObject*',
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          'Resource::*',
          { regex: '/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-[a-z0-9-]+\\/\\*$/g' },
          { regex: '/^Resource::<FrontendBucket[0-9A-F]{8}\\.Arn>\\/\\*$/g' },
        ],
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason: 'The BucketDeployment handler is invoked synchronously by CloudFormation as a custom resource; a failure ' +
          'fails the deployment (and is in its log group), so an asynchronous dead-letter queue would never receive anything.',
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: 'The BucketDeployment handler runs only during deployments and CDK does not expose its tracing setting; ' +
          'its log group (one week) records every run. X-Ray is on for the orders API and worker.',
      },
    ], true);
  }
}
