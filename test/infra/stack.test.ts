import type { App, CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FunctionName,
  fallbackFunction,
  functions,
  httpRoutes,
  type Trigger,
} from '#functions/manifest.ts';
import { buildApp } from '#infra/app.ts';
import { busRules, tables } from '#infra/resources.ts';
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

let dev: Synthesised;
let prod: Synthesised;
beforeAll(async () => {
  dev = await synthesiseStage({ stage: 'dev' });
  prod = await synthesiseStage({ stage: 'prod', evidenceLockMode: 'COMPLIANCE', evidenceLockDays: 2555 });
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

describe('ledger table', () => {
  it('has the keys and global indexes of infra/resources.ts', () => {
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
  it('expires items by the TTL attribute of infra/resources.ts', () => {
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
  it('takes the lock mode and period from context', () => {
    expect(evidenceBucket(prod).Properties.ObjectLockConfiguration.Rule).toEqual({
      DefaultRetention: { Mode: 'COMPLIANCE', Days: 2555 },
    });
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
  it('has no Lambda function besides the manifest functions and the CDK notification handler', () => {
    const manifestIds = new Set(
      [...dev.stack.functions.values()].map((fn) =>
        dev.stack.getLogicalId(fn.node.defaultChild as CfnElement),
      ),
    );
    const others = Object.keys(dev.template.findResources('AWS::Lambda::Function')).filter(
      (id) => !manifestIds.has(id),
    );
    expect(others.every(isNotificationsHandler)).toBe(true);
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
  it('outputs the API URL, user pool id, client id, issuer and the archive signing key', () => {
    expect(Object.keys(dev.template.findOutputs('*')).sort()).toEqual(
      ['ApiUrl', 'ArchiveSigningKeyArn', 'Issuer', 'UserPoolClientId', 'UserPoolId'].sort(),
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
  it('gives callers a client without a secret and without OAuth flows', () => {
    const client = single(dev, 'AWS::Cognito::UserPoolClient').Properties;
    expect([client.GenerateSecret, client.AllowedOAuthFlows]).toEqual([false, undefined]);
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
