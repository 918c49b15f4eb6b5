/**
 * `npm run synth` on the examples app, for real: pack and install the library, build the
 * frontend, `cdk synth` (dev). Then staging, prod and prod on a custom domain from the same
 * install (`cdk synth -c envName=…`). The templates must hold what issues 4 and 9 promise: the
 * private site bucket behind CloudFront, the deploy-time config.json, Cognito in front of the
 * API, and per environment the CORS origins, failure injection, access logs, CSP and TLS.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  APP_VARIANT_NAMES, APP_VARIANTS, AppVariantName, CERTIFICATE_ARN, cdkSynthFailure, EXAMPLE_APP_DIR, REPO_ROOT,
  synthesizeExampleApp, withExampleAppLock,
} from './support/example-app';
import { contentSecurityPolicy } from '../../examples/app/lib/content-security-policy';

const variantsDir = path.join(REPO_ROOT, 'test-output', 'example-app-synth');
const SETUP_TIMEOUT_MS = 8 * 60_000;

type Resource = { Type: string; Properties?: any; DependsOn?: string[]; DeletionPolicy?: string };
type Json = { Resources: Record<string, Resource>; Outputs: Record<string, any> };
interface Variant {
  json: Json;
  template: Template;
  dir: string;
}
type VariantName = AppVariantName;
const ALL = APP_VARIANT_NAMES;
const VARIANTS = {} as Record<VariantName, Variant>;

let synthSeconds = 0;
const badContext: Record<string, string> = {};

function template(name: VariantName): Template {
  return VARIANTS[name].template;
}
function json(name: VariantName): Json {
  return VARIANTS[name].json;
}

/** The single resource of a type with these properties' subset; fails when there is not exactly one. */
function logicalIdOf(name: VariantName, type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template(name).findResources(type, { Properties: props }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** An Fn::Join of strings and references, as text: `{Ref: X}` becomes `${X}`, `{Fn::GetAtt: [X, Y]}` `${X.Y}`. */
function joined(value: unknown): string {
  if (typeof value === 'string') return value;
  const v = value as Record<string, any>;
  if (v.Ref !== undefined) return `\${${v.Ref}}`;
  if (v['Fn::GetAtt'] !== undefined) return `\${${v['Fn::GetAtt'].join('.')}}`;
  if (v['Fn::Join'] !== undefined) return v['Fn::Join'][1].map(joined).join(v['Fn::Join'][0]);
  throw new Error(`Cannot render ${JSON.stringify(value)}`);
}

function workerEnv(name: VariantName): Record<string, unknown> {
  const worker = Object.values(template(name).findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'orders-worker' } }))[0];
  return worker.Properties.Environment.Variables;
}
function apiEnv(name: VariantName): Record<string, unknown> {
  const api = Object.values(template(name).findResources('AWS::Lambda::Function', { Properties: { FunctionName: 'orders-api' } }))[0];
  return api.Properties.Environment.Variables;
}

/** The dashboard's name, as config.json gets it: its `Ref` (a dashboard's Ref is its name). */
function dashboardNameOf(name: VariantName): string {
  const [id] = Object.keys(template(name).findResources('AWS::CloudWatch::Dashboard'));
  return `\${${id}}`;
}

/** The log group (a `Ref`) a function of the variant logs to. */
function logGroupOf(name: VariantName, functionName: string): unknown {
  const fn = Object.values(template(name).findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }))[0];
  return fn.Properties.LoggingConfig.LogGroup;
}

/** The deploy-time config.json of a variant, with each deploy-time value shown as its reference. */
function deployedConfig(name: VariantName): Record<string, unknown> {
  const deployments = template(name).findResources('Custom::CDKBucketDeployment');
  const entryPoint = Object.values(deployments).find((resource) => resource.Properties.Include !== undefined)!;
  const sourceKeys: string[] = entryPoint.Properties.SourceObjectKeys;
  const configAssetDir = sourceKeys
    .map((key) => path.join(VARIANTS[name].dir, `asset.${key.replace(/\.zip$/, '')}`))
    .find((dir) => fs.existsSync(path.join(dir, 'config.json')));
  expect(configAssetDir).toBeDefined();
  // Each marker stands for a whole JSON string value, which the custom resource substitutes at deploy time.
  let text = fs.readFileSync(path.join(configAssetDir!, 'config.json'), 'utf8');
  const markers: Record<string, unknown> = Object.assign({}, ...entryPoint.Properties.SourceMarkers);
  for (const [marker, value] of Object.entries(markers)) {
    text = text.replace(marker, JSON.stringify(joined(value).replace(/^"|"$/g, '')));
  }
  return JSON.parse(text);
}

beforeAll(async () => {
  const synthesized = await synthesizeExampleApp();
  synthSeconds = synthesized.synthSeconds;
  await withExampleAppLock(() => {
    const failed = path.join(variantsDir, 'invalid');
    badContext.certificateRegion = cdkSynthFailure({ domainName: 'orders.example.com', certificateArn: CERTIFICATE_ARN.replace('us-east-1', 'eu-west-1') }, failed);
    badContext.domainOnly = cdkSynthFailure({ domainName: 'orders.example.com' }, failed);
    badContext.nag = cdkSynthFailure({ nag: 'maybe' }, failed);
  });
  for (const name of ALL) {
    const dir = synthesized.dirs[name];
    const synthesizedJson = JSON.parse(fs.readFileSync(path.join(dir, `${APP_VARIANTS[name].stack}.template.json`), 'utf8'));
    VARIANTS[name] = { dir, json: synthesizedJson, template: Template.fromJSON(synthesizedJson) };
  }
}, SETUP_TIMEOUT_MS);

test('npm run synth finishes in the time budget', () => {
  // Budget for CI: pack + install (about 7 s from a warm npm cache) + frontend build + type check
  // + cdk synth with cdk-nag take 20 to 50 s here; a cold npm cache adds the downloads.
  expect(synthSeconds).toBeLessThan(150);
});

test('the app consumes the packed library, not ../src', () => {
  const installed = path.join(EXAMPLE_APP_DIR, 'node_modules', 'cdk-orders-workflow');
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'examples'))).toBe(false);
  for (const file of fs.readdirSync(path.join(EXAMPLE_APP_DIR, 'lib')).map((name) => path.join('lib', name)).concat('bin/app.ts')) {
    expect(fs.readFileSync(path.join(EXAMPLE_APP_DIR, file), 'utf8')).not.toMatch(/from '(\.\.\/)+src/);
  }
});

test('the workflow has the reference names', () => {
  template('dev').hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/orders-api' });
  template('dev').hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/orders-worker' });
  template('dev').hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'orders-api' });
  template('dev').hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'orders-worker' });
});

describe.each(ALL)('%s', (name) => {
  const production = name === 'prod' || name === 'prodDomain';

  test('the site bucket is private, encrypted, TLS-only and logs its access', () => {
    const logBucket = logicalIdOf(name, 'AWS::S3::Bucket', { OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] } });
    const bucket = logicalIdOf(name, 'AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: logBucket }, LogFilePrefix: 's3/site/' },
    });
    template(name).hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // Reads only through this distribution (origin access control).
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:GetObject',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      },
    });
    // Nothing grants public reads.
    expect(JSON.stringify(template(name).findResources('AWS::S3::BucketPolicy'))).not.toContain('"Principal":"*","Action":"s3:GetObject"');
    expect(json(name).Resources[bucket].DeletionPolicy).toBe(production ? 'Retain' : 'Delete');
  });

  test('the access-log bucket takes CloudFront standard logs (ACLs on, SSE-S3) and S3 server access logs (bucket policy)', () => {
    const logBucket = logicalIdOf(name, 'AWS::S3::Bucket', {
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: production ? 365 : 30, Status: 'Enabled' })] },
    });
    // No canned ACL: S3 server access logs come in through the bucket policy, scoped to the site bucket.
    expect(json(name).Resources[logBucket].Properties.AccessControl).toBeUndefined();
    template(name).hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logBucket },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalIdOf(name, 'AWS::S3::Bucket', { LoggingConfiguration: Match.anyValue() }), 'Arn'] } } }),
          }),
        ]),
      },
    });
    template(name).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Logging: { Bucket: { 'Fn::GetAtt': [logBucket, 'RegionalDomainName'] }, Prefix: 'cloudfront/', IncludeCookies: false },
      }),
    });
    expect(json(name).Resources[logBucket].DeletionPolicy).toBe(production ? 'Retain' : 'Delete');
  });

  test('CloudFront serves the bucket through origin access control, HTTPS only, as a single-page app', () => {
    const oac = logicalIdOf(name, 'AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    template(name).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [Match.objectLike({
          OriginAccessControlId: { 'Fn::GetAtt': [oac, 'Id'] },
          S3OriginConfig: { OriginAccessIdentity: '' },
        })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
        CustomErrorResponses: [
          { ErrorCode: 403, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
          { ErrorCode: 404, ResponseCode: 200, ResponsePagePath: '/index.html', ErrorCachingMinTTL: 0 },
        ],
      }),
    });
    template(name).hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentSecurityPolicy: Match.objectLike({ Override: true }),
          StrictTransportSecurity: Match.objectLike({ Override: true }),
        }),
      }),
    });
  });

  test('the CSP lets the page connect only to itself, this API and Cognito', () => {
    const policy = Object.values(template(name).findResources('AWS::CloudFront::ResponseHeadersPolicy'))[0];
    const csp = joined(policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    const restApi = logicalIdOf(name, 'AWS::ApiGateway::RestApi');
    expect(csp).toBe(contentSecurityPolicy([
      `https://\${${restApi}}.execute-api.us-east-1.\${AWS::URLSuffix}`,
      'https://cognito-idp.us-east-1.${AWS::URLSuffix}',
    ]));
    expect(csp).not.toContain('*');
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  test('the API allows the site\'s origin (CORS), and localhost only in dev', () => {
    const distribution = logicalIdOf(name, 'AWS::CloudFront::Distribution');
    const site = name === 'prodDomain' ? 'https://orders.example.com' : `https://\${${distribution}.DomainName}`;
    const expected = name === 'dev' ? [site, 'http://localhost:5173', 'http://127.0.0.1:5173'] : [site];
    expect(joined(apiEnv(name).CORS_ALLOW_ORIGINS).split(',')).toEqual(expected);
    // API Gateway answers the preflight for the same origins.
    const options = JSON.stringify(template(name).findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }));
    if (name === 'dev') {
      expect(options).toContain('http://localhost:5173');
    } else {
      expect(options).not.toContain('localhost');
      expect(options).not.toContain('127.0.0.1');
    }
  });

  test('failure injection is on only in dev, and the page is told', () => {
    expect(workerEnv(name).FAILURE_INJECTION_ENABLED).toBe(name === 'dev' ? 'true' : 'false');
    expect(deployedConfig(name).failureInjection).toBe(name === 'dev');
    // The stages' workers share the setting (the runtime injects only in the first step, validation).
    for (const functionName of ['orders-payment-worker', 'orders-payment-compensate-worker', 'orders-stock-worker']) {
      const stageWorker = Object.values(template(name).findResources('AWS::Lambda::Function', { Properties: { FunctionName: functionName } }))[0];
      expect({ functionName, injection: stageWorker.Properties.Environment.Variables.FAILURE_INJECTION_ENABLED })
        .toEqual({ functionName, injection: name === 'dev' ? 'true' : 'false' });
    }
  });

  test('POST /orders needs a token of the app\'s user pool; the pool admits only invited users', () => {
    const pool = logicalIdOf(name, 'AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      DeletionProtection: production ? 'ACTIVE' : 'INACTIVE',
    });
    expect(json(name).Resources[pool].DeletionPolicy).toBe(production ? 'Retain' : 'Delete');
    template(name).hasResourceProperties('AWS::Cognito::UserPoolRiskConfigurationAttachment', {
      UserPoolId: { Ref: pool },
      ClientId: 'ALL',
      CompromisedCredentialsRiskConfiguration: Match.objectLike({ Actions: { EventAction: 'BLOCK' } }),
      AccountTakeoverRiskConfiguration: { Actions: Match.objectLike({ HighAction: { EventAction: 'BLOCK', Notify: false } }) },
    });
    const client = logicalIdOf(name, 'AWS::Cognito::UserPoolClient', {
      UserPoolId: { Ref: pool },
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AllowedOAuthFlowsUserPoolClient: false,
      IdTokenValidity: 60,
    });
    template(name).hasResourceProperties('AWS::Cognito::UserPoolGroup', { UserPoolId: { Ref: pool }, GroupName: 'operators' });
    const authorizer = logicalIdOf(name, 'AWS::ApiGateway::Authorizer', {
      Type: 'COGNITO_USER_POOLS',
      IdentitySource: 'method.request.header.Authorization',
      ProviderARNs: [{ 'Fn::GetAtt': [pool, 'Arn'] }],
    });
    template(name).hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'POST', AuthorizationType: 'COGNITO_USER_POOLS', AuthorizerId: { Ref: authorizer },
    });
    expect(apiEnv(name).AUTHORIZATION_MODE).toBe('cognito');
    template(name).hasOutput('UserPoolId', { Value: { Ref: pool } });
    template(name).hasOutput('UserPoolClientId', { Value: { Ref: client } });
    // The page gets the same two ids, and no Cognito endpoint (the region's public one).
    expect(deployedConfig(name)).toMatchObject({ userPoolId: `\${${pool}}`, userPoolClientId: `\${${client}}` });
    expect(deployedConfig(name).cognitoEndpoint).toBeUndefined();
  });

  test('the stage has WAF, access and execution logs (the account\'s CloudWatch role first), and X-Ray', () => {
    const role = logicalIdOf(name, 'AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'apigateway.amazonaws.com' } })] }),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs']] }],
    });
    const account = logicalIdOf(name, 'AWS::ApiGateway::Account', { CloudWatchRoleArn: { 'Fn::GetAtt': [role, 'Arn'] } });
    // Shared by every API in the account and region: never deleted with this stack.
    expect(json(name).Resources[role].DeletionPolicy).toBe('Retain');
    expect(json(name).Resources[account].DeletionPolicy).toBe('Retain');
    const stage = logicalIdOf(name, 'AWS::ApiGateway::Stage', {
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: [Match.objectLike({ LoggingLevel: 'ERROR', DataTraceEnabled: false })],
      TracingEnabled: true,
    });
    expect(json(name).Resources[stage].DependsOn).toContain(account);
    template(name).resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    // Every log group of the workflow under the app's rotating key.
    const key = logicalIdOf(name, 'AWS::KMS::Key', { EnableKeyRotation: true });
    const workflowLogGroups = Object.values(template(name).findResources('AWS::Logs::LogGroup'))
      .filter((group) => /orders|API-Gateway-Execution-Logs|aws-waf-logs/.test(JSON.stringify(group.Properties.LogGroupName ?? '')));
    expect(workflowLogGroups.length).toBeGreaterThanOrEqual(4);
    for (const group of workflowLogGroups) {
      expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    }
  });

  test('API Gateway validates order bodies outside dev', () => {
    template(name).resourceCountIs('AWS::ApiGateway::RequestValidator', name === 'dev' ? 0 : 1);
  });

  test('the viewer TLS minimum is TLSv1.2_2021 on a custom domain; without one, CloudFront\'s default certificate', () => {
    const config = Object.values(template(name).findResources('AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
    if (name === 'prodDomain') {
      expect(config.Aliases).toEqual(['orders.example.com']);
      expect(config.ViewerCertificate).toEqual({ AcmCertificateArn: CERTIFICATE_ARN, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
      template(name).hasOutput('FrontendUrl', { Value: 'https://orders.example.com' });
    } else {
      expect(config.Aliases).toBeUndefined();
      expect(config.ViewerCertificate).toBeUndefined();
    }
  });

  test('the stack has its outputs', () => {
    const expected = [
      'ApiEndpoint', 'DlqUrl', 'DynamoTableName', 'EventBusName', 'FrontendUrl', 'IdempotencyTableName', 'InventoryTableName', 'MainQueueUrl',
      'NotificationsQueueUrl', 'OrdersTableName', 'PaymentGatewayTableName', 'UserPoolClientId', 'UserPoolId',
    ];
    expect(Object.keys(json(name).Outputs).sort()).toEqual(name === 'prodDomain' ? [...expected, 'DistributionDomainName'].sort() : expected);
    template(name).hasOutput('ApiEndpoint', { Value: { 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: logicalIdOf(name, 'AWS::ApiGateway::RestApi') }])]) } });
    template(name).hasOutput('DynamoTableName', { Value: { Ref: logicalIdOf(name, 'AWS::DynamoDB::Table', { TableName: 'orders-idempotency' }) } });
    template(name).hasOutput('OrdersTableName', { Value: { Ref: logicalIdOf(name, 'AWS::DynamoDB::Table', { TableName: 'orders-orders' }) } });
  });
});

describe('the business steps: validation, then stages payment and stock', () => {
  const functionId = (functionName: string) => logicalIdOf('dev', 'AWS::Lambda::Function', { FunctionName: functionName });
  const inventoryId = () => logicalIdOf('dev', 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }] });
  const gatewayId = () => logicalIdOf('dev', 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'authorizationId', KeyType: 'HASH' }] });
  const envOf = (functionName: string): Record<string, unknown> => json('dev').Resources[functionId(functionName)].Properties.Environment.Variables;
  const bundleOf = (functionName: string): string => {
    const fn = json('dev').Resources[functionId(functionName)] as Resource & { Metadata: Record<string, string> };
    expect(fn.Properties.Handler).toBe('index.handler');
    return fs.readFileSync(path.join(VARIANTS.dev.dir, fn.Metadata['aws:asset:path'], 'index.js'), 'utf8');
  };
  /** The statements of a function's role whose resources name `tableId`. */
  const statementsOn = (functionName: string, tableId: string): any[] => {
    const role = json('dev').Resources[functionId(functionName)].Properties.Role['Fn::GetAtt'][0];
    return Object.values(template('dev').findResources('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: role }]))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: any) => JSON.stringify(statement.Resource).includes(tableId));
  };
  const sourceOf = () => Object.values(template('dev').findResources('AWS::Events::Rule'))
    .find((rule) => JSON.stringify(rule.Properties.EventPattern['detail-type']) === '["OrderCreated"]')!.Properties.EventPattern.source;

  test('each worker runs its own processor, bundled at synth through aws-lambda-nodejs (not the built-in bundle)', () => {
    const builtIn = fs.readFileSync(path.join(EXAMPLE_APP_DIR, 'node_modules', 'cdk-orders-workflow', 'assets', 'lambda', 'worker', 'handler', 'index.js'), 'utf8');
    const markers: Record<string, { has: string[]; hasNot: string[] }> = {
      'orders-worker': { has: ['order_validated', '12 to 19 digits expected'], hasNot: ['stock_reserved', 'payment_authorized'] },
      'orders-payment-worker': { has: ['payment_authorized', 'card declined'], hasNot: ['stock_reserved', 'authorization_voided'] },
      'orders-payment-compensate-worker': { has: ['authorization_voided', 'VOIDED'], hasNot: ['payment_authorized', 'stock_reserved'] },
      'orders-stock-worker': { has: ['stock_reserved', 'reservation#', 'TransactWriteItems'], hasNot: ['payment_authorized', 'order_validated'] },
    };
    for (const [functionName, { has, hasNot }] of Object.entries(markers)) {
      const bundle = bundleOf(functionName);
      // The processor's own code, and the runtime inlined (the package is not needed on Lambda)...
      for (const marker of has) expect({ functionName, marker, found: bundle.includes(marker) }).toEqual({ functionName, marker, found: true });
      for (const marker of hasNot) expect({ functionName, marker, found: bundle.includes(marker) }).toEqual({ functionName, marker, found: false });
      expect(bundle).not.toMatch(/require\("cdk-orders-workflow/);
      // ...and the AWS SDK too: fromEntry bundles it (bundleAwsSDK), so the processor runs the client it was tested with.
      expect(bundle).not.toContain('require("@aws-sdk/client-dynamodb")');
      expect(bundle).not.toBe(builtIn);
    }
  });

  test('the stages run in order on the workflow\'s bus: OrderValidated -> payment -> PaymentAuthorized -> stock; payment has its compensation', () => {
    const source = sourceOf();
    const ruleTo = (pattern: Record<string, unknown>) => {
      const id = logicalIdOf('dev', 'AWS::Events::Rule', { EventPattern: pattern });
      const rule = json('dev').Resources[id];
      expect(rule.Properties.EventPattern).toEqual(pattern);
      const [target] = rule.Properties.Targets;
      return { queue: target.Arn['Fn::GetAtt'][0] as string, dlq: target.DeadLetterConfig.Arn['Fn::GetAtt'][0] as string };
    };
    const queueName = (id: string) => json('dev').Resources[id].Properties.QueueName;
    const payment = ruleTo({ 'source': source, 'detail-type': ['OrderValidated'] });
    expect([queueName(payment.queue), queueName(payment.dlq)]).toEqual(['orders-payment-queue', 'orders-payment-dlq']);
    const stock = ruleTo({ 'source': source, 'detail-type': ['PaymentAuthorized'] });
    expect([queueName(stock.queue), queueName(stock.dlq)]).toEqual(['orders-stock-queue', 'orders-stock-dlq']);
    const compensation = ruleTo({ 'source': source, 'detail-type': ['OrderCompensationRequested'], 'detail': { step: ['payment'] } });
    expect([queueName(compensation.queue), queueName(compensation.dlq)]).toEqual(['orders-payment-compensate-queue', 'orders-payment-compensate-dlq']);
    // Each worker reads its own queue.
    const mappings = Object.values(template('dev').findResources('AWS::Lambda::EventSourceMapping'));
    const readerOf = (queue: string) => mappings.find((mapping) => mapping.Properties.EventSourceArn['Fn::GetAtt'][0] === queue)!.Properties.FunctionName.Ref;
    expect(readerOf(payment.queue)).toBe(functionId('orders-payment-worker'));
    expect(readerOf(stock.queue)).toBe(functionId('orders-stock-worker'));
    expect(readerOf(compensation.queue)).toBe(functionId('orders-payment-compensate-worker'));
    // Nothing follows stock: no rule reads StockReserved (the notifications read OrderProcessed).
    const patterns = Object.values(template('dev').findResources('AWS::Events::Rule')).map((rule) => JSON.stringify(rule.Properties.EventPattern));
    expect(patterns.filter((pattern) => pattern.includes('StockReserved'))).toEqual([]);
    // The steps as every worker knows them; stock is last and publishes StockReserved, then OrderProcessed.
    expect(envOf('orders-worker')).toMatchObject({ STEP_NAME: 'main', STEP_NAMES: '["main","payment","stock"]', STEP_COMPENSATED: '["payment"]' });
    expect(envOf('orders-payment-worker')).toMatchObject({ STEP_NAME: 'payment', STEP_COMPLETED_EVENT: 'PaymentAuthorized' });
    expect(envOf('orders-payment-compensate-worker')).toMatchObject({ STEP_NAME: 'payment', STEP_MODE: 'compensate' });
    expect(envOf('orders-stock-worker')).toMatchObject({ STEP_NAME: 'stock', STEP_COMPLETED_EVENT: 'StockReserved' });
  });

  test('the inventory table: validation may only read it, the stock stage read and write it, nobody else touch it', () => {
    const inventory = inventoryId();
    template('dev').hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'sku', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    for (const functionName of ['orders-worker', 'orders-stock-worker']) {
      expect(envOf(functionName).INVENTORY_TABLE_NAME).toEqual({ Ref: inventory });
      const onInventory = statementsOn(functionName, inventory);
      expect(onInventory).toHaveLength(1);
      expect(onInventory[0].Resource).toEqual([{ 'Fn::GetAtt': [inventory, 'Arn'] }, { Ref: 'AWS::NoValue' }]);
      expect(onInventory[0].Action).toEqual(expect.arrayContaining(['dynamodb:GetItem']));
    }
    expect(statementsOn('orders-worker', inventory)[0].Action).not.toEqual(expect.arrayContaining(['dynamodb:PutItem']));
    expect(statementsOn('orders-worker', inventory)[0].Action).not.toEqual(expect.arrayContaining(['dynamodb:UpdateItem']));
    expect(statementsOn('orders-stock-worker', inventory)[0].Action)
      .toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem']));
    for (const functionName of ['orders-payment-worker', 'orders-payment-compensate-worker']) {
      expect(statementsOn(functionName, inventory)).toEqual([]);
      expect(envOf(functionName).INVENTORY_TABLE_NAME).toBeUndefined();
    }
    template('dev').hasOutput('InventoryTableName', { Value: { Ref: inventory } });
  });

  test('the fake payment gateway\'s table: the payment stage and its compensation read and write it, nobody else touch it', () => {
    const gateway = gatewayId();
    template('dev').hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'authorizationId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    for (const functionName of ['orders-payment-worker', 'orders-payment-compensate-worker']) {
      expect(envOf(functionName).PAYMENT_GATEWAY_TABLE_NAME).toEqual({ Ref: gateway });
      const onGateway = statementsOn(functionName, gateway);
      expect(onGateway).toHaveLength(1);
      expect(onGateway[0].Resource).toEqual([{ 'Fn::GetAtt': [gateway, 'Arn'] }, { Ref: 'AWS::NoValue' }]);
      expect(onGateway[0].Action).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
    }
    for (const functionName of ['orders-worker', 'orders-stock-worker']) {
      expect(statementsOn(functionName, gateway)).toEqual([]);
      expect(envOf(functionName).PAYMENT_GATEWAY_TABLE_NAME).toBeUndefined();
    }
    template('dev').hasOutput('PaymentGatewayTableName', { Value: { Ref: gateway } });
  });

  test('the notifications rule matches exactly OrderProcessed from the workflow\'s source, into the encrypted queue with its DLQ', () => {
    const created = Object.values(template('dev').findResources('AWS::Events::Rule'))
      .find((rule) => JSON.stringify(rule.Properties.EventPattern['detail-type']) === '["OrderCreated"]')!;
    const source = created.Properties.EventPattern.source;
    expect(source).toHaveLength(1);
    const dlq = logicalIdOf('dev', 'AWS::SQS::Queue', { RedrivePolicy: Match.absent(), QueueName: Match.absent() });
    const queue = logicalIdOf('dev', 'AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 } });
    for (const id of [queue, dlq]) {
      expect(json('dev').Resources[id].Properties.SqsManagedSseEnabled).toBe(true);
    }
    const rule = logicalIdOf('dev', 'AWS::Events::Rule', { EventPattern: { 'source': source, 'detail-type': ['OrderProcessed'] } });
    expect(json('dev').Resources[rule].Properties.EventPattern).toEqual({ 'source': source, 'detail-type': ['OrderProcessed'] });
    expect(json('dev').Resources[rule].Properties.EventBusName).toEqual(created.Properties.EventBusName);
    expect(json('dev').Resources[rule].Properties.Targets).toEqual([expect.objectContaining({
      Arn: { 'Fn::GetAtt': [queue, 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
    })]);
    // Only this rule may send into the queue (and park in the DLQ); TLS only.
    const sendActions = { [queue]: Match.arrayWith(['sqs:SendMessage']), [dlq]: 'sqs:SendMessage' };
    for (const id of [queue, dlq]) {
      template('dev').hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Action: sendActions[id],
              Principal: { Service: 'events.amazonaws.com' },
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [rule, 'Arn'] } } },
            }),
          ]),
        },
      });
    }
    // Subscribing turned outcome publication on: the last stage, which publishes OrderProcessed, knows the bus.
    expect(envOf('orders-stock-worker').OUTCOME_EVENT_BUS_NAME).toEqual(created.Properties.EventBusName);
  });
});

test('the dev site is on its CloudFront domain', () => {
  const distribution = logicalIdOf('dev', 'AWS::CloudFront::Distribution');
  template('dev').hasOutput('FrontendUrl', {
    Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] },
  });
});

test('BucketDeployment uploads the build and a deploy-time config.json with the API URL and the user pool', () => {
  const deployments = template('dev').findResources('Custom::CDKBucketDeployment');
  expect(Object.keys(deployments)).toHaveLength(2);
  const distribution = logicalIdOf('dev', 'AWS::CloudFront::Distribution');
  const restApi = logicalIdOf('dev', 'AWS::ApiGateway::RestApi');

  // Hashed assets: cached for a year, index.html, config.json and robots.txt left to the other deployment.
  template('dev').hasResourceProperties('Custom::CDKBucketDeployment', {
    Exclude: ['index.html', 'config.json', 'robots.txt'],
    Prune: true,
    SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
  });
  // Entry point: index.html + config.json + robots.txt, never cached stale, CloudFront invalidated.
  const entryPoint = Object.values(deployments).find((resource) => resource.Properties.Include !== undefined)!;
  expect(entryPoint.Properties).toMatchObject({
    Include: ['index.html', 'config.json', 'robots.txt'],
    SystemMetadata: { 'cache-control': 'no-cache' },
    DistributionId: { Ref: distribution },
    DistributionPaths: expect.arrayContaining(['/config.json', '/index.html', '/robots.txt']),
  });

  expect(deployedConfig('dev')).toEqual({
    apiUrl: `https://\${${restApi}}.execute-api.us-east-1.\${AWS::URLSuffix}/\${${logicalIdOf('dev', 'AWS::ApiGateway::Stage')}}/`,
    envName: 'dev',
    region: 'us-east-1',
    userPoolId: `\${${logicalIdOf('dev', 'AWS::Cognito::UserPool')}}`,
    userPoolClientId: `\${${logicalIdOf('dev', 'AWS::Cognito::UserPoolClient')}}`,
    failureInjection: true,
    // The console's operator views, Logs Insights and dashboard links.
    operatorsGroup: 'operators',
    apiLogGroupName: joined(logGroupOf('dev', 'orders-api')),
    workerLogGroupName: joined(logGroupOf('dev', 'orders-worker')),
    dashboardName: dashboardNameOf('dev'),
  });

  // The build itself is environment-neutral: no config.json in it.
  const sourceKeys: string[] = entryPoint.Properties.SourceObjectKeys;
  const buildAssetDir = sourceKeys
    .map((key) => path.join(VARIANTS.dev.dir, `asset.${key.replace(/\.zip$/, '')}`))
    .find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  expect(buildAssetDir).toBeDefined();
  expect(fs.existsSync(path.join(buildAssetDir!, 'config.json'))).toBe(false);
  expect(fs.readdirSync(path.join(buildAssetDir!, 'assets')).some((file) => /^index-.+\.js$/.test(file))).toBe(true);
  // robots.txt is a file of its own, not the SPA's index.html.
  expect(fs.readFileSync(path.join(buildAssetDir!, 'robots.txt'), 'utf8')).toMatch(/^User-agent: \*/);
});

test('bad context values stop the synth with a message that says what to pass', () => {
  expect(badContext.certificateRegion).toContain('certificateArn must be an ACM certificate ARN in us-east-1');
  expect(badContext.domainOnly).toContain('A custom domain needs both -c domainName=<name> and -c certificateArn=');
  expect(badContext.nag).toContain("-c nag must be true or false (got 'maybe')");
});
