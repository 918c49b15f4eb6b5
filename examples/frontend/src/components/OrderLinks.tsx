import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { AppConfig } from '../config';
import { correlateQuery, dashboardUrl, logsInsightsUrl } from '../console-links';

interface OrderLinksProps {
  readonly config: AppConfig;
  readonly orderId: string;
  readonly eventId: string;
}

/** The order's log lines (Logs Insights, correlate query) and the dashboard, in the AWS console. */
export function OrderLinks({ config, orderId, eventId }: OrderLinksProps) {
  const logGroups = [config.apiLogGroupName, config.workerLogGroupName].filter((name) => name !== '');
  return (
    <SpaceBetween direction="horizontal" size="s">
      {logGroups.length > 0 && (
        <Link external href={logsInsightsUrl(config.region, logGroups, correlateQuery(orderId, eventId))}
          ariaLabel={`Log lines of order ${orderId} in CloudWatch Logs Insights`} data-testid="logs-link">
          Log lines
        </Link>
      )}
      {config.dashboardName !== '' && (
        <Link external href={dashboardUrl(config.region, config.dashboardName)} data-testid="dashboard-link">Dashboard</Link>
      )}
    </SpaceBetween>
  );
}
