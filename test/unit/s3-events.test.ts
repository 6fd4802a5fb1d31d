import { describe, expect, it } from 'vitest';
import { createdObjectKeys, createdObjects } from '#shared/storage/s3-events.ts';

const record = (eventName: string, object: Record<string, unknown>) => ({
  eventName,
  s3: { object: { size: 3, eTag: 'e', ...object } },
});

describe('createdObjects', () => {
  it('names each created object with the version S3 created, decoding the key', () => {
    const body = JSON.stringify({
      Records: [
        record('ObjectCreated:Post', { key: 'uploads%2Fev-1', versionId: 'v1' }),
        record('ObjectCreated:Put', { key: 'uploads/a+b', versionId: 'v2' }),
        record('ObjectRemoved:DeleteMarkerCreated', { key: 'uploads/ev-1', versionId: 'v3' }),
      ],
    });
    expect(createdObjects(body)).toEqual([
      { key: 'uploads/ev-1', versionId: 'v1' },
      { key: 'uploads/a b', versionId: 'v2' },
    ]);
    expect(createdObjectKeys(body)).toEqual(['uploads/ev-1', 'uploads/a b']);
  });

  it('names no version where there is none: an unversioned bucket, or "null" while versioning was off', () => {
    const body = JSON.stringify({
      Records: [
        record('ObjectCreated:Put', { key: 'uploads/ev-1' }),
        record('ObjectCreated:Put', { key: 'uploads/ev-2', versionId: 'null' }),
      ],
    });
    expect(createdObjects(body)).toEqual([{ key: 'uploads/ev-1' }, { key: 'uploads/ev-2' }]);
  });

  it('reads the test event S3 sends when notifications are configured as naming nothing', () => {
    expect(createdObjects(JSON.stringify({ Event: 's3:TestEvent', Bucket: 'b' }))).toEqual([]);
  });
});
