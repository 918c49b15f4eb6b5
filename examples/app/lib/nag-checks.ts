import { App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagReportFormat, ServerlessChecks } from 'cdk-nag';

/**
 * cdk-nag's AwsSolutions and Serverless packs. Findings at error level fail the synth; both
 * levels are written to `cdk.out/<pack>-<stack>-NagReport.json`, which the example's test
 * reads to require zero unacknowledged findings of either level.
 */
export function applyNagChecks(app: App): void {
  const options = { verbose: true, reports: true, reportFormats: [NagReportFormat.JSON] };
  Aspects.of(app).add(new AwsSolutionsChecks(options));
  Aspects.of(app).add(new ServerlessChecks(options));
}
