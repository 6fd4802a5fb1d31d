import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fallbackFunction, functions, httpRoutes } from '#functions/manifest.ts';
import { ROLES } from '#shared/domain/roles.ts';
import { buildApp } from '../../infra/app.ts';

interface NagReport {
  pluginReports: {
    pluginName: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    suppressedViolations: { ruleName: string; reason: string; acknowledgedId: string }[];
  }[];
}

/** Synthesises the app as `cdk synth` does (cdk-nag included) into a temp dir. */
function synthesise(context: Record<string, unknown>) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'rectify-synth-'));
  const { app, stack } = buildApp(new App({ outdir, context }));
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8')) as NagReport;
  return { outdir, template, report };
}

let dev: ReturnType<typeof synthesise>;
let prod: ReturnType<typeof synthesise>;
beforeAll(() => {
  dev = synthesise({ stage: 'dev' });
  // Bundling is the slow part and proves nothing new for a second stage: skip it there.
  prod = synthesise({ stage: 'prod', evidenceLockMode: 'COMPLIANCE', 'aws:cdk:bundling-stacks': [] });
});
afterAll(() => {
  for (const synth of [dev, prod]) if (synth) rmSync(synth.outdir, { recursive: true, force: true });
});

describe('ledger table', () => {
  it('has point-in-time recovery', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
    });
  });
  it('streams new and old images', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
  });
  it('bills on demand', () => {
    dev.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { BillingMode: 'PAY_PER_REQUEST' });
  });
  it('is protected from deletion and retained outside dev', () => {
    prod.template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] }),
    });
  });
  it('is disposable in dev', () => {
    dev.template.hasResource('AWS::DynamoDB::GlobalTable', { DeletionPolicy: 'Delete' });
  });
});

describe('evidence bucket', () => {
  const evidence = () => {
    const buckets = dev.template.findResources('AWS::S3::Bucket', {
      Properties: { ObjectLockEnabled: true },
    });
    expect(Object.keys(buckets)).toHaveLength(1);
    return Object.values(buckets)[0]?.Properties;
  };
  it('blocks all public access', () => {
    expect(evidence().PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });
  it('is encrypted', () => {
    expect(
      evidence().BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault
        .SSEAlgorithm,
    ).toBe('AES256');
  });
  it('is versioned', () => {
    expect(evidence().VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });
  it('has Object Lock with a default retention (governance in dev, compliance when configured)', () => {
    expect(evidence().ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
    });
    prod.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } },
      },
    });
  });
  it('aborts incomplete multipart uploads after 7 days', () => {
    expect(evidence().LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Status: 'Enabled',
      }),
    );
  });
  it('logs access to a separate bucket', () => {
    expect(evidence().LoggingConfiguration.DestinationBucketName).toBeDefined();
  });
  it('refuses requests without TLS, on every bucket', () => {
    const policies = dev.template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies).length).toBe(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
  it('is retained outside dev', () => {
    prod.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ ObjectLockEnabled: true }),
    });
  });
});

describe('functions', () => {
  const lambdas = () =>
    Object.values(dev.template.findResources('AWS::Lambda::Function')).map((r) => r.Properties);
  it('creates one function per manifest entry', () => {
    expect(lambdas()).toHaveLength(Object.keys(functions).length);
  });
  it('runs every function on nodejs24.x, arm64, with JSON logs and tracing', () => {
    for (const fn of lambdas()) {
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.LoggingConfig.LogFormat).toBe('JSON');
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });
  it('gives every function a log group with a retention', () => {
    for (const group of Object.values(dev.template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
  it('grants no action on Resource * except the X-Ray actions tracing needs', () => {
    const policies = Object.values(dev.template.findResources('AWS::IAM::Policy'));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const resources = [statement.Resource].flat();
        if (resources.includes('*')) {
          expect([statement.Action].flat().every((action: string) => action.startsWith('xray:'))).toBe(true);
        }
      }
    }
  });
});

describe('HTTP API', () => {
  const routes = () =>
    Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  it('declares one route per manifest route, plus $default', () => {
    const keys = routes()
      .map((route) => route.RouteKey)
      .sort();
    expect(keys).toEqual([...httpRoutes().map((r) => `${r.method} ${r.path}`), '$default'].sort());
    expect(fallbackFunction()).toBe('routeNotFound');
  });
  it('puts the JWT authorizer on every route except the public ones and $default', () => {
    const open = new Set([
      ...httpRoutes()
        .filter((r) => r.auth === 'public')
        .map((r) => `${r.method} ${r.path}`),
      '$default',
    ]);
    for (const route of routes()) {
      if (open.has(route.RouteKey)) expect(route.AuthorizationType ?? 'NONE').toBe('NONE');
      else expect(route.AuthorizationType, route.RouteKey).toBe('JWT');
    }
  });
  it('backs the authorizer with the Cognito user pool and its client as audience', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [Match.anyValue()], Issuer: Match.anyValue() },
    });
  });
  it('has a user pool group per role and the department attribute', () => {
    const groups = Object.values(dev.template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([Match.objectLike({ Name: 'department', AttributeDataType: 'String' })]),
    });
  });
  it('does not let users sign themselves up', () => {
    dev.template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });
  it('logs access on the stage', () => {
    dev.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('cdk-nag (AwsSolutions)', () => {
  it('reports no unacknowledged finding', () => {
    const nag = dev.report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    expect(nag?.violations.map((v) => `${v.ruleName} at ${v.violatingConstructs[0]?.constructPath}`)).toEqual(
      [],
    );
  });
  it('has a written reason for every acknowledgement', () => {
    const nag = dev.report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    for (const suppressed of nag?.suppressedViolations ?? []) {
      expect(suppressed.reason.trim().length, suppressed.acknowledgedId).toBeGreaterThan(20);
    }
  });
});
