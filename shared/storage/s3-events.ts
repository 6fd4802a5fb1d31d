import type { S3Event } from 'aws-lambda';

/**
 * The object keys an S3 notification (as delivered through SQS) names. Keys arrive URL-encoded
 * with `+` for spaces (moto encodes `/` too); a first `s3:TestEvent` message carries no records.
 */
export function createdObjectKeys(messageBody: string): string[] {
  const event = JSON.parse(messageBody) as Partial<S3Event> & { Event?: string };
  return (event.Records ?? [])
    .filter((record) => record.eventName?.startsWith('ObjectCreated'))
    .map((record) => decodeURIComponent(record.s3.object.key.replace(/\+/g, ' ')));
}
