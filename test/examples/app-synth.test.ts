/**
 * `npm run synth` on the examples app, for real: pack and install the library, build the
 * frontend, `cdk synth`. Then the template must hold what issue 4 promises: the private
 * bucket, CloudFront with origin access control and HTTPS only, the BucketDeployment with the
 * deploy-time config.json, the CORS origins and the six outputs.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';

const repoRoot = path.resolve(__dirname, '..', '..');
const appDir = path.join(repoRoot, 'examples', 'app');
const cdkOut = path.join(appDir, 'cdk.out');
const STACK = 'OrdersWorkflow-dev';
const SYNTH_TIMEOUT_MS = 4 * 60_000;

let template: Template;
let templateJson: { Resources: Record<string, { Type: string; Properties?: any }>; Outputs: Record<string, any> };
let synthSeconds = 0;

/** The single resource of a type with these properties' subset; fails when there is not exactly one. */
function logicalIdOf(type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

beforeAll(() => {
  fs.rmSync(cdkOut, { recursive: true, force: true });
  const started = Date.now();
  const result = spawnSync('npm', ['run', 'synth'], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: SYNTH_TIMEOUT_MS,
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', FORCE_COLOR: '0' },
  });
  synthSeconds = (Date.now() - started) / 1000;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
    throw new Error(`npm run synth failed (exit ${result.status}, signal ${result.signal}):\n${output.slice(-6000)}`);
  }
  templateJson = JSON.parse(fs.readFileSync(path.join(cdkOut, `${STACK}.template.json`), 'utf8'));
  template = Template.fromJSON(templateJson);
}, SYNTH_TIMEOUT_MS + 10_000);

test('npm run synth finishes in the time budget', () => {
  // Budget for CI: pack + install (about 7 s from a warm npm cache) + frontend build + type check
  // + cdk synth take 15 to 30 s here; a cold npm cache adds the downloads.
  expect(synthSeconds).toBeLessThan(150);
});

test('the app consumes the packed library, not ../src', () => {
  const installed = path.join(appDir, 'node_modules', 'cdk-orders-workflow');
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
  expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  expect(fs.existsSync(path.join(installed, 'examples'))).toBe(false);
  for (const file of ['bin/app.ts', 'lib/orders-example-stack.ts', 'lib/frontend-hosting.ts']) {
    expect(fs.readFileSync(path.join(appDir, file), 'utf8')).not.toMatch(/from '(\.\.\/)+src/);
  }
});

test('the workflow has the reference names', () => {
  template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/orders-api' });
  template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/aws/lambda/orders-worker' });
  template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'orders-api' });
  template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'orders-worker' });
});

test('the frontend bucket is private, encrypted and TLS-only', () => {
  const bucket = logicalIdOf('AWS::S3::Bucket');
  template.hasResourceProperties('AWS::S3::Bucket', {
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    },
    BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  });
  template.hasResourceProperties('AWS::S3::BucketPolicy', {
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
  const statements = JSON.stringify(template.findResources('AWS::S3::BucketPolicy'));
  expect(statements).not.toContain('"Principal":"*","Action":"s3:GetObject"');
});

test('CloudFront serves the bucket through origin access control, HTTPS only, as a single-page app', () => {
  const oac = logicalIdOf('AWS::CloudFront::OriginAccessControl', {
    OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
  });
  template.hasResourceProperties('AWS::CloudFront::Distribution', {
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
  template.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
    ResponseHeadersPolicyConfig: Match.objectLike({
      SecurityHeadersConfig: Match.objectLike({
        ContentSecurityPolicy: Match.objectLike({ Override: true }),
        StrictTransportSecurity: Match.objectLike({ Override: true }),
      }),
    }),
  });
  // Scripts only from the site itself; requests only to it and the region's API Gateway endpoints.
  const csp = JSON.stringify(template.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
  expect(csp).toContain("script-src 'self'");
  expect(csp).toContain("connect-src 'self' https://*.execute-api.us-east-1.");
  expect(csp).toContain("frame-ancestors 'none'");
});

test('BucketDeployment uploads the build and a deploy-time config.json with the API URL', () => {
  const deployments = template.findResources('Custom::CDKBucketDeployment');
  expect(Object.keys(deployments)).toHaveLength(2);
  const distribution = logicalIdOf('AWS::CloudFront::Distribution');
  const restApi = logicalIdOf('AWS::ApiGateway::RestApi');

  // Hashed assets: cached for a year, index.html and config.json left to the other deployment.
  template.hasResourceProperties('Custom::CDKBucketDeployment', {
    Exclude: ['index.html', 'config.json'],
    Prune: true,
    SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' },
  });
  // Entry point: index.html + config.json, never cached stale, CloudFront invalidated.
  const entryPoint = Object.values(deployments).find((resource) => resource.Properties.Include !== undefined)!;
  expect(entryPoint.Properties).toMatchObject({
    Include: ['index.html', 'config.json'],
    SystemMetadata: { 'cache-control': 'no-cache' },
    DistributionId: { Ref: distribution },
    DistributionPaths: expect.arrayContaining(['/config.json', '/index.html']),
  });

  // config.json: the asset holds placeholders, the markers map them to the API URL tokens.
  const sourceKeys: string[] = entryPoint.Properties.SourceObjectKeys;
  const configAssetDir = sourceKeys
    .map((key) => path.join(cdkOut, `asset.${key.replace(/\.zip$/, '')}`))
    .find((dir) => fs.existsSync(path.join(dir, 'config.json')));
  expect(configAssetDir).toBeDefined();
  // The marker stands for a whole JSON string value: the custom resource substitutes `"https://…/prod/"`.
  const configText = fs.readFileSync(path.join(configAssetDir!, 'config.json'), 'utf8');
  const marker = /^\{"apiUrl":(<<marker:0xbaba:\d+>>),/.exec(configText)?.[1];
  expect(marker).toBeDefined();
  expect(JSON.parse(configText.replace(marker!, '"https://abc.execute-api.us-east-1.amazonaws.com/prod/"'))).toEqual({
    apiUrl: 'https://abc.execute-api.us-east-1.amazonaws.com/prod/', envName: 'dev', region: 'us-east-1',
  });
  const markers = Object.assign({}, ...entryPoint.Properties.SourceMarkers);
  const apiUrlValue = JSON.stringify(markers[marker!]);
  expect(apiUrlValue).toContain(`{"Ref":"${restApi}"}`);
  expect(apiUrlValue).toMatch(/^\{"Fn::Join":\["",\["\\"https:\/\/",.*\.execute-api\.us-east-1\./);

  // The build itself is environment-neutral: no config.json in it.
  const buildAssetDir = sourceKeys
    .map((key) => path.join(cdkOut, `asset.${key.replace(/\.zip$/, '')}`))
    .find((dir) => fs.existsSync(path.join(dir, 'index.html')));
  expect(buildAssetDir).toBeDefined();
  expect(fs.existsSync(path.join(buildAssetDir!, 'config.json'))).toBe(false);
  expect(fs.readdirSync(path.join(buildAssetDir!, 'assets')).some((file) => /^index-.+\.js$/.test(file))).toBe(true);
});

test('the API allows the CloudFront origin and the local dev origins (CORS)', () => {
  const distribution = logicalIdOf('AWS::CloudFront::Distribution');
  template.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'orders-api',
    Environment: {
      Variables: Match.objectLike({
        CORS_ALLOW_ORIGINS: {
          'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }, ',http://localhost:5173,http://127.0.0.1:5173']],
        },
      }),
    },
  });
  // API Gateway answers the preflight for the same origins.
  const options = JSON.stringify(template.findResources('AWS::ApiGateway::Method', { Properties: { HttpMethod: 'OPTIONS' } }));
  expect(options).toContain('http://localhost:5173');
  expect(options).toContain(distribution);
});

test('the stack has the seven outputs', () => {
  expect(Object.keys(templateJson.Outputs).sort()).toEqual(
    ['ApiEndpoint', 'DlqUrl', 'DynamoTableName', 'EventBusName', 'FrontendUrl', 'MainQueueUrl', 'OrdersTableName'],
  );
  const distribution = logicalIdOf('AWS::CloudFront::Distribution');
  template.hasOutput('FrontendUrl', {
    Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distribution, 'DomainName'] }]] },
  });
  template.hasOutput('ApiEndpoint', { Value: { 'Fn::Join': Match.arrayWith([Match.arrayWith([{ Ref: logicalIdOf('AWS::ApiGateway::RestApi') }])]) } });
  template.hasOutput('DynamoTableName', { Value: { Ref: logicalIdOf('AWS::DynamoDB::Table', { TableName: 'orders-idempotency' }) } });
  template.hasOutput('OrdersTableName', { Value: { Ref: logicalIdOf('AWS::DynamoDB::Table', { TableName: 'orders-orders' }) } });
});
