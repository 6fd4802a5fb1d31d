/**
 * The console in the cloud (infra/constructs/console-hosting.ts), on the synthesised template:
 * a private bucket only the distribution reads, the security headers, managed login for the
 * console's URL, CORS for the console's origin only, and the config.json the stack writes.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type App, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes } from '#catalog/functions.ts';
import { buildApp } from '#infra/app.ts';
import { consoleBuild } from '#infra/constructs/console-hosting.ts';
import { CONSOLE_REQUEST_HEADERS } from '#infra/constructs/http-api.ts';
import { HSTS_MAX_AGE_SECONDS } from '../../web/hosting.ts';
import {
  acknowledgementsIn,
  newApp,
  removeOutput,
  type Synthesis,
  synthesise,
  unacknowledgedFindings,
} from './synthesis.ts';

interface Synthesised extends Synthesis {
  readonly app: App;
}

/** CloudFormation's own template checks are covered by stack.test.ts; cdk-nag still runs. */
async function synthesiseWith(context: Record<string, unknown>): Promise<Synthesised> {
  const app = await newApp(context, { cloudFormationValidation: false });
  const { stack } = buildApp(app);
  return { app, ...(await synthesise(app, stack)) };
}

const CUSTOM_DOMAIN = {
  consoleDomainName: 'rectify.example.org',
  consoleCertificateArn:
    'arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012',
};

let dev: Synthesised;
let custom: Synthesised;
beforeAll(async () => {
  dev = await synthesiseWith({ stage: 'dev' });
  custom = await synthesiseWith({ stage: 'dev', ...CUSTOM_DOMAIN });
});
afterAll(async () => {
  await Promise.all([removeOutput(dev?.app), removeOutput(custom?.app)]);
});

/** A piece of a synthesised template: JSON as CloudFormation reads it. */
type Json = ReturnType<Template['toJSON']>;
/** A resource as CloudFormation reads it. */
interface Resource {
  Type: string;
  Properties: Json;
  DependsOn?: string[];
  DeletionPolicy?: string;
}
const resources = (template: Template) => template.toJSON().Resources as Record<string, Resource>;
/** The logical ids of `type`, in template order; the one when `index` is left out must be alone. */
function idsOf(template: Template, type: string): string[] {
  return Object.entries(resources(template))
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);
}
function onlyId(template: Template, type: string, prefix = ''): string {
  const ids = idsOf(template, type).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1 || !ids[0]) throw new Error(`expected one ${type} ${prefix}, found ${ids.length}`);
  return ids[0];
}
const props = (template: Template, id: string) => resources(template)[id]?.Properties ?? {};

/**
 * A CloudFormation value as one readable string: `{Ref:X}` and `{X.Attr}` stand for what
 * CloudFormation fills in, Fn::Join is joined. Enough to read CSPs, URLs and custom-resource calls.
 */
function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const intrinsic = value as Json;
  if ('Ref' in intrinsic) return `{Ref:${intrinsic.Ref}}`;
  if ('Fn::GetAtt' in intrinsic) return `{${intrinsic['Fn::GetAtt'].join('.')}}`;
  if ('Fn::Join' in intrinsic) {
    const [separator, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(flat).join(separator);
  }
  if ('Fn::Sub' in intrinsic) return `{Sub:${intrinsic['Fn::Sub']}}`;
  throw new Error(`cannot flatten ${JSON.stringify(value)}`);
}

const distributionId = (t: Template) => onlyId(t, 'AWS::CloudFront::Distribution');
const distributionConfig = (t: Template) => props(t, distributionId(t)).DistributionConfig;
/** `https://{ConsoleDistribution….DomainName}`: the console's origin as the template says it. */
const consoleOrigin = (t: Template) => `https://{${distributionId(t)}.DomainName}`;
const consoleBucketId = (t: Template) => onlyId(t, 'AWS::S3::Bucket', 'ConsoleBucket');
const evidenceBucketId = (t: Template) =>
  idsOf(t, 'AWS::S3::Bucket').find((id) => props(t, id).ObjectLockEnabled === true) as string;
const apiId = (t: Template) => onlyId(t, 'AWS::ApiGatewayV2::Api');
const clientId = (t: Template) => onlyId(t, 'AWS::Cognito::UserPoolClient');
const userPoolId = (t: Template) => onlyId(t, 'AWS::Cognito::UserPool');
const domainId = (t: Template) => onlyId(t, 'AWS::Cognito::UserPoolDomain');

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const actionsOf = (statement: Statement) => [statement.Action].flat();
const bucketPolicy = (t: Template, bucketId: string): Statement[] =>
  Object.values(resources(t)).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && r.Properties.Bucket.Ref === bucketId,
  )?.Properties.PolicyDocument.Statement ?? [];

describe('console bucket', () => {
  it('blocks all public access, is owner-only and encrypted', () => {
    const bucket = props(dev.template, consoleBucketId(dev.template));
    expect({
      public: bucket.PublicAccessBlockConfiguration,
      ownership: bucket.OwnershipControls,
      encryption: bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    }).toEqual({
      public: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      ownership: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      encryption: { SSEAlgorithm: 'AES256' },
    });
  });
  it('denies every request without TLS', () => {
    expect(bucketPolicy(dev.template, consoleBucketId(dev.template))).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
  });
  it('lets only the distribution read it (origin access control), and nothing else', () => {
    const t = dev.template;
    const allows = bucketPolicy(t, consoleBucketId(t)).filter((s) => s.Effect === 'Allow');
    expect(
      allows.map((s) => ({
        principal: s.Principal,
        actions: actionsOf(s),
        resource: flat(s.Resource),
        source: flat(s.Condition?.StringEquals?.['AWS:SourceArn']),
      })),
    ).toEqual([
      {
        principal: { Service: 'cloudfront.amazonaws.com' },
        actions: ['s3:GetObject'],
        resource: `{${consoleBucketId(t)}.Arn}/*`,
        source: `arn:{Ref:AWS::Partition}:cloudfront::{Ref:AWS::AccountId}:distribution/{Ref:${distributionId(t)}}`,
      },
    ]);
  });
  it('is the distribution’s only origin, signed with an origin access control (no OAI)', () => {
    const t = dev.template;
    const origins = distributionConfig(t).Origins;
    const oac = props(t, onlyId(t, 'AWS::CloudFront::OriginAccessControl')).OriginAccessControlConfig;
    expect({
      origins: origins.map((o: Json) => [flat(o.DomainName), o.S3OriginConfig]),
      oacIsUsed:
        origins[0].OriginAccessControlId['Fn::GetAtt'][0] ===
        onlyId(t, 'AWS::CloudFront::OriginAccessControl'),
      oac: [oac.OriginAccessControlOriginType, oac.SigningBehavior, oac.SigningProtocol],
    }).toEqual({
      origins: [[`{${consoleBucketId(t)}.RegionalDomainName}`, { OriginAccessIdentity: '' }]],
      oacIsUsed: true,
      oac: ['s3', 'always', 'sigv4'],
    });
  });
  it('logs access beside the other buckets', () => {
    const logging = props(dev.template, consoleBucketId(dev.template)).LoggingConfiguration;
    expect(logging.DestinationBucketName.Ref).toBe(
      props(dev.template, evidenceBucketId(dev.template)).LoggingConfiguration.DestinationBucketName.Ref,
    );
  });
  it('is deleted with a dev stack and retained outside dev', async () => {
    const prod = await synthesiseWith({ stage: 'prod' });
    try {
      expect([
        resources(dev.template)[consoleBucketId(dev.template)]?.DeletionPolicy,
        resources(prod.template)[consoleBucketId(prod.template)]?.DeletionPolicy,
      ]).toEqual(['Delete', 'Retain']);
    } finally {
      await removeOutput(prod.app);
    }
  });
});

describe('distribution', () => {
  const behaviors = (t: Template) => [
    { PathPattern: '*', ...distributionConfig(t).DefaultCacheBehavior },
    ...distributionConfig(t).CacheBehaviors,
  ];

  it('serves index.html at /', () => {
    expect(distributionConfig(dev.template).DefaultRootObject).toBe('index.html');
  });
  it('redirects HTTP to HTTPS, compresses, and allows only GET and HEAD on every path', () => {
    expect(
      behaviors(dev.template).map((b) => [
        b.PathPattern,
        b.ViewerProtocolPolicy,
        b.Compress,
        b.AllowedMethods,
      ]),
    ).toEqual([
      ['*', 'redirect-to-https', true, ['GET', 'HEAD']],
      ['assets/*', 'redirect-to-https', true, ['GET', 'HEAD']],
    ]);
  });
  it('revalidates index.html and config.json, and caches hashed assets/* long', () => {
    const t = dev.template;
    const documentsPolicy = props(
      t,
      distributionConfig(t).DefaultCacheBehavior.CachePolicyId.Ref,
    ).CachePolicyConfig;
    const assets = behaviors(t).find((b) => b.PathPattern === 'assets/*');
    expect({
      documentsTtl: [documentsPolicy.MinTTL, documentsPolicy.DefaultTTL],
      // CloudFront's managed CachingOptimized: up to a year, gzip and brotli.
      assetsPolicy: assets?.CachePolicyId,
    }).toEqual({ documentsTtl: [0, 0], assetsPolicy: '658327ea-f89d-4fab-a63d-7e88639e58f6' });
  });
  it('tells browsers the same: no-cache for the documents, a year and immutable for assets/', () => {
    const deployments = idsOf(dev.template, 'Custom::CDKBucketDeployment').map((id) =>
      props(dev.template, id),
    );
    expect(
      deployments.map((d) => [d.Include ?? [], d.Exclude, d.SystemMetadata['cache-control']]).sort(),
    ).toEqual(
      [
        [['assets/*'], ['*'], 'public, max-age=31536000, immutable'],
        [[], ['assets/*'], 'no-cache'],
      ].sort(),
    );
  });
  it('logs requests to a bucket of its own', () => {
    const t = dev.template;
    const logBucket = distributionConfig(t).Logging.Bucket['Fn::GetAtt'][0];
    expect([idsOf(t, 'AWS::S3::Bucket').includes(logBucket), logBucket === consoleBucketId(t)]).toEqual([
      true,
      false,
    ]);
  });
  it('uses its own *.cloudfront.net name unless a domain is given', () => {
    expect(distributionConfig(dev.template).Aliases).toBeUndefined();
  });
});

describe('security headers', () => {
  const policy = (t: Template) => {
    const ids = new Set(
      [distributionConfig(t).DefaultCacheBehavior, ...distributionConfig(t).CacheBehaviors].map(
        (b: Json) => b.ResponseHeadersPolicyId.Ref,
      ),
    );
    if (ids.size !== 1)
      throw new Error(`expected one response headers policy on every path, found ${ids.size}`);
    return props(t, [...ids][0] as string).ResponseHeadersPolicyConfig;
  };
  /** The CSP's directives: name → sources. */
  const csp = (t: Template) =>
    Object.fromEntries(
      flat(policy(t).SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy)
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...sources]) => [name, sources]),
    ) as Record<string, string[]>;

  it('puts one policy with the security headers on every path', () => {
    expect(policy(dev.template).SecurityHeadersConfig).toBeDefined();
  });
  it("allows scripts from the console's own origin only: no inline script, no eval", () => {
    expect(csp(dev.template)['script-src']).toEqual(["'self'"]);
  });
  it('forbids framing and plugins, and falls back to nothing', () => {
    const directives = csp(dev.template);
    expect([directives['frame-ancestors'], directives['object-src'], directives['default-src']]).toEqual([
      ["'none'"],
      ["'none'"],
      ["'none'"],
    ]);
  });
  it('lets the console connect to the API, the evidence bucket and Cognito, and nowhere else', () => {
    const t = dev.template;
    expect(csp(t)['connect-src']).toEqual([
      "'self'",
      `{${apiId(t)}.ApiEndpoint}`,
      `https://{Ref:${evidenceBucketId(t)}}.s3.{Ref:AWS::Region}.{Ref:AWS::URLSuffix}`,
      'https://cognito-idp.{Ref:AWS::Region}.{Ref:AWS::URLSuffix}',
      `https://{Ref:${domainId(t)}}.auth.{Ref:AWS::Region}.amazoncognito.com`,
    ]);
  });
  it('has no unsafe source anywhere', () => {
    expect(
      Object.values(csp(dev.template))
        .flat()
        .filter((source) => source.startsWith("'unsafe")),
    ).toEqual([]);
  });
  it('sends HSTS for two years with subdomains, nosniff, DENY framing and no referrer, over the origin’s', () => {
    const headers = policy(dev.template).SecurityHeadersConfig;
    expect({
      hsts: headers.StrictTransportSecurity,
      nosniff: headers.ContentTypeOptions,
      frame: headers.FrameOptions,
      referrer: headers.ReferrerPolicy,
      cspOverride: headers.ContentSecurityPolicy.Override,
    }).toEqual({
      hsts: { AccessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS, IncludeSubdomains: true, Override: true },
      nosniff: { Override: true },
      frame: { FrameOption: 'DENY', Override: true },
      referrer: { ReferrerPolicy: 'no-referrer', Override: true },
      cspOverride: true,
    });
  });
});

describe('sign-in (Cognito managed login)', () => {
  const client = (t: Template) => props(t, clientId(t));

  it('lets the client use the authorization code grant only, as a public client (PKCE, no secret)', () => {
    const c = client(dev.template);
    expect({
      flows: c.AllowedOAuthFlows,
      oauth: c.AllowedOAuthFlowsUserPoolClient,
      secret: c.GenerateSecret,
      scopes: [...c.AllowedOAuthScopes].sort(),
      providers: c.SupportedIdentityProviders,
    }).toEqual({
      flows: ['code'],
      oauth: true,
      secret: false,
      scopes: ['email', 'openid', 'profile'],
      providers: ['COGNITO'],
    });
  });
  it("returns users to the console's URL only, after sign-in and after sign-out", () => {
    const c = client(dev.template);
    const url = `${consoleOrigin(dev.template)}/`;
    expect([c.CallbackURLs.map(flat), c.LogoutURLs.map(flat)]).toEqual([[url], [url]]);
  });
  it('keeps refresh tokens (silent renewal) for a working day at most, and revocable', () => {
    const c = client(dev.template);
    expect({
      refresh: c.TokenValidityUnits.RefreshToken === 'minutes' && c.RefreshTokenValidity <= 24 * 60,
      allowed: c.ExplicitAuthFlows.includes('ALLOW_REFRESH_TOKEN_AUTH'),
      revocation: c.EnableTokenRevocation,
      existence: c.PreventUserExistenceErrors,
    }).toEqual({ refresh: true, allowed: true, revocation: true, existence: 'ENABLED' });
  });
  it('has a managed login domain on the user pool, named after the stage and account', () => {
    const t = dev.template;
    const domain = props(t, domainId(t));
    expect([flat(domain.Domain), domain.UserPoolId.Ref, domain.ManagedLoginVersion]).toEqual([
      'rectify-dev-{Ref:AWS::AccountId}',
      userPoolId(t),
      2,
    ]);
  });
  it("styles the client's managed login pages (Cognito shows none without a style)", () => {
    const t = dev.template;
    const branding = props(t, onlyId(t, 'AWS::Cognito::ManagedLoginBranding'));
    expect([branding.ClientId.Ref, branding.UseCognitoProvidedValues]).toEqual([clientId(t), true]);
  });
  it('refuses a stage whose name Cognito would refuse in a domain prefix', async () => {
    const app = await newApp({ stage: 'awsdev' });
    try {
      expect(() => buildApp(app)).toThrow(/Cognito domain prefix/);
    } finally {
      await removeOutput(app);
    }
  });
});

describe('CORS for the console', () => {
  /** The SDK call a CDK AwsCustomResource makes on create, and the one it makes on update. */
  const calls = (t: Template, type: string) => {
    const resource = props(t, onlyId(t, type));
    return {
      create: JSON.parse(flat(resource.Create)),
      update: JSON.parse(flat(resource.Update)),
      del: resource.Delete,
    };
  };

  it("lets the API answer the console's origin only, with the methods its routes use and the headers the console sends", () => {
    const t = dev.template;
    const { create } = calls(t, 'Custom::ConsoleApiCors');
    expect([create.service, create.action, create.parameters.ApiId]).toEqual([
      'ApiGatewayV2',
      'UpdateApi',
      `{Ref:${apiId(t)}}`,
    ]);
    expect(create.parameters.CorsConfiguration).toEqual({
      AllowOrigins: [consoleOrigin(t)],
      AllowMethods: [...new Set(httpRoutes().map((route) => route.method))].sort(),
      AllowHeaders: ['accept-language', 'authorization', 'content-type', 'idempotency-key'],
      ExposeHeaders: ['content-disposition'],
      AllowCredentials: false,
      MaxAge: expect.any(Number),
    });
    expect(CONSOLE_REQUEST_HEADERS).toHaveLength(4);
  });
  it('sets the same rules again on every update and never removes them', () => {
    const api = calls(dev.template, 'Custom::ConsoleApiCors');
    const bucket = calls(dev.template, 'Custom::ConsoleEvidenceCors');
    expect([api.update, api.del, bucket.update, bucket.del]).toEqual([
      api.create,
      undefined,
      bucket.create,
      undefined,
    ]);
  });
  it('answers preflights without the authorizer: API Gateway does, and no OPTIONS route exists', () => {
    const routeKeys = idsOf(dev.template, 'AWS::ApiGatewayV2::Route').map(
      (id) => props(dev.template, id).RouteKey,
    );
    expect(routeKeys.filter((key: string) => key.startsWith('OPTIONS') || key.startsWith('ANY'))).toEqual([]);
  });
  it('leaves no wildcard origin on the API resource itself', () => {
    expect(props(dev.template, apiId(dev.template)).CorsConfiguration).toBeUndefined();
  });
  it("lets the console's origin, and no other, POST the presigned upload form to the evidence bucket", () => {
    const t = dev.template;
    const { create } = calls(t, 'Custom::ConsoleEvidenceCors');
    expect([create.service, create.action, create.parameters]).toEqual([
      'S3',
      'PutBucketCors',
      {
        Bucket: `{Ref:${evidenceBucketId(t)}}`,
        CORSConfiguration: {
          CORSRules: [{ AllowedOrigins: [consoleOrigin(t)], AllowedMethods: ['POST'], MaxAgeSeconds: 3600 }],
        },
      },
    ]);
  });
  it('may change the CORS of this API and of the evidence bucket, nothing else', () => {
    const t = dev.template;
    const statements = ['Custom::ConsoleApiCors', 'Custom::ConsoleEvidenceCors'].flatMap((type) => {
      const policyId = resources(t)[onlyId(t, type)]?.DependsOn?.[0] as string;
      return props(t, policyId).PolicyDocument.Statement as Statement[];
    });
    expect(statements.map((s) => [s.Effect, actionsOf(s), flat(s.Resource)])).toEqual([
      [
        'Allow',
        ['apigateway:PATCH'],
        `arn:{Ref:AWS::Partition}:apigateway:{Ref:AWS::Region}::/apis/{Ref:${apiId(t)}}`,
      ],
      ['Allow', ['s3:PutBucketCORS'], `{${evidenceBucketId(t)}.Arn}`],
    ]);
  });
});

describe('config.json and deployment', () => {
  const documents = (t: Template) =>
    idsOf(t, 'Custom::CDKBucketDeployment').find((id) => props(t, id).DistributionPaths) as string;

  /** config.json as the deployment writes it, deploy-time values shown as `{Ref:…}`/`{….Attr}`. */
  async function configJson(synth: Synthesised): Promise<Record<string, string>> {
    const deployment = props(synth.template, documents(synth.template));
    const index = (deployment.SourceMarkers as Record<string, unknown>[]).findIndex(
      (markers) => Object.keys(markers).length > 0,
    );
    const hash = String(deployment.SourceObjectKeys[index]).replace(/\.zip$/, '');
    let text = await readFile(path.join(synth.app.outdir, `asset.${hash}`, 'config.json'), 'utf8');
    for (const [marker, value] of Object.entries(
      deployment.SourceMarkers[index] as Record<string, unknown>,
    )) {
      text = text.split(marker).join(flat(value));
    }
    return JSON.parse(text);
  }

  it('writes the API URL, the user pool (as issuer), the client and the login domain', async () => {
    const t = dev.template;
    expect(await configJson(dev)).toEqual({
      auth: 'cognito',
      apiUrl: `{${apiId(t)}.ApiEndpoint}`,
      stage: 'dev',
      authority: `{${userPoolId(t)}.ProviderURL}`,
      clientId: `{Ref:${clientId(t)}}`,
      loginDomain: `https://{Ref:${domainId(t)}}.auth.{Ref:AWS::Region}.amazoncognito.com`,
    });
  });
  it('invalidates /, /index.html and /config.json of this distribution on every deployment', () => {
    const deployment = props(dev.template, documents(dev.template));
    expect([deployment.DistributionId.Ref, [...deployment.DistributionPaths].sort()]).toEqual([
      distributionId(dev.template),
      ['/', '/config.json', '/index.html'],
    ]);
  });
  it('copies the hashed assets before the index.html that names them', () => {
    const t = dev.template;
    const assets = idsOf(t, 'Custom::CDKBucketDeployment').find((id) => id !== documents(t));
    expect(resources(t)[documents(t)]?.DependsOn).toContain(assets);
  });
  it("grants the copy only its sources, this bucket's objects and this distribution's invalidations", () => {
    const t = dev.template;
    const handler = onlyId(t, 'AWS::Lambda::Function', 'CustomCDKBucketDeployment');
    const roleId = props(t, handler).Role['Fn::GetAtt'][0];
    const statements = Object.values(resources(t))
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          r.Properties.Roles.some((role: { Ref: string }) => role.Ref === roleId),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
    const resourcesOf = (s: Statement) => [s.Resource].flat().map(flat);
    expect({
      managedPolicies: props(t, roleId).ManagedPolicyArns,
      wildcardActions: statements.flatMap(actionsOf).filter((a) => a.includes('*')),
      starResources: statements.filter((s) => resourcesOf(s).includes('*')),
      invalidations: statements
        .filter((s) => actionsOf(s).some((a) => a.startsWith('cloudfront:')))
        .map(resourcesOf),
      sources: statements
        .filter((s) => resourcesOf(s).some((r) => r.includes('cdk-hnb659fds-assets')))
        .flatMap(resourcesOf)
        .every((r) => r.endsWith('.zip')),
    }).toEqual({
      managedPolicies: undefined,
      wildcardActions: [],
      starResources: [],
      invalidations: [
        [`arn:{Ref:AWS::Partition}:cloudfront::{Ref:AWS::AccountId}:distribution/{Ref:${distributionId(t)}}`],
      ],
      sources: true,
    });
  });
});

describe('outputs', () => {
  it('outputs the console URL and the login domain', () => {
    const outputs = dev.template.findOutputs('*');
    expect([flat(outputs.ConsoleUrl?.Value), flat(outputs.LoginDomain?.Value)]).toEqual([
      `${consoleOrigin(dev.template)}/`,
      `https://{Ref:${domainId(dev.template)}}.auth.{Ref:AWS::Region}.amazoncognito.com`,
    ]);
  });
});

describe('a domain of its own (context consoleDomainName, consoleCertificateArn)', () => {
  const origin = `https://${CUSTOM_DOMAIN.consoleDomainName}`;

  it('serves the console on it with the certificate, TLS 1.2 or later', () => {
    const config = distributionConfig(custom.template);
    expect([config.Aliases, config.ViewerCertificate]).toEqual([
      [CUSTOM_DOMAIN.consoleDomainName],
      {
        AcmCertificateArn: CUSTOM_DOMAIN.consoleCertificateArn,
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      },
    ]);
  });
  it('sends sign-in back to it and allows CORS from it', () => {
    const t = custom.template;
    const c = props(t, clientId(t));
    const apiCors = JSON.parse(flat(props(t, onlyId(t, 'Custom::ConsoleApiCors')).Create));
    expect([c.CallbackURLs, c.LogoutURLs, apiCors.parameters.CorsConfiguration.AllowOrigins]).toEqual([
      [`${origin}/`],
      [`${origin}/`],
      [origin],
    ]);
  });
  it('needs no acknowledgement of the default certificate then', () => {
    const ids = (app: App) => acknowledgementsIn(app).map(({ id }) => id);
    expect([
      ids(dev.app).includes('AwsSolutions::AwsSolutions-CFR4'),
      ids(custom.app).includes('AwsSolutions::AwsSolutions-CFR4'),
    ]).toEqual([true, false]);
    expect(unacknowledgedFindings(custom.report)).toEqual([]);
  });
  it('refuses one without the other, and a certificate outside us-east-1', async () => {
    const builds = async (context: Record<string, unknown>) => {
      const app = await newApp(context);
      try {
        buildApp(app);
      } finally {
        await removeOutput(app);
      }
    };
    await expect(builds({ consoleDomainName: 'rectify.example.org' })).rejects.toThrow(
      /give both or neither/,
    );
    await expect(
      builds({
        ...CUSTOM_DOMAIN,
        consoleCertificateArn: CUSTOM_DOMAIN.consoleCertificateArn.replace('us-east-1', 'eu-west-1'),
      }),
    ).rejects.toThrow(/us-east-1/);
  });
});

describe('cdk-nag', () => {
  it('leaves no finding unacknowledged', () => {
    expect(unacknowledgedFindings(dev.report)).toEqual([]);
  });
  it("acknowledges for the console only what cannot be fixed: geo, WAF, the default certificate, the copy's object wildcard and CDK's handler runtime", () => {
    const acknowledged = acknowledgementsIn(dev.app)
      .filter(
        ({ path: at }) =>
          at.startsWith('Rectify-dev/Console/') || at.startsWith('Rectify-dev/Custom::CDKBucketDeployment'),
      )
      .map(
        ({ path: at, id }) =>
          `${at.replace(/^Rectify-dev\//, '')} ${id.replace('AwsSolutions::AwsSolutions-', '')}`,
      )
      .sort();
    expect(acknowledged).toEqual(
      [
        'Console/Distribution CFR1',
        'Console/Distribution CFR2',
        'Console/Distribution CFR4',
        `Console/DeployRole IAM5[Resource::<${consoleBucketId(dev.template)}.Arn>/*]`,
        'Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C L1',
      ].sort(),
    );
  });
});

describe('the console build, bundled offline by cdk synth', () => {
  let files: string[];
  let html: string;
  let bundleApp: App;
  beforeAll(async () => {
    bundleApp = await newApp({}, { bundle: true, cloudFormationValidation: false });
    const stack = new Stack(bundleApp, 'ConsoleBuild');
    const handlerRole = new Role(stack, 'Handler', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    });
    consoleBuild().bind(stack, { handlerRole });
    const asset = stack.node.findChild('Asset1') as Asset;
    const dir = path.join(bundleApp.outdir, asset.assetPath);
    files = (await readdir(dir, { recursive: true })).map((f) => String(f).split(path.sep).join('/'));
    html = await readFile(path.join(dir, 'index.html'), 'utf8');
  });
  afterAll(() => removeOutput(bundleApp));

  it('holds index.html and the hashed files it names, and no config.json (the stack writes that)', () => {
    const named = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    expect({
      index: files.includes('index.html'),
      config: files.includes('config.json'),
      named: named.length > 0 && named.every((file) => files.includes(file as string)),
    }).toEqual({ index: true, config: false, named: true });
  });
  it('has no inline script for the CSP to refuse', () => {
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });
});
