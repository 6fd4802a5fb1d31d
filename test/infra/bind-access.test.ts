/**
 * bindAccess for every access mode the manifest can declare, including those no function uses
 * yet, on a small stack of the real constructs checked by cdk-nag like the app.
 */
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Access, FunctionSpec } from '#catalog/functions.ts';
import { buckets, buses, queues, signingKeys, tables } from '#catalog/resources.ts';
import { ArchiveBucket } from '#infra/constructs/archive-bucket.ts';
import { bindAccess } from '#infra/constructs/bind-access.ts';
import { RectifyEventBus } from '#infra/constructs/event-bus.ts';
import { EvidenceBucket } from '#infra/constructs/evidence-bucket.ts';
import { LedgerTable } from '#infra/constructs/ledger-table.ts';
import { RectifyQueues } from '#infra/constructs/queues.ts';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { SigningKey } from '#infra/constructs/signing-key.ts';
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
  tableImport: { table: 'ledger', mode: 'readWrite', batchPutsChains: true },
  bucketRead: { bucket: 'evidence', mode: 'read' },
  bucketWrite: { bucket: 'evidence', mode: 'write' },
  bucketDelete: { bucket: 'evidence', mode: 'delete', prefix: 'uploads/' },
  bucketReadUploads: { bucket: 'evidence', mode: 'read', prefix: 'uploads/' },
  bucketListUploads: { bucket: 'archives', mode: 'listUploads', prefix: 'archives/' },
  busPut: { bus: 'events', mode: 'put' },
  keySign: { key: 'archiveSigning', mode: 'sign' },
  keyPublic: { key: 'archiveSigning', mode: 'publicKey' },
  queueSend: { queue: 'archiveJobs', mode: 'send' },
} as const satisfies Record<string, Access>;
type Case = keyof typeof cases;

let app: App;
let synth: Synthesis;
/** A statement of a synthesised policy. */
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
}
/**
 * Per case: the actions the function's role is allowed (its Deny statements apart), the
 * resources of those grants, and its environment variables.
 */
let bound: Record<
  Case,
  {
    actions: string[];
    resources: string[];
    allows: Statement[];
    denies: Statement[];
    roleLogicalId: string;
    env: Record<string, string>;
  }
>;
let signingKeyPolicy: Statement[];
const actionsOf = (statement: Statement) => [statement.Action].flat();

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
    signingKeys: { archiveSigning: new SigningKey(stack, 'Signing', { retain: false }) },
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
      const all: Statement[] = Object.values(policies)
        .filter((policy) => policy.Properties.Roles.some((r: { Ref: string }) => r.Ref === logicalId(role)))
        .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
      const statements = all.filter((statement) => statement.Effect === 'Allow');
      return [
        name,
        {
          actions: statements.flatMap(actionsOf),
          allows: statements,
          denies: all.filter((statement) => statement.Effect === 'Deny'),
          roleLogicalId: logicalId(role),
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
  const [key] = Object.values(synth.template.findResources('AWS::KMS::Key'));
  signingKeyPolicy = key?.Properties.KeyPolicy.Statement;
});
afterAll(() => removeOutput(app));

/** The s3: actions a case's role is allowed, sorted. */
const s3Actions = (name: Case) => bound[name].actions.filter((action) => action.startsWith('s3:')).sort();
/** A case's Deny statements as [actions, condition], for comparing. */
const deniesOf = (name: Case) =>
  bound[name].denies.map((statement) => [actionsOf(statement).sort(), statement.Condition]);
const chainRewrites = [
  'dynamodb:DeleteItem',
  'dynamodb:PartiQLDelete',
  'dynamodb:PartiQLUpdate',
  'dynamodb:UpdateItem',
];
const leadingKeys = (keys: string[]) => ({ 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': keys } });

describe('bindAccess', () => {
  it('lets a table reader query but not write', () => {
    const { actions } = bound.tableRead;
    expect([actions.includes('dynamodb:Query'), actions.includes('dynamodb:PutItem')]).toEqual([true, false]);
  });
  it('lets a table writer query and write', () => {
    const { actions } = bound.tableReadWrite;
    expect([actions.includes('dynamodb:Query'), actions.includes('dynamodb:PutItem')]).toEqual([true, true]);
  });
  it('lets a bucket reader get objects and their versions, and nothing else (no listing)', () => {
    expect(s3Actions('bucketRead')).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
  });
  it('lets a bucket writer put (and abort its uploads) but not set retention or legal holds', () => {
    expect(s3Actions('bucketWrite')).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
  });
  it('lets a bucket deleter add delete markers (DeleteObject) but never erase a version', () => {
    expect(s3Actions('bucketDelete')).toEqual(['s3:DeleteObject']);
  });
  it('lets an upload lister list the unfinished multipart uploads of the bucket only', () => {
    const [statement] = bound.bucketListUploads.allows.filter((s) =>
      actionsOf(s).some((a) => a.startsWith('s3:')),
    );
    expect([s3Actions('bucketListUploads'), statement?.Resource]).toEqual([
      ['s3:ListBucketMultipartUploads'],
      { 'Fn::GetAtt': [expect.stringMatching(/^ArchivesBucket/), 'Arn'] },
    ]);
  });
  it('grants s3:ListBucket to nobody without an s3:prefix condition', () => {
    const lists = (action: string) => ['s3:ListBucket', 's3:List*', 's3:*'].includes(action);
    const unconditioned = Object.entries(bound).flatMap(([name, { allows }]) =>
      allows
        .filter((statement) => actionsOf(statement).some(lists))
        .filter((statement) => !statement.Condition?.StringLike?.['s3:prefix'])
        .map(() => name),
    );
    expect(unconditioned).toEqual([]);
  });
  it('denies every table writer updating or deleting chain records, and batch writes to chains', () => {
    expect(deniesOf('tableReadWrite')).toEqual([
      [[...chainRewrites, 'dynamodb:BatchWriteItem'].sort(), leadingKeys(['CHAIN#*', 'INSPCHAIN#*'])],
    ]);
  });
  it('lets the importer batch-put item chains, but never the inspection chain, nor update or delete either', () => {
    expect(deniesOf('tableImport')).toEqual([
      [chainRewrites, leadingKeys(['CHAIN#*', 'INSPCHAIN#*'])],
      [['dynamodb:BatchWriteItem'], leadingKeys(['INSPCHAIN#*'])],
    ]);
  });
  it('still lets table writers put (appends are conditional puts, alone or in transactions)', () => {
    const puts = (name: Case) =>
      ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem'].every((a) => bound[name].actions.includes(a));
    expect([puts('tableReadWrite'), puts('tableImport')]).toEqual([true, true]);
  });
  it('needs no Deny for a table reader, which cannot write', () => {
    expect(bound.tableRead.denies).toEqual([]);
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
  it('names the signer in the key policy, and denies kms:Sign to every other principal', () => {
    const signer = { 'Fn::GetAtt': [bound.keySign.roleLogicalId, 'Arn'] };
    const signing = signingKeyPolicy.filter((statement) => actionsOf(statement).includes('kms:Sign'));
    expect(signing).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Condition: { ArnNotEquals: { 'aws:PrincipalArn': [signer] } },
      }),
      expect.objectContaining({ Effect: 'Allow', Principal: { AWS: signer } }),
    ]);
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
      buckets.archives.envVar,
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
      tableImport: [tables.ledger.envVar],
      bucketRead: [buckets.evidence.envVar],
      bucketWrite: [buckets.evidence.envVar],
      bucketDelete: [buckets.evidence.envVar],
      bucketReadUploads: [buckets.evidence.envVar],
      bucketListUploads: [buckets.archives.envVar],
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

describe('SigningKey', () => {
  it('fails synthesis when no role may sign with it (its Deny would have no exception to render)', async () => {
    const lonely = await newApp({}, { cloudFormationValidation: false });
    try {
      new SigningKey(new Stack(lonely, 'Lonely'), 'Signing', { retain: false });
      expect(() => lonely.synth()).toThrow(/no role signs with this key/);
    } finally {
      await removeOutput(lonely);
    }
  });
});
