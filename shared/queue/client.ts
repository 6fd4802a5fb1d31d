import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { queues } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { CORRELATION_ID_ATTRIBUTE } from '#shared/correlation-id.ts';
import { correlationId, traced } from '#shared/observability.ts';

/** One SQS client per execution environment, for functions that hand work to a queue. */
export const sqs = traced(new SQSClient({}));

export function archiveJobsQueueUrl(): string {
  return requiredEnv(queues.archiveJobs.envVar);
}

export function summaryJobsQueueUrl(): string {
  return requiredEnv(queues.summaryJobs.envVar);
}

/**
 * Queues a job, with the correlation id of the work that asks for it as a message attribute:
 * the consumer's batchHandler takes it up, so the job's logs and chain records carry it.
 */
export async function sendJob(queueUrl: string, job: Readonly<Record<string, unknown>>): Promise<void> {
  const id = correlationId();
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(job),
      ...(id === undefined
        ? {}
        : { MessageAttributes: { [CORRELATION_ID_ATTRIBUTE]: { DataType: 'String', StringValue: id } } }),
    }),
  );
}
