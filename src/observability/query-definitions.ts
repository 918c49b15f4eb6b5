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
  /** The queries that run against the worker's log group. */
  private readonly workerQueries: logs.CfnQueryDefinition[];

  constructor(scope: Construct, id: string, props: OrderQueryDefinitionsProps) {
    super(scope, id);
    const saved = LOG_QUERIES.map((spec) => ({
      spec,
      definition: new logs.QueryDefinition(this, spec.name, {
        queryDefinitionName: `${props.folder}/${spec.title}`,
        logGroups: spec.logGroups.map((target) => props.logGroups[target]),
        queryString: new logs.QueryString({
          fields: spec.fields,
          filterStatements: [renderLogQueryFilter(spec)],
          sort: `@timestamp ${spec.sort}`,
          limit: spec.limit,
        }),
      }),
    }));
    this.queryDefinitions = saved.map((s) => s.definition);
    this.workerQueries = saved.filter((s) => s.spec.logGroups.includes('worker'))
      .map((s) => s.definition.node.defaultChild as logs.CfnQueryDefinition);
  }

  /** Adds a stage's worker (or compensation worker) log group to every query that runs against the worker's. */
  public addWorkerLogGroup(logGroup: logs.ILogGroup): void {
    for (const query of this.workerQueries) {
      query.logGroupNames = [...query.logGroupNames ?? [], logGroup.logGroupName];
    }
  }
}
