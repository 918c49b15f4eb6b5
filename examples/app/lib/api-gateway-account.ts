import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * The account-level setting API Gateway needs before any stage can write access or execution
 * logs to CloudWatch: one IAM role per account and region (`AWS::ApiGateway::Account`). The
 * construct deliberately leaves it to the app, because it is shared by every API in the region
 * and the last stack to set it wins.
 *
 * Both resources are retained on delete (as CDK's own `cloudWatchRole` does): deleting the role
 * would silently stop logging for every other API in the account and region.
 */
export class ApiGatewayAccount extends Construct {
  public readonly role: iam.Role;
  public readonly account: apigateway.CfnAccount;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.role = new iam.Role(this, 'CloudWatchRole', {
      description: 'Lets API Gateway write access and execution logs to CloudWatch Logs (account and region wide)',
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    this.role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.account = new apigateway.CfnAccount(this, 'Account', { cloudWatchRoleArn: this.role.roleArn });
    this.account.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
