import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Access,
  type FunctionName,
  fallbackFunction,
  functions,
  httpRoutes,
  type Trigger,
} from '#catalog/functions.ts';
import { busRules, tables } from '#catalog/resources.ts';
import { buildApp } from '#infra/app.ts';
import { LOCK_CHANGING_ACTIONS } from '#infra/constructs/evidence-bucket.ts';
import type { RectifyStack } from '#infra/stack.ts';
import { ROLES } from '#shared/domain/roles.ts';
import {
  acknowledgementsIn,
  newApp,
  removeOutput,
  type Synthesis,
  staleAcknowledgements,
  synthesise,
  unacknowledgedFindings,
} from './synthesis.ts';

/** A piece of a synthesised template: JSON as CloudFormation reads it. */
type TemplateJson = ReturnType<Template['toJSON']>;

interface Synthesised extends Synthesis {
  readonly app: App;
  readonly stack: RectifyStack;
}

async function synthesiseStage(context: Record<string, unknown>): Promise<Synthesised> {
  const { app, stack } = buildApp(await newApp(context));
  return { app, stack, ...(await synthesise(app, stack)) };
}

/** A deployer's break-glass role (CDK context `breakGlassRoleArn`). */
const BREAK_GLASS = 'arn:aws:iam::123456789012:role/ops/rectify-break-glass';

let dev: Synthesised;
let prod: Synthesised;
beforeAll(async () => {
  dev = await synthesiseStage({ stage: 'dev' });
  // No evidenceLockMode: outside dev the mode is COMPLIANCE without being asked.
  prod = await synthesiseStage({ stage: 'prod', evidenceLockDays: 2555, breakGlassRoleArn: BREAK_GLASS });
});
afterAll(async () => {
  await Promise.all([removeOutput(dev?.app), removeOutput(prod?.app)]);
});

/** Properties of the only resource of `type`; fails if there is not exactly one. */
function single(synth: Synthesis, type: string, props: object = {}) {
  const found = Object.values(synth.template.findResources(type, props));
  const [resource] = found;
  if (found.length !== 1 || !resource) throw new Error(`expected one ${type}, found ${found.length}`);
  return resource;
}
const ledgerTable = (synth: Synthesis) => single(synth, 'AWS::DynamoDB::GlobalTable');
const evidenceBucket = (synth: Synthesis) =>
  single(synth, 'AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } });
const userPool = (synth: Synthesis) => single(synth, 'AWS::Cognito::UserPool').Properties;
const clients = (synth: Synthesis) =>
  Object.values(synth.template.findResources('AWS::Cognito::UserPoolClient')).map(
    (client) => client.Properties,
  );
/** The user attributes access is decided by: only admins may set them. */
const ACCESS_ATTRIBUTES = ['custom:department', 'custom:leaderId', 'name'];

/** A statement of a synthesised IAM, bucket or key policy. */
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const actionsOf = (statement: Statement) => [statement.Action].flat();

/** The logical id of a manifest function's execution role. */
function roleLogicalId(synth: Synthesised, name: FunctionName): string {
  const role = synth.stack.functions.get(name)?.role;
  if (!role) throw new Error(`no role for ${name}`);
  return synth.stack.getLogicalId(role.node.defaultChild as CfnElement);
}
/** Every statement of the IAM policies attached to a manifest function's role. */
function roleStatements(synth: Synthesised, name: FunctionName): Statement[] {
  const roleId = roleLogicalId(synth, name);
  return Object.values(synth.template.findResources('AWS::IAM::Policy'))
    .filter((policy) => policy.Properties.Roles.some((role: { Ref?: string }) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
}

const evidenceBucketId = (synth: Synthesis) =>
  Object.keys(
    synth.template.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } }),
  )[0];
/** The evidence bucket policy's statement denying lock changes. */
function lockDenial(synth: Synthesis): Statement | undefined {
  const policy = Object.values(synth.template.findResources('AWS::S3::BucketPolicy')).find(
    (candidate) => candidate.Properties.Bucket.Ref === evidenceBucketId(synth),
  );
  const found = (policy?.Properties.PolicyDocument.Statement as Statement[] | undefined)?.find(
    (statement) => statement.Effect === 'Deny' && actionsOf(statement).includes('s3:DeleteObjectVersion'),
  );
  if (!found) return undefined;
  const { Sid: _sid, ...rest } = found as Statement & { Sid?: string };
  return { ...rest, Action: actionsOf(rest).sort() };
}

/** Builds (without synthesising) the app with `context`; rejects as the CLI would fail. */
async function buildsWith(context: Record<string, unknown>): Promise<void> {
  const app = await newApp(context);
  try {
    buildApp(app);
  } finally {
    await removeOutput(app);
  }
}

/** Each manifest function's Lambda properties, by manifest name. */
function lambdasByName(synth: Synthesised) {
  const resources = synth.template.findResources('AWS::Lambda::Function');
  return Object.fromEntries(
    [...synth.stack.functions].map(([name, fn]) => {
      const logicalId = synth.stack.getLogicalId(fn.node.defaultChild as CfnElement);
      return [name, resources[logicalId]?.Properties];
    }),
  ) as Record<FunctionName, TemplateJson>;
}
/** Every manifest function's Lambda properties (CDK's own deploy-time handlers are apart). */
const lambdas = (synth: Synthesised) => Object.values(lambdasByName(synth));
/** CDK's bucket-notification custom resource: runs at deployment only, with its own role. */
const NOTIFICATIONS_HANDLER = /^BucketNotificationsHandler/;
const isNotificationsHandler = (logicalId: string) => NOTIFICATIONS_HANDLER.test(logicalId);
/**
 * CDK's deploy-time handlers of the console's hosting (infra/constructs/console-hosting.ts): the
 * copy of the build into its bucket, and the SDK calls that set CORS for the console's origin.
 * Both run with roles of ours, without managed policies.
 */
const CONSOLE_DEPLOY_HANDLERS =
  /^(CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C|AWS679f53fac002430cb0da5b7982bd2287)/;

describe('ledger table', () => {
  it('has the keys and global indexes of catalog/resources.ts', () => {
    const definition = tables.ledger;
    expect({
      keys: ledgerTable(dev).Properties.KeySchema,
      indexes: ledgerTable(dev).Properties.GlobalSecondaryIndexes.map(
        (index: { IndexName: string; KeySchema: unknown }) => [index.IndexName, index.KeySchema],
      ),
    }).toEqual({
      keys: [
        { AttributeName: definition.partitionKey, KeyType: 'HASH' },
        { AttributeName: definition.sortKey, KeyType: 'RANGE' },
      ],
      indexes: definition.globalIndexes.map((index) => [
        index.name,
        [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
      ]),
    });
  });
  it('has point-in-time recovery', () => {
    expect(ledgerTable(dev).Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
  });
  it('streams new and old images', () => {
    expect(ledgerTable(dev).Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
  });
  it('bills on demand', () => {
    expect(ledgerTable(dev).Properties.BillingMode).toBe('PAY_PER_REQUEST');
  });
  it('is encrypted at rest with a KMS key', () => {
    expect(ledgerTable(dev).Properties.SSESpecification).toEqual({ SSEEnabled: true, SSEType: 'KMS' });
  });
  it('expires items by the TTL attribute of catalog/resources.ts', () => {
    expect(ledgerTable(dev).Properties.TimeToLiveSpecification).toEqual({
      AttributeName: tables.ledger.timeToLiveAttribute,
      Enabled: true,
    });
  });
  it('is protected from deletion outside dev', () => {
    expect(ledgerTable(prod).Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
  });
  it('is retained when a stack outside dev is deleted', () => {
    expect(ledgerTable(prod).DeletionPolicy).toBe('Retain');
  });
  it('is not protected from deletion in dev', () => {
    expect(ledgerTable(dev).Properties.Replicas[0].DeletionProtectionEnabled).toBe(false);
  });
  it('is deleted with a dev stack', () => {
    expect(ledgerTable(dev).DeletionPolicy).toBe('Delete');
  });
});

describe('evidence bucket', () => {
  it('blocks all public access', () => {
    expect(evidenceBucket(dev).Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });
  it('is encrypted at rest', () => {
    expect(evidenceBucket(dev).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });
  it('is versioned', () => {
    expect(evidenceBucket(dev).Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });
  it('has Object Lock with a default GOVERNANCE retention of 365 days by default', () => {
    expect(evidenceBucket(dev).Properties.ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } },
    });
  });
  it('locks in COMPLIANCE mode outside dev, for the period from context', () => {
    expect(evidenceBucket(prod).Properties.ObjectLockConfiguration.Rule).toEqual({
      DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 },
    });
  });
  it('refuses GOVERNANCE outside dev', async () => {
    await expect(buildsWith({ stage: 'prod', evidenceLockMode: 'GOVERNANCE' })).rejects.toThrow(
      /evidenceLockMode must be COMPLIANCE outside the dev stage/,
    );
  });
  it('refuses a break-glass role that is not a role ARN', async () => {
    await expect(buildsWith({ breakGlassRoleArn: 'arn:aws:iam::123456789012:user/someone' })).rejects.toThrow(
      /breakGlassRoleArn must be an IAM role ARN/,
    );
  });
  it('denies erasing versions and changing locks to everyone when no break-glass role is set', () => {
    expect(lockDenial(dev)).toEqual({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [...LOCK_CHANGING_ACTIONS].sort(),
      Resource: [
        { 'Fn::GetAtt': [evidenceBucketId(dev), 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [evidenceBucketId(dev), 'Arn'] }, '/*']] },
      ],
    });
  });
  it('exempts the break-glass role, and no one else, from that denial', () => {
    expect(lockDenial(prod)?.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': BREAK_GLASS } });
  });
  it('aborts incomplete multipart uploads after 7 days', () => {
    expect(evidenceBucket(dev).Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        Status: 'Enabled',
      }),
    );
  });
  it('logs access to a separate, private, encrypted bucket', () => {
    const logBucketId = evidenceBucket(dev).Properties.LoggingConfiguration.DestinationBucketName.Ref;
    const logBucket = dev.template.findResources('AWS::S3::Bucket')[logBucketId]?.Properties;
    expect({
      public: logBucket?.PublicAccessBlockConfiguration,
      encryption:
        logBucket?.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault,
    }).toEqual({
      public: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      encryption: { SSEAlgorithm: 'AES256' },
    });
  });
  it('denies every request without TLS, on every bucket', () => {
    const bucketIds = Object.keys(dev.template.findResources('AWS::S3::Bucket'));
    const denyingInsecure = Object.values(dev.template.findResources('AWS::S3::BucketPolicy'))
      .filter((policy) =>
        policy.Properties.PolicyDocument.Statement.some(
          (statement: { Effect: string; Action: string; Condition?: unknown }) =>
            statement.Effect === 'Deny' &&
            statement.Action === 's3:*' &&
            JSON.stringify(statement.Condition) ===
              JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
        ),
      )
      .map((policy) => policy.Properties.Bucket.Ref);
    expect(denyingInsecure.sort()).toEqual(bucketIds.sort());
  });
  it('is retained when a stack outside dev is deleted', () => {
    expect(evidenceBucket(prod).DeletionPolicy).toBe('Retain');
  });
});

describe('function permissions (least privilege)', () => {
  const ledgerWriters = Object.entries(functions)
    .filter(([, spec]) =>
      (spec.access as readonly Access[]).some(
        (a) => 'table' in a && a.table === 'ledger' && a.mode === 'readWrite',
      ),
    )
    .map(([name]) => name as FunctionName);
  const chainKeys = (statement: Statement) =>
    statement.Condition?.['ForAnyValue:StringLike']?.['dynamodb:LeadingKeys'];

  it('denies every ledger writer updating or deleting chain records', () => {
    const denied = (name: FunctionName) =>
      roleStatements(dev, name)
        .filter((statement) => statement.Effect === 'Deny')
        .filter((statement) =>
          ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'].every((a) => actionsOf(statement).includes(a)),
        )
        .map(chainKeys);
    expect(ledgerWriters.map((name) => [name, denied(name)])).toEqual(
      ledgerWriters.map((name) => [name, [['CHAIN#*', 'INSPCHAIN#*']]]),
    );
  });
  it('denies batch writes to item chains to every ledger writer but the importer, and to the inspection chain to all', () => {
    const batchDenied = (name: FunctionName) =>
      roleStatements(dev, name)
        .filter(
          (statement) =>
            statement.Effect === 'Deny' && actionsOf(statement).includes('dynamodb:BatchWriteItem'),
        )
        .flatMap(chainKeys);
    expect(Object.fromEntries(ledgerWriters.map((name) => [name, batchDenied(name)]))).toEqual(
      Object.fromEntries(
        ledgerWriters.map((name) => [
          name,
          name === 'importPlan' ? ['INSPCHAIN#*'] : ['CHAIN#*', 'INSPCHAIN#*'],
        ]),
      ),
    );
  });
  it('allows functions only the object actions they use: no version erasure, retention, legal hold or bypass', () => {
    const allowed = new Set(
      [...dev.stack.functions.keys()].flatMap((name) =>
        roleStatements(dev, name)
          .filter((statement) => statement.Effect === 'Allow')
          .flatMap(actionsOf)
          .filter((action) => action.startsWith('s3:')),
      ),
    );
    expect([...allowed].sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetObject',
      's3:GetObjectVersion',
      's3:ListBucketMultipartUploads',
      's3:PutObject',
    ]);
  });
  it('lets only the evidence verifier delete (add delete markers), and only under uploads/', () => {
    // Statements on one resource are merged (minimizePolicies): the delete's is uploads/* alone.
    const deleters = [...dev.stack.functions.keys()].flatMap((name) =>
      roleStatements(dev, name)
        .filter(
          (statement) => statement.Effect === 'Allow' && actionsOf(statement).includes('s3:DeleteObject'),
        )
        .map((statement) => [name, JSON.stringify(statement.Resource).match(/\/[a-z]+\/\*/g)]),
    );
    expect(deleters).toEqual([['verifyEvidence', ['/uploads/*']]]);
  });
  it('grants s3:ListBucket to no function without an s3:prefix condition', () => {
    const lists = (action: string) => /^s3:(ListBucket|List\*|\*)$/.test(action);
    const unconditioned = [...dev.stack.functions.keys()].filter((name) =>
      roleStatements(dev, name).some(
        (statement) =>
          statement.Effect === 'Allow' &&
          actionsOf(statement).some(lists) &&
          !statement.Condition?.StringLike?.['s3:prefix'],
      ),
    );
    expect(unconditioned).toEqual([]);
  });
});

describe('archive signing key', () => {
  const builderArn = () => ({ 'Fn::GetAtt': [roleLogicalId(dev, 'buildArchive'), 'Arn'] });
  const keyPolicy = (): Statement[] => single(dev, 'AWS::KMS::Key').Properties.KeyPolicy.Statement;

  it("allows kms:Sign in its key policy to the archive builder's role only", () => {
    const signers = keyPolicy()
      .filter((statement) => statement.Effect === 'Allow' && actionsOf(statement).includes('kms:Sign'))
      .map((statement) => statement.Principal);
    expect(signers).toEqual([{ AWS: builderArn() }]);
  });
  it("denies kms:Sign to every principal but the builder's role, whatever the account's IAM policies allow", () => {
    const denials = keyPolicy().filter(
      (statement) => statement.Effect === 'Deny' && actionsOf(statement).includes('kms:Sign'),
    );
    expect(denials).toEqual([
      expect.objectContaining({
        Principal: { AWS: '*' },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [builderArn()] } },
      }),
    ]);
  });
  it('is signed with by no function role but the builder’s', () => {
    const signers = [...dev.stack.functions.keys()].filter((name) =>
      roleStatements(dev, name).some(
        (statement) =>
          statement.Effect === 'Allow' && actionsOf(statement).some((a) => a === 'kms:Sign' || a === 'kms:*'),
      ),
    );
    expect(signers).toEqual(['buildArchive']);
  });
});

describe('functions', () => {
  it('creates one function per manifest entry', () => {
    expect(Object.keys(lambdasByName(dev)).sort()).toEqual(Object.keys(functions).sort());
  });
  it('runs every function on nodejs24.x', () => {
    expect(new Set(lambdas(dev).map((fn) => fn.Runtime))).toEqual(new Set(['nodejs24.x']));
  });
  it('runs every function on arm64', () => {
    expect(new Set(lambdas(dev).map((fn) => fn.Architectures.join()))).toEqual(new Set(['arm64']));
  });
  it('logs JSON from every function', () => {
    expect(new Set(lambdas(dev).map((fn) => fn.LoggingConfig.LogFormat))).toEqual(new Set(['JSON']));
  });
  it('traces every function with X-Ray', () => {
    expect(new Set(lambdas(dev).map((fn) => fn.TracingConfig.Mode))).toEqual(new Set(['Active']));
  });
  it('gives every function a log group of its own with a one-month retention', () => {
    const logGroups = dev.template.findResources('AWS::Logs::LogGroup');
    const groups = lambdas(dev).map((fn) => fn.LoggingConfig.LogGroup.Ref);
    expect({
      distinct: new Set(groups).size,
      retention: new Set(groups.map((id) => logGroups[id]?.Properties.RetentionInDays)),
    }).toEqual({ distinct: lambdas(dev).length, retention: new Set([30]) });
  });
  it('sizes every function as the manifest says', () => {
    const sizes = Object.entries(lambdasByName(dev)).map(([name, fn]) => [name, fn.MemorySize, fn.Timeout]);
    expect(sizes).toEqual(
      Object.entries(functions).map(([name, spec]) => [name, spec.memoryMiB, spec.timeoutSeconds]),
    );
  });
  it('starts every function with source maps, and the streaming ones with their flat-memory flags', () => {
    const options = Object.entries(lambdasByName(dev)).map(([name, fn]) => [
      name,
      fn.Environment.Variables.NODE_OPTIONS,
    ]);
    expect(options).toEqual(
      Object.entries(functions).map(([name, spec]) => [
        name,
        ['--enable-source-maps', ...('nodeOptions' in spec ? spec.nodeOptions : [])].join(' '),
      ]),
    );
    expect(lambdasByName(dev).verifyEvidence.Environment.Variables.NODE_OPTIONS).toBe(
      '--enable-source-maps --max-semi-space-size=1',
    );
  });
  it('tells exactly the functions that may use the ledger where it is', () => {
    const told = Object.entries(lambdasByName(dev))
      .filter(([, fn]) => tables.ledger.envVar in fn.Environment.Variables)
      .map(([name]) => name);
    const allowed = Object.entries(functions)
      .filter(([, spec]) => spec.access.some((access) => 'table' in access && access.table === 'ledger'))
      .map(([name]) => name);
    expect(told).toEqual(allowed);
  });
  it('attaches no managed policy to any role but that of the CDK deploy-time notification handler', () => {
    const roles = Object.entries(dev.template.findResources('AWS::IAM::Role'));
    const managed = roles
      .filter(([, role]) => (role.Properties.ManagedPolicyArns ?? []).length > 0)
      .map(([id]) => id);
    expect(managed.every(isNotificationsHandler)).toBe(true);
    expect(managed.length).toBeLessThanOrEqual(1);
  });
  it("has no Lambda function besides the manifest functions and CDK's notification and console deployment handlers", () => {
    const manifestIds = new Set(
      [...dev.stack.functions.values()].map((fn) =>
        dev.stack.getLogicalId(fn.node.defaultChild as CfnElement),
      ),
    );
    const others = Object.keys(dev.template.findResources('AWS::Lambda::Function')).filter(
      (id) => !manifestIds.has(id),
    );
    expect(others.filter((id) => !isNotificationsHandler(id) && !CONSOLE_DEPLOY_HANDLERS.test(id))).toEqual(
      [],
    );
    expect(others.filter((id) => CONSOLE_DEPLOY_HANDLERS.test(id))).toHaveLength(2);
  });
  it('grants nothing on Resource * but the two X-Ray actions active tracing needs', () => {
    const wildcardGrants = Object.values(dev.template.findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .filter((statement: { Resource: unknown }) => [statement.Resource].flat().includes('*'))
      .map((statement: { Action: string | string[] }) => [statement.Action].flat().sort().join(' '));
    expect(new Set(wildcardGrants)).toEqual(new Set(['xray:PutTelemetryRecords xray:PutTraceSegments']));
  });
});

describe('HTTP API', () => {
  const routes = () =>
    Object.values(dev.template.findResources('AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
  const authorizationOf = (routeKeys: string[]) =>
    routes()
      .filter((route) => routeKeys.includes(route.RouteKey))
      .map((route) => [route.RouteKey, route.AuthorizationType, route.AuthorizerId?.Ref]);
  const jwtAuthorizerId = () => Object.keys(dev.template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

  it('has one route per manifest HTTP trigger, and $default', () => {
    expect(routes().map((route) => route.RouteKey)).toEqual([
      ...httpRoutes().map((route) => `${route.method} ${route.path}`),
      '$default',
    ]);
  });
  it('sends each route to its manifest function, and $default to the fallback function', () => {
    const integrations = dev.template.findResources('AWS::ApiGatewayV2::Integration');
    const functionIds = new Map(
      [...dev.stack.functions].map(([name, fn]) => [
        dev.stack.getLogicalId(fn.node.defaultChild as CfnElement),
        name,
      ]),
    );
    const targets = routes().map((route) => {
      const integrationId = route.Target['Fn::Join'][1][1].Ref;
      const functionId = integrations[integrationId]?.Properties.IntegrationUri['Fn::GetAtt'][0];
      return [route.RouteKey, functionIds.get(functionId)];
    });
    expect(targets).toEqual([
      ...httpRoutes().map((route) => [`${route.method} ${route.path}`, route.functionName]),
      ['$default', fallbackFunction()],
    ]);
  });
  it('puts the JWT authorizer on every route that is not public', () => {
    const protectedKeys = httpRoutes()
      .filter((route) => route.auth !== 'public')
      .map((route) => `${route.method} ${route.path}`);
    expect(authorizationOf(protectedKeys)).toEqual(
      protectedKeys.map((key) => [key, 'JWT', jwtAuthorizerId()]),
    );
  });
  it('leaves GET /health and $default without an authorizer', () => {
    expect(authorizationOf(['GET /health', '$default'])).toEqual([
      ['GET /health', 'NONE', undefined],
      ['$default', 'NONE', undefined],
    ]);
  });
  it('leaves every route the manifest calls public without an authorizer', () => {
    const publicKeys = httpRoutes()
      .filter((route) => route.auth === 'public')
      .map((route) => `${route.method} ${route.path}`);
    expect(authorizationOf(publicKeys)).toEqual(publicKeys.map((key) => [key, 'NONE', undefined]));
  });
  it('accepts ID tokens of the user pool client: issuer is the pool, audience the client id', () => {
    const authorizer = single(dev, 'AWS::ApiGatewayV2::Authorizer').Properties;
    expect(authorizer.JwtConfiguration).toEqual({
      Issuer: {
        'Fn::GetAtt': [Object.keys(dev.template.findResources('AWS::Cognito::UserPool'))[0], 'ProviderURL'],
      },
      Audience: [{ Ref: Object.keys(dev.template.findResources('AWS::Cognito::UserPoolClient'))[0] }],
    });
  });
  it('logs every request on the stage', () => {
    const stage = single(dev, 'AWS::ApiGatewayV2::Stage').Properties;
    expect(Object.keys(dev.template.findResources('AWS::Logs::LogGroup'))).toContain(
      stage.AccessLogSettings.DestinationArn['Fn::GetAtt'][0],
    );
  });
  it('outputs the API URL, user pool id, client id, issuer, archive signing key, console URL and login domain', () => {
    expect(Object.keys(dev.template.findOutputs('*')).sort()).toEqual(
      [
        'ApiUrl',
        'ArchiveSigningKeyArn',
        'ConsoleUrl',
        'Issuer',
        'LoginDomain',
        'UserPoolClientId',
        'UserPoolId',
      ].sort(),
    );
  });
});

describe('user pool', () => {
  it('has one group per role', () => {
    const groups = Object.values(dev.template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((group) => group.Properties.GroupName).sort()).toEqual([...ROLES].sort());
  });
  it('has the string attribute behind the custom:department claim', () => {
    expect(userPool(dev).Schema).toContainEqual(
      expect.objectContaining({ Name: 'department', AttributeDataType: 'String', Mutable: true }),
    );
  });
  it('has the string attribute behind the custom:leaderId claim, changeable by admins', () => {
    expect(userPool(dev).Schema).toContainEqual(
      expect.objectContaining({ Name: 'leaderId', AttributeDataType: 'String', Mutable: true }),
    );
  });
  it('lets no client write the attributes access depends on (an empty list would allow all)', () => {
    const writable = clients(dev).map((client) => client.WriteAttributes);
    expect(writable).toEqual(clients(dev).map(() => expect.arrayContaining([expect.any(String)])));
    expect(writable.flat().filter((attribute) => ACCESS_ATTRIBUTES.includes(attribute))).toEqual([]);
  });
  it('lets users change only their locale and time zone', () => {
    expect(clients(dev).map((client) => client.WriteAttributes)).toEqual([['locale', 'zoneinfo']]);
  });
  it('puts the attributes access depends on in the tokens of every client', () => {
    expect(
      clients(dev).map((client) => ACCESS_ATTRIBUTES.filter((a) => client.ReadAttributes?.includes(a))),
    ).toEqual(clients(dev).map(() => ACCESS_ATTRIBUTES));
  });
  it('requires the standard name attribute', () => {
    expect(userPool(dev).Schema).toContainEqual({ Name: 'name', Required: true, Mutable: true });
  });
  it('does not let users sign themselves up', () => {
    expect(userPool(dev).AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: true });
  });
  it('requires a second factor', () => {
    expect(userPool(dev).MfaConfiguration).toBe('ON');
  });
  it('requires strong passwords', () => {
    expect(userPool(dev).Policies.PasswordPolicy).toMatchObject({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      RequireUppercase: true,
    });
  });
  it('enforces threat protection', () => {
    expect(userPool(dev).UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
  });
  it('gives callers a client without a secret whose only OAuth flow is the authorization code grant', () => {
    const client = single(dev, 'AWS::Cognito::UserPoolClient').Properties;
    expect([client.GenerateSecret, client.AllowedOAuthFlows]).toEqual([false, ['code']]);
  });
});

describe('validation: cdk-nag (AwsSolutions) and CloudFormation checks', () => {
  it('runs cdk-nag as a validation plugin of the app', () => {
    expect(dev.report.pluginReports.map((plugin) => plugin.pluginName)).toContain('AwsSolutions');
  });
  it('leaves no finding unacknowledged in dev', () => {
    expect(unacknowledgedFindings(dev.report)).toEqual([]);
  });
  it('leaves no finding unacknowledged outside dev', () => {
    expect(unacknowledgedFindings(prod.report)).toEqual([]);
  });
  it('lets the synthesis succeed', () => {
    expect(dev.synthError).toBeUndefined();
  });
  it('has a written reason for every acknowledgement', () => {
    const unexplained = acknowledgementsIn(dev.app).filter(({ reason }) => reason.trim().length < 20);
    expect(unexplained).toEqual([]);
  });
  it('has no acknowledgement that matches nothing', () => {
    expect(staleAcknowledgements(dev.app, dev.report)).toEqual([]);
  });
});

describe('queues', () => {
  it('gives the evidence-upload queue a dead-letter queue after 5 receives, encrypted', () => {
    dev.template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { maxReceiveCount: 5, deadLetterTargetArn: Match.anyValue() },
      SqsManagedSseEnabled: true,
    });
  });
  it('sends ObjectCreated under uploads/ of the evidence bucket to that queue', () => {
    dev.template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          Match.objectLike({
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
          }),
        ],
      },
    });
  });
});

describe('events', () => {
  const functionLogicalId = (synth: Synthesised, name: FunctionName) => {
    const fn = synth.stack.functions.get(name);
    if (!fn) throw new Error(`no function ${name}`);
    return synth.stack.getLogicalId(fn.node.defaultChild as CfnElement);
  };

  it('feeds the ledger stream to the publisher from the oldest record, with partial batch responses and an on-failure queue', () => {
    const publisher = functionLogicalId(dev, 'publishEvents');
    const mappings = Object.values(dev.template.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (mapping) => mapping.Properties.FunctionName.Ref === publisher,
    );
    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^LedgerTable/), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^Queuesunpublished/), 'Arn'] } },
      },
    });
  });

  it('fires each schedule in the configured time zone with retries and a dead-letter queue', () => {
    const schedules = Object.values(dev.template.findResources('AWS::Scheduler::Schedule'));
    const declared = Object.values(functions).flatMap((spec) =>
      (spec.triggers as readonly Trigger[]).flatMap((trigger) =>
        trigger.kind === 'schedule' ? [trigger] : [],
      ),
    );
    expect(
      schedules.map((schedule) => ({
        expression: schedule.Properties.ScheduleExpression,
        timezone: schedule.Properties.ScheduleExpressionTimezone,
        input: JSON.parse(schedule.Properties.Target.Input),
        retries: schedule.Properties.Target.RetryPolicy.MaximumRetryAttempts,
        deadLetter: Boolean(schedule.Properties.Target.DeadLetterConfig?.Arn),
      })),
    ).toEqual(
      declared.map((trigger) => ({
        expression: trigger.cron,
        timezone: 'Asia/Shanghai',
        input: { schedule: trigger.name, scheduledTime: '<aws.scheduler.scheduled-time>' },
        retries: 3,
        deadLetter: true,
      })),
    );
  });

  it('makes the weekly summaries on Monday 09:00 in Asia/Shanghai, and sweeps hourly for other slots', () => {
    const schedules = Object.values(dev.template.findResources('AWS::Scheduler::Schedule')).map(
      (schedule) => ({
        name: JSON.parse(schedule.Properties.Target.Input).schedule,
        expression: schedule.Properties.ScheduleExpression,
        timezone: schedule.Properties.ScheduleExpressionTimezone,
        state: schedule.Properties.State,
      }),
    );
    expect(schedules).toContainEqual({
      name: 'summaries',
      expression: 'cron(0 9 ? * MON *)',
      timezone: 'Asia/Shanghai',
      state: 'ENABLED',
    });
    expect(schedules).toContainEqual({
      name: 'summaries-hourly',
      expression: 'cron(0 * * * ? *)',
      timezone: 'Asia/Shanghai',
      state: 'ENABLED',
    });
  });

  it('routes each bus rule’s detail-types from the rectify source to its queue', () => {
    const rules = Object.values(dev.template.findResources('AWS::Events::Rule'));
    expect(
      rules.map((rule) => ({
        pattern: rule.Properties.EventPattern,
        targets: rule.Properties.Targets.length,
        bus: Boolean(rule.Properties.EventBusName),
      })),
    ).toEqual(
      Object.values(busRules).map((rule) => ({
        pattern: { source: ['rectify'], 'detail-type': [...rule.detailTypes] },
        targets: 1,
        bus: true,
      })),
    );
  });

  it('lets EventBridge send to a consumer queue only from its rule', () => {
    const policies = Object.values(dev.template.findResources('AWS::SQS::QueuePolicy'));
    const fromEvents = policies.flatMap((policy) =>
      policy.Properties.PolicyDocument.Statement.filter(
        (statement: { Principal?: { Service?: string } }) =>
          statement.Principal?.Service === 'events.amazonaws.com',
      ),
    );
    expect(fromEvents).toHaveLength(Object.keys(busRules).length);
    expect(fromEvents).toEqual(
      expect.arrayContaining(
        Object.entries(busRules).map(([name, rule]) => ({
          Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
          Condition: {
            ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(`^Rules${name}`), 'Arn'] } },
          },
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Resource: { 'Fn::GetAtt': [expect.stringMatching(`^Queues${rule.queue}`), 'Arn'] },
        })),
      ),
    );
  });
});
