import * as fs from 'node:fs';
import * as path from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { contentSecurityPolicy } from './content-security-policy';

/** What the frontend reads from `/config.json` at run time (see examples/frontend/src/config.ts). */
export interface FrontendRuntimeConfig {
  /** Base URL of the orders API (the stage URL, ending in `/`). */
  readonly apiUrl: string;
  readonly envName: string;
  readonly region: string;
}

export interface FrontendHostingProps {
  /** The Vite build output (`examples/frontend/dist`). */
  readonly distPath: string;
  /** Shown in the distribution's comment. */
  readonly envName: string;
}

/**
 * A private S3 bucket behind CloudFront (origin access control, HTTPS only), serving the
 * built single-page app. The build itself is environment-neutral: `deploy()` adds the
 * environment's `config.json` next to it at deploy time.
 */
export class FrontendHosting extends Construct {
  public readonly bucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** `https://<distribution domain>`: the site's origin (a token until deploy time). */
  public readonly url: string;
  private readonly distPath: string;

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
      // The bucket only holds build output: `npm run destroy` should leave nothing behind.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const stack = Stack.of(this);
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Orders frontend: CSP limited to this site and the regional API Gateway endpoints',
      securityHeadersBehavior: {
        // The API's URL cannot appear here: the API's CORS setting already depends on this
        // distribution, so naming the API would be a dependency cycle. Any API Gateway
        // endpoint in the stack's region is the narrowest cycle-free rule.
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy([`https://*.execute-api.${stack.region}.${stack.urlSuffix}`]),
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
      },
    });

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
    });

    this.url = `https://${this.distribution.distributionDomainName}`;
  }

  /**
   * Uploads the build and writes `config.json` (tokens such as the API URL are resolved at
   * deploy time). Hashed files under `assets/` are cached for a year; `index.html` and
   * `config.json` are revalidated on every load, so a deploy is visible at once.
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
      exclude: ['index.html', 'config.json'],
      cacheControl: [
        s3deploy.CacheControl.setPublic(),
        s3deploy.CacheControl.maxAge(Duration.days(365)),
        s3deploy.CacheControl.immutable(),
      ],
      logGroup,
    });

    const entryPoint = new s3deploy.BucketDeployment(this, 'DeployEntryPoint', {
      destinationBucket: this.bucket,
      sources: [build, s3deploy.Source.jsonData('config.json', config)],
      exclude: ['*'],
      include: ['index.html', 'config.json'],
      prune: false,
      cacheControl: [s3deploy.CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/', '/index.html', '/config.json'],
      logGroup,
    });
    // index.html must never point at assets that are not uploaded yet.
    entryPoint.node.addDependency(hashedFiles);
  }
}
