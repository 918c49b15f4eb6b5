import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { OrderProcessor, OrdersApiAuthorization, OrdersApiWaf, OrdersWorkflow } from 'cdk-orders-workflow';
import { Construct } from 'constructs';
import { AccessLogBucket } from './access-log-bucket';
import { ApiGatewayAccount } from './api-gateway-account';
import { CustomDomain, EnvironmentSettings } from './environment';
import { FrontendHosting } from './frontend-hosting';
import { Inventory } from './inventory';
import { acknowledgeExampleFindings } from './nag-acknowledgements';
import { OrderNotifications } from './order-notifications';
import { PaymentGateway } from './payment-gateway';
import { OPERATORS_GROUP, UserDirectory } from './user-directory';

export { DEV_ORIGINS } from './environment';

export interface OrdersExampleStackProps extends StackProps {
  /** `dev`, `staging`, `prod`...: what differs between them (see environment.ts). */
  readonly settings: EnvironmentSettings;
  /** The Vite build output to host. */
  readonly frontendDistPath: string;
  /**
   * Physical-name prefix of the workflow's functions, log groups, queues and alarms.
   * `orders` gives the reference names (`/aws/lambda/orders-api`, `/aws/lambda/orders-worker`);
   * two environments in one account and region need different prefixes.
   */
  readonly namePrefix: string;
  /** The site on your own DNS name with TLS 1.2 or later (else `*.cloudfront.net`, which allows TLSv1). */
  readonly customDomain?: CustomDomain;
  /** A WAFv2 web ACL (scope CLOUDFRONT, in us-east-1) for the site's distribution. */
  readonly frontendWebAclArn?: string;
  /**
   * Create the account's API Gateway CloudWatch role (`AWS::ApiGateway::Account`). Turn it off
   * when another stack or your landing zone already manages it in this account and region.
   */
  readonly apiGatewayAccountRole: boolean;
  /**
   * Concurrent executions reserved for the API function. Unset by default: a new account's
   * Lambda quota can be as low as 10, and a reservation must leave 100 unreserved.
   */
  readonly apiReservedConcurrency?: number;
}

/** The orders workflow and its frontend, as a user of the library would deploy them. */
export class OrdersExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersExampleStackProps) {
    super(scope, id, props);
    const { settings } = props;

    const accessLogs = new AccessLogBucket(this, 'AccessLogs', {
      retentionDays: settings.accessLogRetentionDays,
      retain: settings.retainData,
    });

    const frontend = new FrontendHosting(this, 'Frontend', {
      distPath: props.frontendDistPath,
      envName: settings.envName,
      accessLogBucket: accessLogs.bucket,
      retain: settings.retainData,
      customDomain: props.customDomain,
      webAclArn: props.frontendWebAclArn,
    });

    const users = new UserDirectory(this, 'Users', { retain: settings.retainData });

    // Every log group of the workflow (functions, API access and execution logs, WAF) under a key of ours.
    const logsKey = new kms.Key(this, 'LogsKey', {
      description: `Orders workflow log groups (${settings.envName})`,
      enableKeyRotation: true,
      removalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(settings.retainData ? 30 : 7),
    });

    // The business steps (processor/): validation (the workflow's own processor, step `main`), then
    // stage `payment` at the example's fake gateway, then stage `stock` in the inventory table.
    const inventory = new Inventory(this, 'Inventory', { retain: settings.retainData });
    const paymentGateway = new PaymentGateway(this, 'PaymentGateway', { retain: settings.retainData });
    const processor = (file: string, environment: Record<string, string>) =>
      // Bundled at synth by aws-lambda-nodejs with the esbuild of this app's devDependencies.
      OrderProcessor.fromEntry(path.join(__dirname, '..', 'processor', file), { environment });

    const workflow = new OrdersWorkflow(this, 'Orders', {
      namePrefix: props.namePrefix,
      processor: processor('validate.ts', { INVENTORY_TABLE_NAME: inventory.table.tableName }),
      // ApiEndpoint, EventBusName, MainQueueUrl, DlqUrl, DynamoTableName (= IdempotencyTableName), OrdersTableName.
      stackOutputs: true,
      authorization: OrdersApiAuthorization.cognito({ userPool: users.userPool, operatorsGroup: OPERATORS_GROUP }),
      failureInjection: settings.failureInjection,
      // WAFv2 on the stage: AWS managed rule groups and a per-IP rate rule (AwsSolutions-APIG3).
      waf: OrdersApiWaf.managed({ logRequests: settings.wafRequestLogs }),
      // JSON access logs and ERROR execution logs (AwsSolutions-APIG1, APIG6, Serverless-APIGWAccessLogging);
      // they need the account's API Gateway CloudWatch role below.
      accessLogging: true,
      validateAtGateway: settings.validateAtGateway,
      logEncryptionKey: logsKey,
      logRetention: settings.retainData ? logs.RetentionDays.ONE_YEAR : logs.RetentionDays.TWO_WEEKS,
      // Orders table and DLQ are retained by default; dev and staging stacks clean up after themselves.
      dataRemovalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      transientRemovalPolicy: settings.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      // Caps the load the worker puts on what it calls; messages beyond it wait in the queue.
      workerMaxConcurrency: 10,
      apiReservedConcurrency: props.apiReservedConcurrency,
      // X-Ray on the API stage and both functions (Serverless-LambdaTracing, Serverless-APIGWXrayEnabled).
      tracing: true,
      // The CloudFront origin is a token without a custom domain; the construct checks only literal origins.
      corsAllowOrigins: [frontend.url, ...settings.extraCorsOrigins],
    });

    // Validation looks up skus that are not in the catalogue.
    inventory.table.grantReadData(workflow.workerFunction);

    // A card number ending in 0002 is declined (the order is REJECTED); a later refusal voids the authorization.
    const gatewayEnvironment = { PAYMENT_GATEWAY_TABLE_NAME: paymentGateway.table.tableName };
    const payment = workflow.addStage('payment', {
      processor: processor('authorize-payment.ts', gatewayEnvironment),
      completedEvent: 'PaymentAuthorized',
      compensation: processor('void-authorization.ts', gatewayEnvironment),
    });
    paymentGateway.table.grantReadWriteData(payment.workerFunction);
    paymentGateway.table.grantReadWriteData(payment.compensationFunction!);

    // The last stage: when stock runs out it refuses the order, and the payment is voided.
    const stock = workflow.addStage('stock', {
      processor: processor('reserve-stock.ts', { INVENTORY_TABLE_NAME: inventory.table.tableName }),
      completedEvent: 'StockReserved',
    });
    inventory.table.grantReadWriteData(stock.workerFunction);

    // A second consumer: every processed order (the last stage's reservation as its result) reaches a notifications queue.
    const notifications = new OrderNotifications(this, 'Notifications', { retain: settings.retainData });
    workflow.onOrderProcessed('NotifyOrderProcessed', {
      description: 'Processed orders, with their reservation, to the notifications queue',
      target: notifications.target(),
    });

    const apiGatewayAccount = props.apiGatewayAccountRole ? new ApiGatewayAccount(this, 'ApiGatewayAccount') : undefined;
    if (apiGatewayAccount) {
      // A stage that logs to CloudWatch cannot be created before the account has the role.
      workflow.api.deploymentStage.node.addDependency(apiGatewayAccount.account);
    }

    // The exact API (its RestApi id, not every execute-api host in the region) and Cognito.
    frontend.allowConnectionsTo(`https://${workflow.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}`);
    frontend.allowConnectionsTo(`https://cognito-idp.${this.region}.${this.urlSuffix}`);

    // One build for every environment: the API URL and the user pool reach the browser through config.json.
    frontend.deploy({
      apiUrl: workflow.apiEndpoint,
      envName: settings.envName,
      region: this.region,
      userPoolId: users.userPool.userPoolId,
      userPoolClientId: users.webClient.userPoolClientId,
      failureInjection: settings.failureInjection,
      operatorsGroup: OPERATORS_GROUP,
      apiLogGroupName: workflow.apiLogGroup.logGroupName,
      workerLogGroupName: workflow.workerLogGroup.logGroupName,
      dashboardName: workflow.dashboard.dashboardName,
    });

    new CfnOutput(this, 'FrontendUrl', {
      value: frontend.url,
      description: 'The orders frontend (CloudFront, HTTPS)',
    });
    new CfnOutput(this, 'InventoryTableName', {
      value: inventory.table.tableName,
      description: 'Stock per sku (available) and the reservations of processed orders',
    });
    new CfnOutput(this, 'PaymentGatewayTableName', {
      value: paymentGateway.table.tableName,
      description: 'The fake payment gateway\'s authorizations (AUTHORIZED, or VOIDED when a later step refused the order)',
    });
    new CfnOutput(this, 'NotificationsQueueUrl', {
      value: notifications.queue.queueUrl,
      description: 'One message per processed order (OrderProcessed events; deduplicate on detail.outcomeId)',
    });
    new CfnOutput(this, 'UserPoolId', {
      value: users.userPool.userPoolId,
      description: `Cognito user pool of the frontend's users; add them with aws cognito-idp admin-create-user (group: ${OPERATORS_GROUP})`,
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: users.webClient.userPoolClientId,
      description: 'The frontend\'s app client (no secret, USER_PASSWORD_AUTH)',
    });
    if (props.customDomain) {
      new CfnOutput(this, 'DistributionDomainName', {
        value: frontend.distribution.distributionDomainName,
        description: `Point ${props.customDomain.domainName} here (CNAME, or a Route 53 alias record)`,
      });
    }

    acknowledgeExampleFindings({
      stack: this,
      distribution: frontend.distribution,
      userPool: users.userPool,
      apiGatewayCloudWatchRole: apiGatewayAccount?.role,
      customDomain: props.customDomain !== undefined,
      frontendWebAcl: props.frontendWebAclArn !== undefined,
    });

    Tags.of(this).add('project', 'cdk-orders-workflow-example');
    Tags.of(this).add('environment', settings.envName);
  }
}
