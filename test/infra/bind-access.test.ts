/**
 * bindAccess for every access mode the manifest can declare, including those no function uses
 * yet, on a small stack of the real constructs checked by cdk-nag like the app.
 */
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access, FunctionSpec } from '#functions/manifest.ts';
import { ArchiveBucket } from '#infra/constructs/archive-bucket.ts';
import { bindAccess } from '#infra/constructs/bind-access.ts';
import { RectifyEventBus } from '#infra/constructs/event-bus.ts';
import { EvidenceBucket } from '#infra/constructs/evidence-bucket.ts';
import { LedgerTable } from '#infra/constructs/ledger-table.ts';
import { RectifyQueues } from '#infra/constructs/queues.ts';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { SigningKey } from '#infra/constructs/signing-key.ts';
import { buckets, buses, queues, signingKeys, tables } from '#infra/resources.ts';
import {
  newApp,
  removeOutput,
  type Synthesis,
  staleAcknowledgements,
  synthesise,
  unacknowledgedFindings,
} from './synthesis.ts';

const cases = {
  tableRead: { table: 'ledger', mode: 'read' },
  tableReadWrite: { table: 'ledger', mode: 'readWrite' },
  bucketRead: { bucket: 'evidence', mode: 'read' },
  bucketWrite: { bucket: 'evidence', mode: 'write' },
  bucketDelete: { bucket: 'evidence', mode: 'delete', prefix: 'uploads/' },
  bucketReadUploads: { bucket: 'evidence', mode: 'read', prefix: 'uploads/' },
  busPut: { bus: 'events', mode: 'put' },
  keySign: { key: 'archiveSigning', mode: 'sign' },
  keyPublic: { key: 'archiveSigning', mode: 'publicKey' },
  queueSend: { queue: 'archiveJobs', mode: 'send' },
} as const satisfies Record<string, Access>;
type Case = keyof typeof cases;

let app: App;
let synth: Synthesis;
/** Per case: the actions the function's role may take, and its environment variables. */
let bound: Record<Case, { actions: string[]; resources: string[]; env: Record<string, string> }>;

beforeAll(async () => {
  // cdk-nag is the point here; CloudFormation's own template checks run in stack.test.ts.
  app = await newApp({}, { cloudFormationValidation: false });
  const stack = new Stack(app, 'BindAccess');
  const evidence = new EvidenceBucket(stack, 'Evidence', {
    retain: false,
    lockMode: 'GOVERNANCE',
    lockDays: 1,
  });
  const archives = new ArchiveBucket(stack, 'Archives', { retain: false, accessLogs: evidence.accessLogs });
  const resources = {
    tables: { ledger: new LedgerTable(stack, 'Ledger', { retain: false }).table },
    buckets: {
      evidence: evidence.bucket,
      archives: archives.bucket,
    },
    buses: { events: new RectifyEventBus(stack, 'Events').bus },
    signingKeys: { archiveSigning: new SigningKey(stack, 'Signing', { retain: false }).key },
    queues: new RectifyQueues(stack, 'Queues', {
      buckets: { evidence: evidence.bucket, archives: archives.bucket },
    }).queues,
  };
  const fns = Object.entries(cases).map(([name, access]) => {
    const spec: FunctionSpec = {
      entry: 'functions/health/handler.ts',
      description: name,
      triggers: [],
      memoryMiB: 128,
      timeoutSeconds: 3,
      access: [access],
    };
    const fn = new ServiceFunction(stack, name, { spec, retainLogs: false });
    bindAccess(fn, spec.access, resources);
    return [name, fn] as const;
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  synth = await synthesise(app, stack);

  const policies = synth.template.findResources('AWS::IAM::Policy');
  const lambdas = synth.template.findResources('AWS::Lambda::Function');
  const logicalId = (element: CfnElement) => stack.getLogicalId(element);
  bound = Object.fromEntries(
    fns.map(([name, fn]) => {
      const role = fn.role?.node.defaultChild as CfnElement;
      const statements = Object.values(policies)
        .filter((policy) => policy.Properties.Roles.some((r: { Ref: string }) => r.Ref === logicalId(role)))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      return [
        name,
        {
          actions: statements.flatMap((statement: { Action: string | string[] }) =>
            [statement.Action].flat(),
          ),
          // Object ARNs as the suffix after the bucket ARN (`/uploads/*`), from Fn::Join parts.
          resources: statements.flatMap((statement: { Resource: unknown }) =>
            [statement.Resource]
              .flat()
              .map((resource) => {
                const parts = (resource as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join']?.[1] ?? [];
                return parts.filter((part): part is string => typeof part === 'string').join('');
              })
              .filter(Boolean),
          ),
          env: lambdas[logicalId(fn.node.defaultChild as CfnElement)]?.Properties.Environment.Variables,
        },
      ];
    }),
  ) as typeof bound;
});
afterAll(() => removeOutput(app));

describe('bindAccess', () => {
  it('lets a table reader query but not write', () => {
    const { actions } = bound.tableRead;
    expect([actions.includes('dynamodb:Query'), actions.includes('dynamodb:PutItem')]).toEqual([true, false]);
  });
  it('lets a table writer query and write', () => {
    const { actions } = bound.tableReadWrite;
    expect([actions.includes('dynamodb:Query'), actions.includes('dynamodb:PutItem')]).toEqual([true, true]);
  });
  it('lets a bucket reader get but not put', () => {
    const { actions } = bound.bucketRead;
    expect([actions.includes('s3:GetObject*'), actions.includes('s3:PutObject')]).toEqual([true, false]);
  });
  it('lets a bucket writer put but not get or delete', () => {
    const { actions } = bound.bucketWrite;
    expect([
      actions.includes('s3:PutObject'),
      actions.includes('s3:GetObject*'),
      actions.includes('s3:DeleteObject*'),
    ]).toEqual([true, false, false]);
  });
  it('lets a bucket deleter delete (add delete markers) but not get or put', () => {
    const { actions } = bound.bucketDelete;
    expect([
      actions.includes('s3:DeleteObject*'),
      actions.includes('s3:GetObject*'),
      actions.includes('s3:PutObject'),
    ]).toEqual([true, false, false]);
  });
  it('scopes a prefixed grant to the objects under that prefix', () => {
    expect(bound.bucketReadUploads.resources.filter((resource) => resource.includes('/'))).toEqual([
      '/uploads/*',
    ]);
  });
  it('lets a bus publisher put events and nothing else on the bus', () => {
    expect(bound.busPut.actions.filter((action) => action.startsWith('events:'))).toEqual([
      'events:PutEvents',
    ]);
  });
  it('lets a signer sign with the key, and a public-key reader only read its public half', () => {
    const kms = (actions: string[]) => actions.filter((action) => action.startsWith('kms:'));
    expect(kms(bound.keySign.actions)).toEqual(['kms:Sign']);
    expect(kms(bound.keyPublic.actions)).toEqual(['kms:GetPublicKey']);
  });
  it('lets a sender send to the queue and nothing else on it', () => {
    expect(bound.queueSend.actions.filter((action) => action.startsWith('sqs:')).sort()).toEqual([
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
  });
  it('never lets Object Lock be bypassed', () => {
    const all = Object.values(bound).flatMap(({ actions }) => actions);
    expect(all.filter((action) => action.startsWith('s3:Bypass') || action === 's3:*')).toEqual([]);
  });
  it('sets the environment variable of the resource it grants, and of no other', () => {
    const resourceVars: string[] = [
      tables.ledger.envVar,
      buckets.evidence.envVar,
      buses.events.envVar,
      signingKeys.archiveSigning.envVar,
      queues.archiveJobs.envVar,
    ];
    const told = Object.fromEntries(
      Object.entries(bound).map(([name, { env }]) => [
        name,
        Object.keys(env).filter((key) => resourceVars.includes(key)),
      ]),
    );
    expect(told).toEqual({
      tableRead: [tables.ledger.envVar],
      tableReadWrite: [tables.ledger.envVar],
      bucketRead: [buckets.evidence.envVar],
      bucketWrite: [buckets.evidence.envVar],
      bucketDelete: [buckets.evidence.envVar],
      bucketReadUploads: [buckets.evidence.envVar],
      busPut: [buses.events.envVar],
      keySign: [signingKeys.archiveSigning.envVar],
      keyPublic: [signingKeys.archiveSigning.envVar],
      queueSend: [queues.archiveJobs.envVar],
    });
  });
  it('acknowledges every cdk-nag finding its grants cause', () => {
    expect(unacknowledgedFindings(synth.report)).toEqual([]);
  });
  it('acknowledges nothing its grants do not cause', () => {
    expect(staleAcknowledgements(app, synth.report)).toEqual([]);
  });
});
