import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { contentDisposition } from '#shared/http/response.ts';
import { presignedDownload } from '#shared/storage/files.ts';
import { presignConfigFromEnv, type S3PresignConfig } from '#shared/storage/presign.ts';
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
 * The download links are signed without the S3 client (storage/presign.ts: the HTTP reads that
 * hand them out would otherwise bundle it, ~200 KB, for nothing else). Each must be, character
 * for character, the URL the client's own presigner makes for the same GetObject: same host,
 * path, query and signature, with the same credentials at the same instant.
 */

const signingDate = new Date('2025-03-04T05:06:07Z');
const SECONDS = 300;
const KEYS = [
  'uploads/ev-1',
  'summaries/insp-1/sum-1/整改台账 2025.xlsx',
  'a/b+c%d~e!\'()*&=?#;,:@$[]{}^`|<>"\\.pdf',
  'plain',
  'dir//double/slash/',
  ' leading and trailing ',
  'ümlaut/ファイル/😀.txt',
];
const FILE_NAMES = ['巡察整改台账（2025年第1期）.xlsx', 'report "final".pdf', 'plain.zip'];
const BUCKETS = ['rectify-evidence-1a2b3c', 'rectify.archives', 'Rectify_Archives'];
const VERSIONS = [undefined, 'Ws0.fN8c+_Lf/3x=='];

async function sdkUrl(
  config: S3PresignConfig,
  object: { bucket: string; key: string; versionId?: string | undefined },
  fileName: string,
): Promise<string> {
  return getSignedUrl(
    sdkClientFor(config),
    new GetObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      ...(object.versionId ? { VersionId: object.versionId } : {}),
      ResponseContentDisposition: contentDisposition(fileName),
    }),
    { expiresIn: SECONDS, signingDate },
  );
}

async function ourUrl(
  config: S3PresignConfig,
  object: { bucket: string; key: string; versionId?: string | undefined },
  fileName: string,
): Promise<string> {
  const { versionId, ...rest } = object;
  const { url } = await presignedDownload(
    { ...rest, ...(versionId ? { versionId } : {}) },
    fileName,
    SECONDS,
    signingDate,
    { ...config, signingDate },
  );
  return url;
}

describe('a presigned download link', () => {
  it('is the S3 client’s own presigned GetObject URL, across regions, endpoints, keys and names', async () => {
    // The SDK reports the one URL it cannot build (below) on the console as well as throwing.
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    onTestFinished(() => quiet.mockRestore());
    let compared = 0;
    const sdkFailed: string[] = [];
    for (const region of REGIONS) {
      for (const endpoint of ENDPOINTS) {
        for (const [c, credentials] of CREDENTIALS.entries()) {
          for (const bucket of BUCKETS) {
            for (const [k, key] of KEYS.entries()) {
              const versionId = VERSIONS[(k + c) % VERSIONS.length];
              const fileName = FILE_NAMES[(k + c) % FILE_NAMES.length] as string;
              const config = { region, credentials, ...endpoint };
              const object = { bucket, key, versionId };
              const ours = await ourUrl(config, object, fileName);
              const theirs = await sdkUrl(config, object, fileName).catch((error: Error) => error);
              if (theirs instanceof Error) {
                // The SDK puts a dotted name before an IP address (an invalid URL); ours is path-style.
                sdkFailed.push(`${endpoint.endpoint} ${endpoint.forcePathStyle} ${bucket}`);
                expect(new URL(ours).pathname.startsWith(`/${bucket}/`)).toBe(true);
                continue;
              }
              expect(ours, JSON.stringify({ config, object })).toBe(theirs);
              compared += 1;
            }
          }
        }
      }
    }
    expect(new Set(sdkFailed)).toEqual(new Set(['http://127.0.0.1:4566 false rectify.archives']));
    expect(compared + sdkFailed.length).toBe(
      REGIONS.length * ENDPOINTS.length * CREDENTIALS.length * BUCKETS.length * KEYS.length,
    );
  });

  it('names the exact version, saves under the original (Chinese) name, and expires when said', async () => {
    const { url, expiresAt } = await presignedDownload(
      { bucket: 'rectify-evidence', key: 'uploads/ev-1', versionId: 'v+1' },
      '整改.pdf',
      SECONDS,
      signingDate,
      { region: 'cn-north-1', credentials: CREDENTIALS[0] as S3PresignConfig['credentials'], signingDate },
    );
    const parsed = new URL(url);
    expect(parsed.host).toBe('rectify-evidence.s3.cn-north-1.amazonaws.com.cn');
    expect(parsed.searchParams.get('versionId')).toBe('v+1');
    expect(parsed.searchParams.get('x-id')).toBe('GetObject');
    expect(parsed.searchParams.get('response-content-disposition')).toBe(contentDisposition('整改.pdf'));
    expect(parsed.searchParams.get('X-Amz-Expires')).toBe(String(SECONDS));
    expect(expiresAt).toBe(new Date(signingDate.getTime() + SECONDS * 1000).toISOString());
  });
});

describe('the presigner’s environment', () => {
  const NAMES = [
    'AWS_REGION',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_S3',
    'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS',
    'AWS_USE_FIPS_ENDPOINT',
    'AWS_USE_DUALSTACK_ENDPOINT',
    'RECTIFY_S3_FORCE_PATH_STYLE',
  ];
  const clearEnv = restoringEnv(NAMES);

  const ENVIRONMENTS: Record<string, string>[] = [
    { AWS_REGION: 'eu-west-1' },
    { AWS_REGION: 'us-east-1', AWS_SESSION_TOKEN: 'session/token+=' },
    { AWS_REGION: 'cn-north-1' },
    // The local runtime: the emulator, path-style.
    {
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      RECTIFY_S3_FORCE_PATH_STYLE: 'true',
    },
    { AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: 'http://localhost:4566' },
    {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://localhost:1',
      AWS_ENDPOINT_URL_S3: 'http://localhost:4566/s3',
    },
    {
      AWS_REGION: 'eu-west-1',
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    },
  ];

  it('is read as the S3 client reads it', async () => {
    // Date only: the signing instant, for both signers.
    vi.useFakeTimers({ toFake: ['Date'], now: signingDate });
    for (const environment of ENVIRONMENTS) {
      clearEnv();
      Object.assign(process.env, { ...ENV_ACCESS_KEY, ...environment });
      const object = { bucket: 'rectify-evidence', key: 'summaries/i/s/汇总 表.xlsx', versionId: 'v1' };
      // As storage/client.ts makes the functions' client.
      const client = new S3Client({ forcePathStyle: process.env.RECTIFY_S3_FORCE_PATH_STYLE === 'true' });
      const expected = await getSignedUrl(
        client,
        new GetObjectCommand({
          Bucket: object.bucket,
          Key: object.key,
          VersionId: object.versionId,
          ResponseContentDisposition: contentDisposition('汇总.xlsx'),
        }),
        { expiresIn: SECONDS },
      );
      const config = presignConfigFromEnv();
      // The environment's credentials, read as the SDK reads them (the session token changes).
      const { url } = await presignedDownload(object, '汇总.xlsx', SECONDS, new Date(), {
        ...config,
        credentials: envCredentials(environment),
      });
      expect(url, JSON.stringify(environment)).toBe(expected);
    }
  });

  it('takes its credentials from the default chain (here, the environment)', async () => {
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    const { url } = await presignedDownload({ bucket: 'rectify-evidence', key: 'k' }, 'a.pdf', SECONDS);
    expect(new URL(url).searchParams.get('X-Amz-Credential')).toMatch(/^AKIDENV\//);
  });

  it('refuses FIPS and dual-stack endpoints, naming the variable', () => {
    for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
      clearEnv();
      Object.assign(process.env, { AWS_REGION: 'us-east-1', [name]: 'true' });
      expect(() => presignConfigFromEnv()).toThrow(name);
    }
  });

  it('says when there is no region', () => {
    clearEnv();
    expect(() => presignConfigFromEnv()).toThrow('AWS_REGION');
  });
});
