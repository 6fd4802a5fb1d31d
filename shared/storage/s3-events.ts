import type { S3Event } from 'aws-lambda';

/** One created object as its notification names it: the key, and the version in a versioned bucket. */
export interface UploadedObject {
  readonly key: string;
  /** The version that was created. Only a bucket without versioning leaves it out. */
  readonly versionId?: string;
}

/**
 * The objects an S3 notification (as delivered through SQS) names. Keys arrive URL-encoded
 * with `+` for spaces (moto encodes `/` too); a first `s3:TestEvent` message carries no records.
 * The version matters: the key may have newer versions by the time the message is read.
 */
export function createdObjects(messageBody: string): UploadedObject[] {
  const event = JSON.parse(messageBody) as Partial<S3Event> & { Event?: string };
  return (event.Records ?? [])
    .filter((record) => record.eventName?.startsWith('ObjectCreated'))
    .map((record) => {
      const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
      const versionId = record.s3.object.versionId;
      // S3 writes "null" for objects created while versioning was off: there is no version to name.
      return versionId && versionId !== 'null' ? { key, versionId } : { key };
    });
}

/** The keys of the objects an S3 notification names. */
export function createdObjectKeys(messageBody: string): string[] {
  return createdObjects(messageBody).map((object) => object.key);
}
