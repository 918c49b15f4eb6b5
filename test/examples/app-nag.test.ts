/**
 * cdk-nag (AwsSolutions and Serverless packs, 2.x) on the example app, from the reports the app
 * writes on every synth (examples/app/lib/nag-checks.ts). The production configuration, with and
 * without a custom domain, and dev and staging must have ZERO unacknowledged findings at either
 * level (a warning does not stop `cdk synth`; this test does). Every acknowledgement carries a
 * reason, and the app's own are pinned here, so a new one cannot slip in unreviewed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { APP_VARIANTS, AppVariantName, synthesizeExampleApp } from './support/example-app';

/** Test names -> the example app's configurations. */
const VARIANTS: Record<string, { readonly variant: AppVariantName; readonly stack: string }> = Object.fromEntries(
  ([['prod', 'prod'], ['prod on a custom domain', 'prodDomain'], ['staging', 'staging'], ['dev', 'dev']] as const)
    .map(([name, variant]) => [name, { variant, stack: APP_VARIANTS[variant].stack }]),
);
const PACKS = ['AwsSolutions', 'Serverless'];

interface ReportLine {
  readonly ruleId: string;
  readonly resourceId: string;
  readonly compliance: string;
  readonly exceptionReason: string;
  readonly ruleLevel: string;
  readonly ruleInfo: string;
}

const reports = new Map<string, ReportLine[]>();

beforeAll(async () => {
  // The same assemblies the synth test reads: the app runs both packs on every synth.
  const { dirs } = await synthesizeExampleApp();
  for (const [name, { variant, stack }] of Object.entries(VARIANTS)) {
    reports.set(name, PACKS.flatMap((pack) => {
      // cdk-nag names the report <pack>-<stage>-<stack>-NagReport.json; the app has no stage.
      const file = path.join(dirs[variant], `${pack}--${stack}-NagReport.json`);
      const lines: ReportLine[] = JSON.parse(fs.readFileSync(file, 'utf8')).lines;
      expect(lines.length).toBeGreaterThan(20); // the pack ran on the whole stack
      return lines;
    }));
  }
}, 10 * 60_000);

/** `ruleId path [finding]`, the path relative to the stack and without CDK's generated hashes. */
function describeLine(line: ReportLine, stack: string): string {
  const resource = line.resourceId
    .replace(`${stack}/`, '')
    .replace(/Custom::CDKBucketDeployment[0-9A-F]{32}(\d+MiB)/, 'Custom::CDKBucketDeployment<$1>');
  const finding = /^\[(.+?)\] /.exec(line.exceptionReason)?.[1]?.replace(/FrontendBucket[0-9A-F]{8}/, 'FrontendBucket<hash>');
  return `${line.ruleId} ${resource}${finding ? ` [${finding}]` : ''}`;
}

/** What the example app itself acknowledges in production (the construct's own are under Orders/). */
const APP_ACKNOWLEDGEMENTS = [
  'AwsSolutions-CFR1 Frontend/Distribution/Resource',
  'AwsSolutions-CFR2 Frontend/Distribution/Resource',
  'AwsSolutions-CFR4 Frontend/Distribution/Resource',
  'AwsSolutions-COG2 Users/UserPool/Resource',
  'AwsSolutions-IAM4 ApiGatewayAccount/CloudWatchRole/Resource [Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
  'AwsSolutions-IAM4 Custom::CDKBucketDeployment<512MiB>/ServiceRole/Resource [Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
  ...[
    'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-us-east-1/*',
    'Resource::<FrontendBucket<hash>.Arn>/*', 'Resource::*',
  ].map((finding) => `AwsSolutions-IAM5 Custom::CDKBucketDeployment<512MiB>/ServiceRole/DefaultPolicy/Resource [${finding}]`),
  'Serverless-LambdaDLQ Custom::CDKBucketDeployment<512MiB>/Resource',
  'Serverless-SQSRedrivePolicy Notifications/DeadLetterQueue/Resource',
  'Serverless-LambdaTracing Custom::CDKBucketDeployment<512MiB>/Resource',
].sort();

test.each(Object.keys(VARIANTS))('%s: zero unacknowledged AwsSolutions and Serverless findings', (name) => {
  const open = reports.get(name)!
    .filter((line) => line.compliance !== 'Compliant' && line.compliance !== 'Suppressed')
    .map((line) => `${line.compliance} ${line.ruleLevel} ${describeLine(line, VARIANTS[name].stack)}: ${line.ruleInfo}`);
  expect(open).toEqual([]);
});

test.each(Object.keys(VARIANTS))('%s: every acknowledgement gives a reason', (name) => {
  for (const line of reports.get(name)!.filter((entry) => entry.compliance === 'Suppressed')) {
    const reason = line.exceptionReason.replace(/^\[.+?\] /, '');
    // Long enough to say why, and not the rule's own words.
    const finding = describeLine(line, VARIANTS[name].stack);
    expect({ finding, long: reason.length >= 80 }).toEqual({ finding, long: true });
    expect(reason).not.toContain(line.ruleInfo);
  }
});

test('prod: the app acknowledges exactly the reviewed findings', () => {
  const stack = VARIANTS.prod.stack;
  const appLevel = reports.get('prod')!
    .filter((line) => line.compliance === 'Suppressed' && !line.resourceId.startsWith(`${stack}/Orders/`))
    .map((line) => describeLine(line, stack))
    .sort();
  expect(appLevel).toEqual(APP_ACKNOWLEDGEMENTS);
});

test('prod on a custom domain: the TLS finding is closed (TLSv1.2_2021), not acknowledged', () => {
  const stack = VARIANTS['prod on a custom domain'].stack;
  const lines = reports.get('prod on a custom domain')!;
  const tls = lines.filter((line) => line.ruleId === 'AwsSolutions-CFR4');
  expect(tls.map((line) => line.compliance)).toEqual(['Compliant']);
  const appLevel = lines
    .filter((line) => line.compliance === 'Suppressed' && !line.resourceId.startsWith(`${stack}/Orders/`))
    .map((line) => describeLine(line, stack))
    .sort();
  expect(appLevel).toEqual(APP_ACKNOWLEDGEMENTS.filter((entry) => !entry.startsWith('AwsSolutions-CFR4')));
});

test('prod: the findings the construct leaves to its user are closed by props, not acknowledged', () => {
  const lines = reports.get('prod')!;
  for (const ruleId of ['AwsSolutions-APIG1', 'AwsSolutions-APIG2', 'AwsSolutions-APIG3', 'AwsSolutions-APIG4', 'AwsSolutions-APIG6', 'AwsSolutions-COG4',
    'AwsSolutions-COG1', 'AwsSolutions-COG8', 'AwsSolutions-S1', 'AwsSolutions-CFR3', 'Serverless-APIGWAccessLogging', 'Serverless-APIGWXrayEnabled']) {
    const rows = lines.filter((line) => line.ruleId === ruleId);
    expect({ ruleId, rows: rows.length > 0 }).toEqual({ ruleId, rows: true });
    const open = rows.filter((line) => line.compliance !== 'Compliant');
    expect({ ruleId, open: open.map((line) => `${line.compliance} ${line.resourceId}`) }).toEqual({ ruleId, open: [] });
  }
});
