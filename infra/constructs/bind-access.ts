import { type CfnElement, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IConstruct } from 'constructs';
import type { Access } from '#functions/manifest.ts';
import { acknowledgeNag } from '../nag.ts';
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
} from '../resources.ts';

/** The deployed resources a manifest `Access` entry can name. */
export interface BindableResources {
  readonly tables: Record<TableName, ITableV2>;
  readonly buckets: Record<BucketName, IBucket>;
  readonly buses: Record<BusName, IEventBus>;
  readonly signingKeys: Record<SigningKeyName, IKey>;
  readonly queues: Record<QueueName, IQueue>;
}

/** A function that can be granted access and told where things are. */
type Bindable = IFunction & { addEnvironment(key: string, value: string): unknown };

/**
 * Grants a function exactly the access its manifest entry names and, in the same call, sets the
 * environment variable through which its code finds the resource. The wildcards CDK's grants
 * use (a table's indexes, a bucket's objects, action families) stay inside the one resource, and
 * are acknowledged here, where they arise.
 */
export function bindAccess(fn: Bindable, access: readonly Access[], resources: BindableResources): void {
  const acknowledge = (rule: string, reason: string) => {
    if (fn.role) acknowledgeNag(fn.role, rule, reason);
  };
  for (const entry of access) {
    if ('table' in entry) {
      const table = resources.tables[entry.table];
      if (entry.mode === 'read') table.grantReadData(fn);
      else table.grantReadWriteData(fn);
      fn.addEnvironment(tables[entry.table].envVar, table.tableName);
      acknowledge(
        `IAM5[Resource::<${logicalIdOf(table)}.Arn>/index/*]`,
        `Queries use the ${entry.table} table's GSIs; the wildcard covers this one table's indexes only.`,
      );
    } else if ('bucket' in entry) {
      const bucket = resources.buckets[entry.bucket];
      const keys = `${entry.prefix ?? ''}*`;
      if (entry.mode === 'read') bucket.grantRead(fn, keys);
      else if (entry.mode === 'write') bucket.grantPut(fn, keys);
      else bucket.grantDelete(fn, keys);
      fn.addEnvironment(buckets[entry.bucket].envVar, bucket.bucketName);
      acknowledge(
        `IAM5[Resource::<${logicalIdOf(bucket)}.Arn>/${keys}]`,
        `Object keys are created at run time; the wildcard covers objects under ${entry.prefix ?? '/'} of the ${entry.bucket} bucket only.`,
      );
      for (const action of s3ActionFamilies[entry.mode]) {
        acknowledge(
          `IAM5[Action::${action}]`,
          `CDK's ${entry.mode} grant on the ${entry.bucket} bucket uses the ${action} action family, scoped to that bucket.`,
        );
      }
    } else if ('queue' in entry) {
      const queue = resources.queues[entry.queue];
      const { envVar }: QueueDefinition = queues[entry.queue];
      if (!envVar)
        throw new Error(`queue ${entry.queue} has no envVar in infra/resources.ts to send through`);
      queue.grantSendMessages(fn);
      fn.addEnvironment(envVar, queue.queueUrl);
    } else if ('bus' in entry) {
      const bus = resources.buses[entry.bus];
      bus.grantPutEventsTo(fn);
      fn.addEnvironment(buses[entry.bus].envVar, bus.eventBusName);
    } else {
      const key = resources.signingKeys[entry.key];
      key.grant(fn, entry.mode === 'sign' ? 'kms:Sign' : 'kms:GetPublicKey');
      fn.addEnvironment(signingKeys[entry.key].envVar, key.keyArn);
    }
  }
}

/** The wildcard action families in CDK's bucket grants (aws-s3 perms.ts), per manifest mode. */
const s3ActionFamilies = {
  read: ['s3:GetObject*', 's3:GetBucket*', 's3:List*'],
  write: ['s3:Abort*'],
  delete: ['s3:DeleteObject*'],
} as const;

/** cdk-nag names a resource in a finding by the logical id of its CloudFormation resource. */
function logicalIdOf(resource: IConstruct): string {
  return Stack.of(resource).getLogicalId(resource.node.defaultChild as CfnElement);
}
