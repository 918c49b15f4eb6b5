import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { contentSecurityPolicy } from './content-security-policy';
import type { CustomDomain } from './environment';

/** The files at the site's root that keep their names (no content hash), so are never cached long. */
const ENTRY_POINT_FILES = ['index.html', 'config.json', 'robots.txt'];

/** What the frontend reads from `/config.json` at run time (see examples/frontend/src/config.ts). */
export interface FrontendRuntimeConfig {
  /** Base URL of the orders API (the stage URL, ending in `/`). */
  readonly apiUrl: string;
  readonly envName: string;
  readonly region: string;
  /** The Cognito user pool users sign in to. */
  readonly userPoolId: string;
  /** The pool's app client for this site (no secret; USER_PASSWORD_AUTH). */
  readonly userPoolClientId: string;
  /** Whether `FAIL-ME` orders fail on purpose; the form mentions the SKU only then. */
  readonly failureInjection: boolean;
  /** The Cognito group whose members see the queue depths and "Replay DLQ" (the construct's `operatorsGroup`). */
  readonly operatorsGroup: string;
  /** The API function's log group: the order's Logs Insights link searches it and the worker's. */
  readonly apiLogGroupName: string;
  /** The worker function's log group. */
  readonly workerLogGroupName: string;
  /** The workflow's CloudWatch dashboard, linked from each order. */
  readonly dashboardName: string;
}

export interface FrontendHostingProps {
  /** The Vite build output (`examples/frontend/dist`). */
  readonly distPath: string;
  /** Shown in the distribution's comment. */
  readonly envName: string;
  /** Where CloudFront's standard logs and the bucket's S3 server access logs go. */
  readonly accessLogBucket: s3.IBucket;
  /** Keep the site bucket when the stack is deleted (its content is rebuilt by any deploy, so only for audit). */
  readonly retain?: boolean;
  /**
   * The site on your own name, with a viewer TLS minimum of TLSv1.2_2021. Without it the site
   * is on `*.cloudfront.net` with CloudFront's default certificate, which accepts TLSv1.
   */
  readonly customDomain?: CustomDomain;
  /** A WAFv2 web ACL (scope CLOUDFRONT, created in us-east-1) for the distribution. */
  readonly webAclArn?: string;
}

/**
 * A private S3 bucket behind CloudFront (origin access control, HTTPS only), serving the
 * built single-page app. The build itself is environment-neutral: `deploy()` adds the
 * environment's `config.json` next to it at deploy time.
 */
export class FrontendHosting extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** `https://<custom domain or distribution domain>`: the site's origin (a token without a custom domain). */
  public readonly url: string;
  private readonly distPath: string;
  /** Origins the page may send requests to besides its own (`connect-src`), filled in by `allowConnectionsTo`. */
  private readonly connectOrigins: string[] = [];

  constructor(scope: Construct, id: string, props: FrontendHostingProps) {
    super(scope, id);
    this.distPath = path.resolve(props.distPath);
    if (!fs.existsSync(path.join(this.distPath, 'index.html'))) {
      throw new Error(`The frontend build is missing (${path.join(this.distPath, 'index.html')}). ` +
        'Build it first: `npm run frontend:build` at the repository root (`npm run synth` and `npm run deploy` do it for you).');
    }

    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      serverAccessLogsBucket: props.accessLogBucket,
      serverAccessLogsPrefix: 's3/site/',
      // The bucket only holds build output: outside production, `npm run destroy` leaves nothing behind.
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !props.retain,
    });

    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Orders frontend: CSP limited to this site, the orders API and Cognito',
      securityHeadersBehavior: {
        // Lazy: the API and Cognito origins are added after this construct exists. The API's
        // origin is its RestApi id, which does not depend on this distribution (its CORS
        // setting does, through the Lambda environment and the OPTIONS method), so naming
        // the exact API here makes no dependency cycle.
        contentSecurityPolicy: {
          contentSecurityPolicy: Lazy.string({ produce: () => contentSecurityPolicy(this.connectOrigins) }),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

    const domain = props.customDomain;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Orders workflow frontend (${props.envName})`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        compress: true,
      },
      // Single-page app: unknown paths get the app (S3 answers 403 for a missing key when
      // the distribution may not list the bucket, 404 when it may).
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      // Standard logs: every viewer request, to the shared access-log bucket.
      enableLogging: true,
      logBucket: props.accessLogBucket,
      logFilePrefix: 'cloudfront/',
      logIncludesCookies: false,
      // A viewer TLS minimum above TLSv1 needs a certificate of your own (SNI).
      domainNames: domain ? [domain.domainName] : undefined,
      certificate: domain ? acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn) : undefined,
      minimumProtocolVersion: domain ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      sslSupportMethod: domain ? cloudfront.SSLMethod.SNI : undefined,
      webAclId: props.webAclArn,
    });

    this.url = `https://${domain ? domain.domainName : this.distribution.distributionDomainName}`;
  }

  /** Lets the page send requests to `origin` (`https://host`), through its CSP `connect-src`. */
  public allowConnectionsTo(origin: string): void {
    this.connectOrigins.push(origin);
  }

  /**
   * Uploads the build and writes `config.json` (tokens such as the API URL are resolved at
   * deploy time). Hashed files under `assets/` are cached for a year; `index.html`,
   * `config.json` and `robots.txt` are revalidated on every load, so a deploy is visible at once.
   */
  public deploy(config: FrontendRuntimeConfig): void {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // A config.json left in the build (say, from a local experiment) must never shadow this environment's.
    const build = s3deploy.Source.asset(this.distPath, { exclude: ['config.json'] });

    const hashedFiles = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      destinationBucket: this.bucket,
      sources: [build],
      // Not uploaded here, and (being excluded from the sync) never pruned by this deployment.
      exclude: ENTRY_POINT_FILES,
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
      memoryLimit: 512,
      logGroup,
    });

    const entryPoint = new s3deploy.BucketDeployment(this, 'DeployEntryPoint', {
      destinationBucket: this.bucket,
      sources: [build, s3deploy.Source.jsonData('config.json', config)],
      exclude: ['*'],
      include: ENTRY_POINT_FILES,
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/', ...ENTRY_POINT_FILES.map((file) => `/${file}`)],
      memoryLimit: 512,
      logGroup,
    });
    // index.html must never point at assets that are not uploaded yet.
    entryPoint.node.addDependency(hashedFiles);
  }
}
