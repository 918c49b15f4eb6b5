import { CfnOutput, Stack, StackProps, Tags } from 'aws-cdk-lib';
import { OrdersWorkflow } from 'cdk-orders-workflow';
import { Construct } from 'constructs';
import { FrontendHosting } from './frontend-hosting';

/** Origins of `npm run frontend:dev` (Vite's dev server), allowed to call a deployed API. */
export const DEV_ORIGINS = ['http://localhost:5173', 'http://127.0.0.1:5173'];

export interface OrdersExampleStackProps extends StackProps {
  /** `dev`, `staging`, `prod`...: shown in the frontend's header. */
  readonly envName: string;
  /** The Vite build output to host. */
  readonly frontendDistPath: string;
  /**
   * Physical-name prefix of the workflow's functions, log groups, queues and alarms.
   * `orders` gives the reference names (`/aws/lambda/orders-api`, `/aws/lambda/orders-worker`);
   * two environments in one account and region need different prefixes.
   */
  readonly namePrefix: string;
}

/** The orders workflow and its frontend, as a user of the library would deploy them. */
export class OrdersExampleStack extends Stack {
  constructor(scope: Construct, id: string, props: OrdersExampleStackProps) {
    super(scope, id, props);

    const frontend = new FrontendHosting(this, 'Frontend', {
      distPath: props.frontendDistPath,
      envName: props.envName,
    });

    const workflow = new OrdersWorkflow(this, 'Orders', {
      namePrefix: props.namePrefix,
      // ApiEndpoint, EventBusName, MainQueueUrl, DlqUrl, DynamoTableName.
      stackOutputs: true,
      // The CloudFront origin is a token here; the construct checks only literal origins.
      corsAllowOrigins: [frontend.url, ...DEV_ORIGINS],
    });

    // One build for every environment: the API URL reaches the browser through config.json.
    frontend.deploy({ apiUrl: workflow.apiEndpoint, envName: props.envName, region: this.region });

    new CfnOutput(this, 'FrontendUrl', {
      value: frontend.url,
      description: 'The orders frontend (CloudFront, HTTPS)',
    });

    Tags.of(this).add('project', 'cdk-orders-workflow-example');
    Tags.of(this).add('environment', props.envName);
  }
}
