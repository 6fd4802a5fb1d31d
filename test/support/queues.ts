import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** True when a queue holds no message, visible or in flight: its consumer is done. */
export async function queueIsIdle(sqs: SQSClient, url: string): Promise<boolean> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Attributes?.ApproximateNumberOfMessages === '0' &&
    Attributes.ApproximateNumberOfMessagesNotVisible === '0'
  );
}
