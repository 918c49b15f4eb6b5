import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LOG_QUERIES, LogQueryTarget, renderLogQueryFilter } from './log-queries';

export interface OrderQueryDefinitionsProps {
  /** Folder the saved queries appear under in the Logs Insights console. */
  readonly folder: string;
  readonly logGroups: Record<LogQueryTarget, logs.ILogGroup>;
}

/** Saves the runbook's Logs Insights queries in the account, pointed at the right log groups. */
export class OrderQueryDefinitions extends Construct {
  public readonly queryDefinitions: logs.QueryDefinition[];

  constructor(scope: Construct, id: string, props: OrderQueryDefinitionsProps) {
    super(scope, id);
    this.queryDefinitions = LOG_QUERIES.map((spec) => new logs.QueryDefinition(this, spec.name, {
      queryDefinitionName: `${props.folder}/${spec.title}`,
      logGroups: spec.logGroups.map((target) => props.logGroups[target]),
      queryString: new logs.QueryString({
        fields: spec.fields,
        filterStatements: [renderLogQueryFilter(spec)],
        sort: `@timestamp ${spec.sort}`,
        limit: spec.limit,
      }),
    }));
  }
}
