import path from 'node:path';
import {
  AssetHashType,
  Aws,
  type CfnElement,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, type ISource, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { buildConsole } from '../../web/build.ts';
import {
  type ConsoleConfig,
  type ConsoleOrigins,
  consoleSecurityHeaders,
  contentSecurityPolicy,
  HSTS_MAX_AGE_SECONDS,
} from '../../web/hosting.ts';
import { acknowledgeNag } from '../nag.ts';
import { evidenceUploadCors, privateBucket } from './evidence-bucket.ts';
import type { RectifyHttpApi } from './http-api.ts';

const WEB_ROOT = path.resolve(import.meta.dirname, '../../web');

/** A domain of the deployer's own for the console (CDK context `consoleDomainName`, `consoleCertificateArn`). */
export interface ConsoleDomain {
  readonly domainName: string;
  /** An ACM certificate in us-east-1 covering `domainName` (CloudFront reads only that region). */
  readonly certificateArn: string;
}

export interface ConsoleHostingProps {
  readonly retain: boolean;
  readonly stage: string;
  readonly http: RectifyHttpApi;
  /** Where evidence is uploaded (presigned POST) and summaries' charts are read (presigned GET). */
  readonly evidence: IBucket;
  /** The stack's server-access-log bucket (infra/constructs/evidence-bucket.ts). */
  readonly accessLogs: IBucket;
  /** Unset: the distribution's own `*.cloudfront.net` name and certificate. */
  readonly domain?: ConsoleDomain;
}

/**
 * The console (web/) in the cloud: the build of web/build.ts in a private bucket that only the
 * distribution can read (origin access control), served over HTTPS with the security headers of
 * web/hosting.ts, next to a `config.json` written at deployment (API URL, user pool, client,
 * login domain), so one build serves every stage. It also points the user pool client's
 * sign-in and sign-out redirects at the console and lets the console's origin, and no other,
 * call the API and upload evidence from a browser.
 */
export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  /** `https://<domain>`: what browsers send as Origin. */
  readonly origin: string;
  /** `https://<domain>/`: where users open the console and where sign-in returns them. */
  readonly url: string;
  /** What `/config.json` holds (with deploy-time values as tokens). */
  readonly config: Extract<ConsoleConfig, { auth: 'cognito' }>;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const { http } = props;

    this.bucket = new Bucket(this, 'Bucket', {
      ...privateBucket,
      // The build is reproducible from the repository; no versions to keep.
      versioned: false,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console/',
      removalPolicy,
    });
    // CloudFront's standard logs are delivered with an object ACL, so this one bucket has ACLs
    // enabled (owner-preferred: the objects are still the account's); still private.
    const cdnLogs = new Bucket(this, 'CdnLogs', {
      ...privateBucket,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'console-cdn-logs/',
      // As long as the API's own access logs (infra/constructs/http-api.ts).
      lifecycleRules: [{ id: 'expire-cdn-logs', expiration: Duration.days(180) }],
      removalPolicy,
    });

    const origins = {
      api: [http.api.apiEndpoint],
      // The SDK presigns virtual-hosted, regional URLs (shared/storage/client.ts).
      storage: [`https://${props.evidence.bucketName}.s3.${Aws.REGION}.${Aws.URL_SUFFIX}`],
      // OIDC discovery and keys on cognito-idp; token, userinfo and logout on the login domain.
      identity: [`https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`, http.loginDomain.baseUrl()],
    } satisfies ConsoleOrigins;
    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `Rectify console (${props.stage}): strict CSP, HSTS, no framing, no sniffing, no referrer`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(origins), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Permissions-Policy',
            value: consoleSecurityHeaders(origins)['permissions-policy'] as string,
            override: true,
          },
        ],
      },
    });
    // index.html and config.json are revalidated on every load (their objects say no-cache), so
    // a deployment is seen at once; compression needs a cache policy that may cache at all.
    const documents = new CachePolicy(this, 'DocumentsCache', {
      comment: 'Rectify console: index.html and config.json, revalidated on every request',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const origin = S3BucketOrigin.withOriginAccessControl(this.bucket);
    const behavior = {
      origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
      compress: true,
      responseHeadersPolicy: headers,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Rectify console (${props.stage})`,
      defaultRootObject: 'index.html',
      defaultBehavior: { ...behavior, cachePolicy: documents },
      // Content-hashed names: a file under assets/ never changes, so it is cached for a year.
      additionalBehaviors: { 'assets/*': { ...behavior, cachePolicy: CachePolicy.CACHING_OPTIMIZED } },
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      enableLogging: true,
      logBucket: cdnLogs,
      logFilePrefix: 'cloudfront/',
      ...(props.domain
        ? {
            domainNames: [props.domain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    if (!props.domain) {
      acknowledgeNag(
        this.distribution,
        'CFR4',
        "Without context consoleDomainName/consoleCertificateArn the console is served on CloudFront's own *.cloudfront.net name, whose default certificate cannot set a minimum TLS version; give a domain and certificate to enforce TLSv1.2_2021.",
      );
    }
    acknowledgeNag(
      this.distribution,
      'CFR1',
      'Users sign in wherever they work, travelling staff included; the distribution serves only static files, and every API call is authorised by a Cognito token with MFA.',
    );
    acknowledgeNag(
      this.distribution,
      'CFR2',
      'The distribution serves only static files from a private bucket (GET/HEAD); sign-in is Cognito managed login with threat protection, and the API is not behind this distribution.',
    );

    this.origin = `https://${props.domain?.domainName ?? this.distribution.distributionDomainName}`;
    this.url = `${this.origin}/`;
    http.serveConsoleAt(this.url);

    this.allowBrowserCalls(props, removalPolicy);

    this.config = {
      auth: 'cognito',
      apiUrl: http.api.apiEndpoint,
      stage: props.stage,
      authority: http.userPool.userPoolProviderUrl,
      clientId: http.client.userPoolClientId,
      loginDomain: http.loginDomain.baseUrl(),
    };
    this.deploy(removalPolicy, props.retain);
  }

  /**
   * CORS on the API and the evidence bucket for the console's origin. Both are set after the
   * distribution exists, by API call: the CSP of the distribution's headers policy names the API
   * and the bucket, so the API and bucket resources themselves cannot name the distribution
   * (a dependency cycle). The same is done for bucket notifications by CDK itself. The calls
   * run again whenever their parameters change, a replaced API or bucket (new id) included.
   */
  private allowBrowserCalls(props: ConsoleHostingProps, removalPolicy: RemovalPolicy): void {
    const role = new Role(this, 'CorsRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "Sets the CORS rules of the console's origin on the HTTP API and the evidence bucket",
    });
    const logGroup = new LogGroup(this, 'CorsLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    logGroup.grantWrite(role);
    const apiId = props.http.api.apiId;
    // No onDelete: a replaced resource's delete would run after its successor's create and
    // erase the rules just set; the API and bucket go with the stack (or are retained) anyway.
    const apiCall = {
      service: 'ApiGatewayV2',
      action: 'UpdateApi',
      parameters: { ApiId: apiId, CorsConfiguration: props.http.corsFor(this.origin) },
      physicalResourceId: PhysicalResourceId.of('console-api-cors'),
    };
    new AwsCustomResource(this, 'ApiCors', {
      resourceType: 'Custom::ConsoleApiCors',
      onCreate: apiCall,
      onUpdate: apiCall,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({
          actions: ['apigateway:PATCH'],
          resources: [`arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::/apis/${apiId}`],
        }),
      ]),
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
    const bucketCall = {
      service: 'S3',
      action: 'PutBucketCors',
      parameters: {
        Bucket: props.evidence.bucketName,
        CORSConfiguration: { CORSRules: evidenceUploadCors(this.origin) },
      },
      physicalResourceId: PhysicalResourceId.of('console-evidence-cors'),
    };
    new AwsCustomResource(this, 'EvidenceCors', {
      resourceType: 'Custom::ConsoleEvidenceCors',
      onCreate: bucketCall,
      onUpdate: bucketCall,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['s3:PutBucketCORS'], resources: [props.evidence.bucketArn] }),
      ]),
      role,
      logGroup,
      installLatestAwsSdk: false,
    });
  }

  /**
   * The build and config.json into the bucket, hashed assets first (so index.html never names a
   * file not yet there), then index.html and config.json, whose paths are invalidated.
   */
  private deploy(removalPolicy: RemovalPolicy, retain: boolean): void {
    const role = new Role(this, 'DeployRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the console build and config.json into the console bucket',
    });
    const logGroup = new LogGroup(this, 'DeployLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy });
    logGroup.grantWrite(role);
    // CDK would grant its handler the whole asset bucket, every object of this bucket with action
    // wildcards, and invalidations of any distribution; it gets an immutable view of the role
    // instead, and the role gets exactly what the copy and the invalidation use.
    const handlerRole = role.withoutPolicyUpdates();
    const build = bindSource(this, handlerRole, consoleBuild());
    const config = bindSource(this, handlerRole, Source.jsonData('config.json', this.config));
    for (const source of [build, config]) {
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [source.config.bucket.arnForObjects(source.config.zipObjectKey)],
        }),
      );
    }
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
        resources: [this.bucket.arnForObjects('*')],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      }),
    );
    acknowledgeNag(
      role,
      `IAM5[Resource::<${logicalIdOf(this.bucket)}.Arn>/*]`,
      'The console build names its files by content hash at build time; the wildcard covers objects of the console bucket only.',
    );

    const common = {
      destinationBucket: this.bucket,
      role: handlerRole,
      logGroup,
      // A dev stack takes its files with it (the bucket is emptied, then deleted).
      retainOnDelete: retain,
    };
    const assets = new BucketDeployment(this, 'DeployAssets', {
      ...common,
      sources: [build.source],
      exclude: ['*'],
      include: ['assets/*'],
      // Old hashed files stay: a page opened before the deployment still loads its chunks.
      prune: false,
      cacheControl: [
        CacheControl.setPublic(),
        CacheControl.maxAge(Duration.days(365)),
        CacheControl.immutable(),
      ],
    });
    const documents = new BucketDeployment(this, 'DeployDocuments', {
      ...common,
      sources: [build.source, config.source],
      exclude: ['assets/*'],
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      // `/` too: CloudFront caches the default root object under the path it was asked by.
      distributionPaths: ['/', '/index.html', '/config.json'],
    });
    documents.node.addDependency(assets);
    acknowledgeNagOnProvider(
      this,
      'Custom::CDKBucketDeployment',
      "CDK's BucketDeployment handler runs only at deployment on the Python runtime aws-cdk-lib pins for it (with its AWS CLI layer); the runtime is not ours to choose.",
    );
  }
}

/**
 * The console as web/build.ts builds it, through CDK's local bundling: `cdk synth` runs esbuild in
 * this process, offline and without Docker.
 */
export function consoleBuild(): ISource {
  return Source.asset(WEB_ROOT, {
    // Hash what was built: the console imports shared/ too, so its folder alone says too little.
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: the local build below always succeeds.
      image: DockerImage.fromRegistry('none-needed'),
      local: {
        tryBundle(outputDir: string) {
          buildConsole(outputDir);
          return true;
        },
      },
    },
  });
}

/** A source bound once, so its asset object is known to grant, and handed to deployments as is. */
function bindSource(scope: Construct, handlerRole: IRole, source: ISource) {
  const config = source.bind(scope, { handlerRole });
  return { config, source: { bind: () => config } satisfies ISource };
}

function logicalIdOf(bucket: Bucket): string {
  return Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
}

/** Acknowledges L1 on CDK's singleton handler function whose construct id starts with `prefix`. */
function acknowledgeNagOnProvider(scope: Construct, prefix: string, reason: string): void {
  const handler = Stack.of(scope).node.children.find((child) => child.node.id.startsWith(prefix));
  if (handler) acknowledgeNag(handler, 'L1', reason);
}
