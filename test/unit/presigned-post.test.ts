import { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost, type PresignedPostOptions } from '@aws-sdk/s3-presigned-post';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { buckets } from '#catalog/resources.ts';
import { contentDisposition } from '#shared/http/response.ts';
import { UPLOAD_EXPIRY_SECONDS } from '#shared/services/evidence.ts';
import { presignEvidenceUpload } from '#shared/storage/evidence-objects.ts';
import { presignConfigFromEnv } from '#shared/storage/presign.ts';
import { type PostToSign, presignPost } from '#shared/storage/presigned-post.ts';
import {
  CREDENTIALS,
  ENDPOINTS,
  ENV_ACCESS_KEY,
  envCredentials,
  REGIONS,
  restoringEnv,
  sdkClientFor,
} from '../support/s3-presign.ts';

/**
 * The evidence upload's presigned POST is signed without the S3 client (storage/presigned-post.ts:
 * the function that hands it out would otherwise bundle the client, ~200 KB, for nothing else).
 * Its url and every field must be, string for string and in the same order, what
 * `createPresignedPost` makes from an S3Client with the same region, credentials and endpoint,
 * at the same instant (it reads the clock: Date is faked for both).
 */

const NOW = new Date('2025-03-04T05:06:07.891Z');
const BUCKETS = ['rectify-evidence-1a2b3c', 'rectify.evidence', 'Rectify_Evidence'];

/** What an evidence upload is asked for (services/evidence.ts makes it from the request). */
const EVIDENCE = [
  {
    objectKey: 'uploads/ev-0b8f4c1e-2d3a-4e5f-9a8b-7c6d5e4f3a2b',
    fileName: '巡察整改报告（2025年第1期）.pdf',
    contentType: 'application/pdf',
    size: 1_234_567,
    sha256: 'ab'.repeat(32),
  },
  {
    objectKey: 'uploads/ev-2',
    fileName: 'report "final" 100%.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    size: 0,
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  },
];

/**
 * The parameters presignEvidenceUpload gave `createPresignedPost` when it used the client: the
 * exact size, the type, the name to save under and the SHA-256 checksum, each fixed by the policy.
 */
function evidenceParams(evidence: (typeof EVIDENCE)[number], bucket: string): PresignedPostOptions {
  const fields = {
    'Content-Type': evidence.contentType,
    'Content-Disposition': contentDisposition(evidence.fileName),
    'x-amz-checksum-algorithm': 'SHA256',
    'x-amz-checksum-sha256': Buffer.from(evidence.sha256, 'hex').toString('base64'),
  };
  return {
    Bucket: bucket,
    Key: evidence.objectKey,
    Fields: fields,
    Conditions: [
      ['content-length-range', evidence.size, evidence.size],
      ...Object.entries(fields).map(([field, value]) => ['eq', `$${field}`, value] as ['eq', string, string]),
    ],
    Expires: UPLOAD_EXPIRY_SECONDS,
  };
}

/** Other posts: the key's ${filename}, starts-with, a repeated condition, no fields, a field named key. */
const POSTS: { post: PostToSign; expires: number }[] = [
  // biome-ignore lint/suspicious/noTemplateCurlyInString: S3's placeholder, not a template.
  { post: { bucket: '', key: 'uploads/${filename}' }, expires: 60 },
  {
    post: {
      bucket: '',
      key: 'a/b+c%d~整改 (1).pdf',
      fields: { acl: 'private', 'Content-Type': 'text/plain; charset=utf-8', success_action_status: '201' },
      conditions: [
        ['starts-with', '$Content-Type', 'text/'],
        { acl: 'private' },
        ['content-length-range', 1, 10_485_760],
      ],
    },
    expires: 7 * 24 * 3600,
  },
  { post: { bucket: '', key: 'k', fields: { key: 'ignored', bucket: 'also' } }, expires: 1 },
];

const asOptions = (
  { bucket, key, fields, conditions }: PostToSign,
  expires: number,
): PresignedPostOptions => ({
  Bucket: bucket,
  Key: key,
  ...(fields ? { Fields: { ...fields } } : {}),
  ...(conditions ? { Conditions: conditions as PresignedPostOptions['Conditions'] } : {}),
  Expires: expires,
});

describe('a presigned POST', () => {
  const previousBucket = process.env[buckets.evidence.envVar];
  beforeEach(() => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
    if (previousBucket === undefined) delete process.env[buckets.evidence.envVar];
    else process.env[buckets.evidence.envVar] = previousBucket;
  });

  it('is createPresignedPost’s own, across regions, endpoints, credentials and buckets', async () => {
    // The SDK reports the one URL it cannot build (below) on the console as well as throwing.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    onTestFinished(() => quiet.mockRestore());
    let compared = 0;
    const sdkFailed = new Set<string>();
    for (const region of REGIONS) {
      for (const endpoint of ENDPOINTS) {
        for (const credentials of CREDENTIALS) {
          const config = { region, credentials, ...endpoint };
          const client = sdkClientFor(config);
          for (const bucket of BUCKETS) {
            process.env[buckets.evidence.envVar] = bucket;
            const cases = [
              ...EVIDENCE.map((evidence) => ({
                ours: () => presignEvidenceUpload(evidence, UPLOAD_EXPIRY_SECONDS, config),
                theirs: evidenceParams(evidence, bucket),
              })),
              ...POSTS.map(({ post, expires }) => ({
                ours: () => presignPost({ ...post, bucket }, expires, config),
                theirs: asOptions({ ...post, bucket }, expires),
              })),
            ];
            for (const { ours, theirs } of cases) {
              const expected = await createPresignedPost(client, theirs).catch((error: Error) => error);
              if (expected instanceof Error) {
                // The SDK puts a dotted name before an IP address (an invalid URL); ours is path-style.
                sdkFailed.add(`${endpoint.endpoint} ${endpoint.forcePathStyle} ${bucket}`);
                expect(new URL((await ours()).url).pathname).toBe(`/${bucket}`);
                continue;
              }
              const actual = await ours();
              const context = JSON.stringify({ config, theirs });
              expect(actual.url, context).toBe(expected.url);
              // Same fields, same values, same order (a form sends them in this order).
              expect(Object.entries(actual.fields), context).toEqual(Object.entries(expected.fields));
              compared += 1;
            }
          }
        }
      }
    }
    expect(sdkFailed).toEqual(new Set(['http://127.0.0.1:4566 false rectify.evidence']));
    expect(compared).toBe(
      (REGIONS.length * ENDPOINTS.length * CREDENTIALS.length * BUCKETS.length - REGIONS.length * 2) *
        (EVIDENCE.length + POSTS.length),
    );
  });

  it('fixes the evidence’s key, size, type, name and checksum, and expires when said', async () => {
    const [evidence] = EVIDENCE as [(typeof EVIDENCE)[number]];
    process.env[buckets.evidence.envVar] = 'rectify-evidence';
    const credentials = CREDENTIALS[1] as (typeof CREDENTIALS)[number];
    const { url, fields } = await presignEvidenceUpload(evidence, UPLOAD_EXPIRY_SECONDS, {
      region: 'cn-north-1',
      credentials,
    });
    expect(url).toBe('https://rectify-evidence.s3.cn-north-1.amazonaws.com.cn/');
    const checksum = Buffer.from(evidence.sha256, 'hex').toString('base64');
    const disposition = contentDisposition(evidence.fileName);
    expect(disposition).toContain(encodeURIComponent('巡察整改报告'));
    expect(fields).toEqual({
      'Content-Type': 'application/pdf',
      'Content-Disposition': disposition,
      'x-amz-checksum-algorithm': 'SHA256',
      'x-amz-checksum-sha256': checksum,
      bucket: 'rectify-evidence',
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': 'ASIAEXAMPLE/20250304/cn-north-1/s3/aws4_request',
      'X-Amz-Date': '20250304T050607Z',
      'X-Amz-Security-Token': credentials.sessionToken,
      key: evidence.objectKey,
      Policy: expect.any(String),
      'X-Amz-Signature': expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const policy = JSON.parse(Buffer.from(fields.Policy ?? '', 'base64').toString('utf8')) as unknown;
    expect(policy).toEqual({
      expiration: '2025-03-04T05:21:07Z',
      conditions: [
        ['content-length-range', evidence.size, evidence.size],
        ['eq', '$Content-Type', 'application/pdf'],
        ['eq', '$Content-Disposition', disposition],
        ['eq', '$x-amz-checksum-algorithm', 'SHA256'],
        ['eq', '$x-amz-checksum-sha256', checksum],
        { 'Content-Type': 'application/pdf' },
        { 'Content-Disposition': disposition },
        { 'x-amz-checksum-algorithm': 'SHA256' },
        { 'x-amz-checksum-sha256': checksum },
        { bucket: 'rectify-evidence' },
        { 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256' },
        { 'X-Amz-Credential': 'ASIAEXAMPLE/20250304/cn-north-1/s3/aws4_request' },
        { 'X-Amz-Date': '20250304T050607Z' },
        { 'X-Amz-Security-Token': credentials.sessionToken },
        { key: evidence.objectKey },
      ],
    });
  });

  it('is signed at the given instant when one is given', async () => {
    const config = { region: 'eu-west-1', credentials: CREDENTIALS[0] as (typeof CREDENTIALS)[number] };
    const signingDate = new Date('2024-12-31T23:59:59.999Z');
    const post = { bucket: 'rectify-evidence', key: 'k' };
    vi.setSystemTime(signingDate);
    const expected = await createPresignedPost(sdkClientFor(config), asOptions(post, 1));
    vi.setSystemTime(NOW);
    const actual = await presignPost(post, 1, { ...config, signingDate });
    expect(actual).toEqual(expected);
    expect(JSON.parse(Buffer.from(actual.fields.Policy ?? '', 'base64').toString()).expiration).toBe(
      '2025-01-01T00:00:00Z',
    );
  });
});

describe('the POST signer’s environment', () => {
  const NAMES = [
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_S3',
    'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    'RECTIFY_S3_FORCE_PATH_STYLE',
    buckets.evidence.envVar,
  ];
  const clearEnv = restoringEnv(NAMES);

  const ENVIRONMENTS: Record<string, string>[] = [
    { AWS_REGION: 'eu-west-1' },
    { AWS_REGION: 'us-east-1', AWS_SESSION_TOKEN: 'session/token+=' },
    // The local runtime: the emulator, path-style.
    {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      RECTIFY_S3_FORCE_PATH_STYLE: 'true',
    },
    {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://localhost:1',
      AWS_ENDPOINT_URL_S3: 'http://localhost:4566',
    },
  ];

  it('is read as the S3 client reads it', async () => {
    vi.useFakeTimers({ now: NOW, toFake: ['Date'] });
    const [evidence] = EVIDENCE as [(typeof EVIDENCE)[number]];
    for (const environment of ENVIRONMENTS) {
      clearEnv();
      Object.assign(process.env, {
        ...ENV_ACCESS_KEY,
        [buckets.evidence.envVar]: 'rectify-evidence',
        ...environment,
      });
      // As storage/client.ts made the client presignEvidenceUpload used.
      const client = new S3Client({ forcePathStyle: process.env.RECTIFY_S3_FORCE_PATH_STYLE === 'true' });
      onTestFinished(() => client.destroy());
      const expected = await createPresignedPost(client, evidenceParams(evidence, 'rectify-evidence'));
      // The environment's credentials, read as the SDK reads them (the session token changes).
      const config = {
        ...presignConfigFromEnv(),
        credentials: envCredentials(environment),
      };
      expect(
        await presignEvidenceUpload(evidence, UPLOAD_EXPIRY_SECONDS, config),
        JSON.stringify(environment),
      ).toEqual(expected);
    }
  });
});
