import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface AccessLogBucketProps {
  /** Days a log object is kept. */
  readonly retentionDays: number;
  /** Keep the bucket (and its logs) when the stack is deleted. */
  readonly retain: boolean;
}

/**
 * Where CloudFront's standard logs and the site bucket's S3 server access logs go.
 *
 * CloudFront's standard (legacy) logging writes with an ACL grant to its log-delivery account,
 * so ACLs must stay enabled (`BUCKET_OWNER_PREFERRED`: the bucket owner still owns every
 * object) and the bucket must use SSE-S3, not SSE-KMS. S3 server access logs are admitted by a
 * bucket policy for `logging.s3.amazonaws.com` (CDK adds it for `serverAccessLogsBucket`).
 */
export class AccessLogBucket extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{
        id: 'expire-access-logs',
        expiration: Duration.days(props.retentionDays),
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.retain,
    });
  }
}
