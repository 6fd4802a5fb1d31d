import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Effect, Grant, type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { Access } from '#catalog/functions.ts';
import {
  type BucketName,
  type BusName,
  buckets,
  buses,
  type QueueDefinition,
  type QueueName,
  queues,
  type SigningKeyName,
  signingKeys,
  type TableName,
  tables,
} from '#catalog/resources.ts';
import { acknowledgeNag } from '../nag.ts';

/** The deployed resources a manifest `Access` entry can name. */
export interface BindableResources {
  readonly tables: Record<TableName, ITableV2>;
  readonly buckets: Record<BucketName, IBucket>;
  readonly buses: Record<BusName, IEventBus>;
  readonly signingKeys: Record<SigningKeyName, SigningKeyResource>;
  readonly queues: Record<QueueName, IQueue>;
}

/** A signing key and the one way to let a role sign with it (infra/constructs/signing-key.ts). */
export interface SigningKeyResource {
  readonly key: IKey;
  allowSigning(role: IRole): void;
}

/**
 * Partition keys of the hash chains (shared/store/keys.ts `chainPartition`,
 * `inspectionChainPartition`), as IAM `dynamodb:LeadingKeys` patterns.
 */
export const CHAIN_PARTITIONS = ['CHAIN#*', 'INSPCHAIN#*'] as const;
const INSPECTION_CHAIN_PARTITIONS = ['INSPCHAIN#*'] as const;

/**
 * What each bucket mode may do to the objects under its prefix (`listUploads`: on the bucket),
 * spelled out rather than CDK's grants: those add s3:PutObjectRetention and
 * s3:PutObjectLegalHold to writers, s3:DeleteObjectVersion to deleters (which erases a version
 * once its lock ends) and an unconditioned s3:List* to readers. Default retention reaches every
 * new version without s3:PutObjectRetention. No function lists objects (s3:ListBucket), so none
 * may; ListMultipartUploads has no s3:prefix condition key, so `listUploads` is bucket-wide.
 */
export const S3_ACTIONS = {
  read: ['s3:GetObject', 's3:GetObjectVersion'],
  write: ['s3:PutObject', 's3:AbortMultipartUpload'],
  // Without a version id DeleteObject only adds a delete marker; the version stays.
  delete: ['s3:DeleteObject'],
  listUploads: ['s3:ListBucketMultipartUploads'],
} as const;

/** A function that can be granted access and told where things are. */
type Bindable = IFunction & { addEnvironment(key: string, value: string): unknown };

/**
 * Grants a function exactly the access its manifest entry names and, in the same call, sets the
 * environment variable through which its code finds the resource. The resource wildcards left
 * (a table's indexes, the objects under a bucket prefix) stay inside the one resource, and are
 * acknowledged here, where they arise; no grant uses an action wildcard.
 */
export function bindAccess(fn: Bindable, access: readonly Access[], resources: BindableResources): void {
  const acknowledge = (rule: string, reason: string) => {
    if (fn.role) acknowledgeNag(fn.role, rule, reason);
  };
  for (const entry of access) {
    if ('table' in entry) {
      const table = resources.tables[entry.table];
      if (entry.mode === 'read') table.grantReadData(fn);
      else {
        table.grantReadWriteData(fn);
        denyChainRewrites(fn, table, entry.batchPutsChains === true);
      }
      fn.addEnvironment(tables[entry.table].envVar, table.tableName);
      acknowledge(
        `IAM5[Resource::<${logicalIdOf(table)}.Arn>/index/*]`,
        `Queries use the ${entry.table} table's GSIs; the wildcard covers this one table's indexes only.`,
      );
    } else if ('bucket' in entry) {
      const bucket = resources.buckets[entry.bucket];
      const keys = `${entry.prefix ?? ''}*`;
      const onObjects = entry.mode !== 'listUploads';
      Grant.addToPrincipal({
        grantee: fn,
        actions: [...S3_ACTIONS[entry.mode]],
        resourceArns: [onObjects ? bucket.arnForObjects(keys) : bucket.bucketArn],
      });
      fn.addEnvironment(buckets[entry.bucket].envVar, bucket.bucketName);
      if (onObjects) {
        acknowledge(
          `IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/${keys}]`,
          `Object keys are created at run time; the wildcard covers objects under ${entry.prefix ?? '/'} of the ${entry.bucket} bucket only.`,
        );
      }
    } else if ('queue' in entry) {
      const queue = resources.queues[entry.queue];
      const { envVar }: QueueDefinition = queues[entry.queue];
      if (!envVar)
        throw new Error(`queue ${entry.queue} has no envVar in catalog/resources.ts to send through`);
      queue.grantSendMessages(fn);
      fn.addEnvironment(envVar, queue.queueUrl);
    } else if ('bus' in entry) {
      const bus = resources.buses[entry.bus];
      bus.grantPutEventsTo(fn);
      fn.addEnvironment(buses[entry.bus].envVar, bus.eventBusName);
    } else {
      const signing = resources.signingKeys[entry.key];
      if (entry.mode === 'publicKey') signing.key.grant(fn, 'kms:GetPublicKey');
      else if (fn.role) signing.allowSigning(fn.role);
      else throw new Error('a function that signs needs an execution role the key policy can name');
      fn.addEnvironment(signingKeys[entry.key].envVar, signing.key.keyArn);
    }
  }
}

/**
 * Chain records (hash-chained history) are append-only: a writer of the table may never update
 * or delete one, whatever its Allow says. IAM authorises each operation inside a
 * TransactWriteItems as its own action (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), so
 * this holds inside transactions too; chain records are only ever written by conditional Puts
 * (LedgerStore.changeTransaction, inspectionEventPut: `attribute_not_exists(PK)`) and by the
 * importer's BatchWriteItem puts. BatchWriteItem is one IAM action for puts and deletes alike, so
 * it is denied on chain partitions to every writer but the importer, whose batches put the first
 * records of a fresh, not yet visible generation (and never touch the inspection's chain).
 * What IAM cannot stop: a PutItem (or the importer's batch put) replacing an existing record; the
 * stores' conditions prevent that, and the chain's hashes show it.
 */
function denyChainRewrites(fn: Bindable, table: ITableV2, batchPutsChains: boolean): void {
  const deny = (actions: string[], leadingKeys: readonly string[]) =>
    fn.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions,
        resources: [table.tableArn],
        // A BatchWriteItem names several partitions: denied if any of them is a chain.
        conditions: { 'ForAnyValue:StringLike': { 'dynamodb:LeadingKeys': [...leadingKeys] } },
      }),
    );
  const rewrites = [
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:PartiQLUpdate',
    'dynamodb:PartiQLDelete',
  ];
  if (batchPutsChains) {
    deny(rewrites, CHAIN_PARTITIONS);
    deny(['dynamodb:BatchWriteItem'], INSPECTION_CHAIN_PARTITIONS);
  } else {
    deny([...rewrites, 'dynamodb:BatchWriteItem'], CHAIN_PARTITIONS);
  }
}

/** cdk-nag names a resource in a finding by the logical id of its CloudFormation resource. */
function logicalIdOf(resource: IConstruct): string {
  return Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement);
}
