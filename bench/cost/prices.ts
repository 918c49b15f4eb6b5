/**
 * us-east-1 list prices the cost model uses (USD), each with where it is from and when it was
 * taken. This machine has no internet: a price marked `basis: 'stored page'` was read from a
 * stored copy of the page named; `memory` means it is the list price as known to the author
 * on that date, to check against the source URL before quoting it.
 */

export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: string;
  readonly taken: string;
  readonly basis: 'stored page' | 'memory';
}

export type PriceTable = Readonly<Record<PriceId, Price>>;

export type PriceId =
  | 'apiGatewayRestPerMillion' | 'lambdaRequestsPerMillion' | 'lambdaArmGbSecond' | 'lambdaX86GbSecond'
  | 'eventBridgeCustomEventsPerMillion' | 'sqsRequestsPerMillion' | 'dynamoWriteUnitsPerMillion' | 'dynamoReadUnitsPerMillion'
  | 'logsIngestionPerGb' | 'customMetricPerMonth' | 'alarmPerMonth' | 'dashboardPerMonth'
  | 'wafWebAclPerMonth' | 'wafRulePerMonth' | 'wafRequestsPerMillion';

const TAKEN = '2026-12-01';

export const PRICES: PriceTable = {
  apiGatewayRestPerMillion: { usd: 3.5, unit: 'per million REST API calls (first 333 million a month)', source: 'https://aws.amazon.com/api-gateway/pricing/ (and AWS whitepaper "Best Practices for Designing Amazon API Gateway Private APIs", table 4)', taken: TAKEN, basis: 'stored page' },
  lambdaRequestsPerMillion: { usd: 0.2, unit: 'per million requests', source: 'https://aws.amazon.com/lambda/pricing/', taken: TAKEN, basis: 'memory' },
  lambdaArmGbSecond: { usd: 0.0000133334, unit: 'per GB-second, Arm (first 7.5 billion GB-s a month); INIT is billed as duration', source: 'https://aws.amazon.com/lambda/pricing/ (tiers as quoted by cloudchipr.com/blog/aws-lambda-pricing)', taken: TAKEN, basis: 'stored page' },
  lambdaX86GbSecond: { usd: 0.0000166667, unit: 'per GB-second, x86 (first 6 billion GB-s a month)', source: 'https://aws.amazon.com/lambda/pricing/ (tiers as quoted by cloudchipr.com/blog/aws-lambda-pricing)', taken: TAKEN, basis: 'stored page' },
  eventBridgeCustomEventsPerMillion: { usd: 1.0, unit: 'per million custom events published (64 KB chunks)', source: 'https://aws.amazon.com/eventbridge/pricing/', taken: TAKEN, basis: 'memory' },
  sqsRequestsPerMillion: { usd: 0.4, unit: 'per million standard-queue requests (64 KB chunks; first 1 million a month free)', source: 'https://aws.amazon.com/sqs/pricing/ (as quoted by cloudburn.io/blog/amazon-sqs-pricing)', taken: TAKEN, basis: 'stored page' },
  dynamoWriteUnitsPerMillion: { usd: 0.625, unit: 'per million on-demand write request units (1 KB each)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', taken: TAKEN, basis: 'memory' },
  dynamoReadUnitsPerMillion: { usd: 0.125, unit: 'per million on-demand read request units (one strongly consistent read of 4 KB)', source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/', taken: TAKEN, basis: 'memory' },
  logsIngestionPerGb: { usd: 0.5, unit: 'per GB of CloudWatch Logs ingested (standard class)', source: 'https://aws.amazon.com/cloudwatch/pricing/ (as quoted by factualminds.com CloudWatch pricing)', taken: TAKEN, basis: 'stored page' },
  customMetricPerMonth: { usd: 0.3, unit: 'per custom metric per month (first 10,000)', source: 'https://aws.amazon.com/cloudwatch/pricing/', taken: TAKEN, basis: 'memory' },
  alarmPerMonth: { usd: 0.1, unit: 'per standard-resolution alarm metric per month', source: 'https://aws.amazon.com/cloudwatch/pricing/', taken: TAKEN, basis: 'memory' },
  dashboardPerMonth: { usd: 3.0, unit: 'per custom dashboard per month (3 free)', source: 'https://aws.amazon.com/cloudwatch/pricing/ (as quoted by factualminds.com CloudWatch pricing)', taken: TAKEN, basis: 'stored page' },
  wafWebAclPerMonth: { usd: 5.0, unit: 'per web ACL per month', source: 'https://aws.amazon.com/waf/pricing/', taken: TAKEN, basis: 'memory' },
  wafRulePerMonth: { usd: 1.0, unit: 'per rule or rule group per web ACL per month', source: 'https://aws.amazon.com/waf/pricing/', taken: TAKEN, basis: 'memory' },
  wafRequestsPerMillion: { usd: 0.6, unit: 'per million requests inspected', source: 'https://aws.amazon.com/waf/pricing/', taken: TAKEN, basis: 'memory' },
};
