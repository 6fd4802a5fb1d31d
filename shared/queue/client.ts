import { SQSClient } from '@aws-sdk/client-sqs';
import { queues } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';

/** One SQS client per execution environment, for functions that hand work to a queue. */
export const sqs = new SQSClient({});

export function archiveJobsQueueUrl(): string {
  return requiredEnv(queues.archiveJobs.envVar);
}

export function summaryJobsQueueUrl(): string {
  return requiredEnv(queues.summaryJobs.envVar);
}
