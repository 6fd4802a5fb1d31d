import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functions } from '#catalog/functions.ts';
import { bucketNotifications, buckets } from '#catalog/resources.ts';
import {
  evidenceUploadKey,
  presignEvidenceUpload,
  quarantineKey,
  uploadedEvidenceId,
} from '#shared/storage/evidence-objects.ts';
import { reportFileKey } from '#shared/storage/files.ts';

/**
 * The evidence bucket's key layout, and the presigned POST's policy (signed locally, no request
 * sent). What S3 does with the objects is proven against the emulator in the integration tests.
 */

describe('the evidence key layout', () => {
  it('keys uploads, quarantined copies and summary files by id, never by a file name', () => {
    expect(evidenceUploadKey('ev-1')).toBe('uploads/ev-1');
    expect(quarantineKey('ev-1')).toBe('quarantine/ev-1');
    expect(reportFileKey('insp-1', 'sum-1', 'report.docx')).toBe('summaries/insp-1/sum-1/report.docx');
  });

  it('reads the evidence id back from an upload key only', () => {
    expect(uploadedEvidenceId('uploads/ev-1')).toBe('ev-1');
    expect(uploadedEvidenceId('uploads/')).toBeUndefined();
    expect(uploadedEvidenceId('quarantine/ev-1')).toBeUndefined();
    expect(uploadedEvidenceId('summaries/insp-1/sum-1/report.docx')).toBeUndefined();
    expect(uploadedEvidenceId('xuploads/ev-1')).toBeUndefined();
  });

  it('is what the upload notification filters on and what the functions are granted', () => {
    const [notification] = bucketNotifications.filter((n) => n.bucket === 'evidence');
    expect(evidenceUploadKey('ev-1').startsWith(notification?.prefix ?? '-')).toBe(true);
    const granted = (name: keyof typeof functions, mode: string) =>
      functions[name].access.flatMap((access) =>
        'bucket' in access && access.bucket === 'evidence' && access.mode === mode ? [access.prefix] : [],
      );
    const covered = (prefixes: (string | undefined)[], key: string) =>
      prefixes.some((prefix) => prefix !== undefined && key.startsWith(prefix));
    expect(covered(granted('requestEvidence', 'write'), evidenceUploadKey('ev-1'))).toBe(true);
    expect(covered(granted('downloadEvidence', 'read'), evidenceUploadKey('ev-1'))).toBe(true);
    expect(covered(granted('verifyEvidence', 'read'), evidenceUploadKey('ev-1'))).toBe(true);
    expect(covered(granted('verifyEvidence', 'delete'), evidenceUploadKey('ev-1'))).toBe(true);
    expect(covered(granted('verifyEvidence', 'write'), quarantineKey('ev-1'))).toBe(true);
    expect(covered(granted('verifyEvidence', 'read'), quarantineKey('ev-1'))).toBe(false);
    expect(covered(granted('buildArchive', 'read'), evidenceUploadKey('ev-1'))).toBe(true);
    expect(covered(granted('buildArchive', 'read'), reportFileKey('i', 's', 'summary.json'))).toBe(true);
  });
});

describe('the presigned upload', () => {
  const config = {
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  };
  const previous = process.env[buckets.evidence.envVar];
  beforeAll(() => {
    process.env[buckets.evidence.envVar] = 'evidence-bucket';
  });
  afterAll(() => {
    if (previous === undefined) delete process.env[buckets.evidence.envVar];
    else process.env[buckets.evidence.envVar] = previous;
  });

  it('fixes the key, the exact size, the type, the name and the SHA-256 in its policy', async () => {
    const sha256 = 'ab'.repeat(32);
    const before = Date.now();
    const post = await presignEvidenceUpload(
      {
        objectKey: 'uploads/ev-1',
        fileName: '整改报告.pdf',
        contentType: 'application/pdf',
        size: 1234,
        sha256,
      },
      15 * 60,
      config,
    );
    const checksum = Buffer.from(sha256, 'hex').toString('base64');
    expect(post.fields).toMatchObject({
      key: 'uploads/ev-1',
      'Content-Type': 'application/pdf',
      'x-amz-checksum-algorithm': 'SHA256',
      'x-amz-checksum-sha256': checksum,
    });
    expect(post.fields['Content-Disposition']).toContain(encodeURIComponent('整改报告.pdf'));
    const policy = JSON.parse(Buffer.from(post.fields.Policy ?? '', 'base64').toString('utf8')) as {
      expiration: string;
      conditions: unknown[];
    };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        { bucket: 'evidence-bucket' },
        { key: 'uploads/ev-1' },
        ['content-length-range', 1234, 1234],
        ['eq', '$Content-Type', 'application/pdf'],
        ['eq', '$Content-Disposition', post.fields['Content-Disposition']],
        ['eq', '$x-amz-checksum-algorithm', 'SHA256'],
        ['eq', '$x-amz-checksum-sha256', checksum],
      ]),
    );
    const expires = Date.parse(policy.expiration) - before;
    expect(expires).toBeGreaterThan(15 * 60 * 1000 - 5000);
    expect(expires).toBeLessThanOrEqual(15 * 60 * 1000 + 1000);
  });
});
