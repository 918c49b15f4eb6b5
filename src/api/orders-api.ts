import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { AUTHORIZATION_MODE_ENV } from '../auth/authorization-mode';
import { OrdersApiAccess } from '../auth/orders-api-access';
import { ORDER_CREATED_DETAIL_TYPE } from '../event-contract';
import { HandlerFunction } from '../handler-function';
import { acknowledgeNagFindings } from '../nag-acknowledgements';
import { OrdersTable } from '../orders/orders-table';
import { ApiWebAcl } from '../protection/api-web-acl';
import { ResolvedProps } from '../resolved-props';
import { ApiAccessLogging } from './access-logging';
import { GatewayValidation } from './gateway-validation';

export interface OrdersApiProps {
  readonly settings: ResolvedProps;
  readonly eventBus: events.IEventBus;
  /** Where the API records each request's idempotency key and answer. */
  readonly ordersTable: OrdersTable;
}

/** The request header that names a client's retry of one order (see docs/http-api.md). */
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** REST API `POST /orders` -> API function (idempotent per key) -> PutEvents on the orders bus. */
export class OrdersApi extends Construct {
  public readonly api: apigateway.RestApi;
  public readonly function: lambda.Function;
  public readonly logGroup: logs.LogGroup;
  /** Answers `GET /orders/{orderId}` and `GET /orders` (read-only role). */
  public readonly readsFunction: lambda.Function;
  public readonly readsLogGroup: logs.LogGroup;
  /** `POST /orders`: `grantInvoke` grants `execute-api:Invoke` on it. */
  public readonly createOrderMethod: apigateway.Method;
  /** Who may call, as API Gateway enforces it (authorizer, API key and usage plan). */
  public readonly access: OrdersApiAccess;
  /** With `accessLogging`: the stage's JSON access logs and API Gateway's ERROR-level execution logs. */
  public readonly accessLogGroup?: logs.LogGroup;
  public readonly executionLogGroup?: logs.LogGroup;
  /** With `waf`: the web ACL on the stage (created, or the user's). */
  public readonly webAcl?: ApiWebAcl;

  constructor(scope: Construct, id: string, props: OrdersApiProps) {
    super(scope, id);
    const { settings, eventBus, ordersTable } = props;
    this.access = new OrdersApiAccess(this, 'Access', { authorization: settings.authorization });

    const handler = new HandlerFunction(this, 'Handler', {
      handler: 'api',
      description: 'Validates POST /orders and publishes OrderCreated events',
      timeout: settings.apiTimeout,
      reservedConcurrentExecutions: settings.apiReservedConcurrency,
      settings,
      environment: {
        EVENT_BUS_NAME: eventBus.eventBusName,
        EVENT_SOURCE: settings.eventSource,
        EVENT_DETAIL_TYPE: ORDER_CREATED_DETAIL_TYPE,
        CORS_ALLOW_ORIGINS: settings.corsAllowOrigins.join(','),
        ORDERS_TABLE_NAME: ordersTable.table.tableName,
        IDEMPOTENCY_WINDOW_SECONDS: String(settings.idempotencyWindow.toSeconds()),
        // Which caller identity API Gateway puts on the event; the handler refuses a request without it.
        [AUTHORIZATION_MODE_ENV]: this.access.mode,
      },
    });
    this.function = handler.function;
    this.logGroup = handler.logGroup;
    eventBus.grantPutEventsTo(this.function);
    ordersTable.grantIdempotencyRecords(this.function);

    const cors = settings.corsAllowOrigins.length > 0;
    const accessLogging = settings.accessLogging ? new ApiAccessLogging(this, 'AccessLogging', { settings }) : undefined;
    this.accessLogGroup = accessLogging?.accessLogGroup;
    this.api = new apigateway.RestApi(this, 'RestApi', {
      // Named like the functions: the API's CloudWatch metrics are keyed by this name, so it
      // must differ between two instances (the default would be the construct id for both).
      restApiName: `${settings.functionNamePrefix}-api`,
      description: 'Orders API (cdk-orders-workflow)',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // The API Gateway CloudWatch role is an account-wide singleton: not ours to create or replace.
      cloudWatchRole: false,
      defaultMethodOptions: this.access.defaultMethodOptions,
      deployOptions: {
        stageName: settings.stageName,
        metricsEnabled: true,
        tracingEnabled: settings.tracing,
        throttlingRateLimit: settings.apiThrottle.rateLimit,
        throttlingBurstLimit: settings.apiThrottle.burstLimit,
        ...accessLogging?.stageOptions,
      },
      // Preflight answered by API Gateway; the handler adds the allow-origin header to responses.
      defaultCorsPreflightOptions: cors ? {
        allowOrigins: settings.corsAllowOrigins,
        allowMethods: ['GET', 'POST', 'OPTIONS'],
        // Idempotency-Key is not a CORS-safelisted header: without it here the browser never
        // sends the retry key, and every retry would become a second order.
        allowHeaders: ['Content-Type', IDEMPOTENCY_KEY_HEADER, 'Authorization', 'X-Amz-Date', 'X-Api-Key', 'X-Amz-Security-Token'],
      } : undefined,
    });
    if (settings.corsAllowOrigins.length === 1) {
      // Errors API Gateway itself returns (throttling, 413, unknown route) never reach the
      // handler; with a single allowed origin they can carry the header too, so the browser
      // shows the real status instead of an opaque CORS failure.
      const headers = { 'Access-Control-Allow-Origin': `'${settings.corsAllowOrigins[0]}'` };
      this.api.addGatewayResponse('Default4xx', { type: apigateway.ResponseType.DEFAULT_4XX, responseHeaders: headers });
      this.api.addGatewayResponse('Default5xx', { type: apigateway.ResponseType.DEFAULT_5XX, responseHeaders: headers });
    }
    // RestApi always adds an `Endpoint` stack output; a library construct adds outputs only
    // when asked (`stackOutputs`), so drop it.
    this.api.node.tryRemoveChild('Endpoint');
    const validation = settings.validateAtGateway ? new GatewayValidation(this, 'Validation', { api: this.api, settings }) : undefined;
    const orders = this.api.root.addResource('orders');
    this.createOrderMethod = orders
      .addMethod('POST', new apigateway.LambdaIntegration(this.function), { ...this.access.routeOptions, ...validation?.methodOptions });

    // Reads run in a function of their own: the POST path's bundle and cold start stay lean, and
    // neither role gets the other's permissions (this one can only GetItem and Query).
    const reads = new HandlerFunction(this, 'Reads', {
      handler: 'reads',
      description: 'Answers GET /orders and GET /orders/{orderId} with the caller\'s orders and their status',
      timeout: settings.apiTimeout,
      settings,
      environment: {
        ORDERS_TABLE_NAME: ordersTable.table.tableName,
        ORDERS_INDEX_NAME: OrdersTable.CALLER_INDEX_NAME,
        CORS_ALLOW_ORIGINS: settings.corsAllowOrigins.join(','),
        [AUTHORIZATION_MODE_ENV]: this.access.mode,
      },
    });
    this.readsFunction = reads.function;
    this.readsLogGroup = reads.logGroup;
    ordersTable.grantOrderReads(this.readsFunction);
    const readsIntegration = new apigateway.LambdaIntegration(this.readsFunction);
    orders.addMethod('GET', readsIntegration, this.access.routeOptions);
    orders.addResource('{orderId}').addMethod('GET', readsIntegration, this.access.routeOptions);
    this.access.attachTo(this.api);
    this.executionLogGroup = accessLogging?.attachTo(this.api);
    this.webAcl = settings.waf && new ApiWebAcl(this, 'Waf', { settings, waf: settings.waf, api: this.api });
    if (!validation) {
      acknowledgeNagFindings(this.api, [{
        id: 'AwsSolutions-APIG2',
        reason: 'The API function validates every request and answers 400 with every invalid field named, which an ' +
          'API Gateway model validator cannot do; invalid requests never reach EventBridge.',
      }]);
    }
  }
}
