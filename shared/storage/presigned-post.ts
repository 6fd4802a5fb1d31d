import { Sha256 } from '@smithy/core/checksum';
import { toHex, toUint8Array } from '@smithy/core/serde';
import { createScope, getSigningKey } from '@smithy/signature-v4';
import { bucketUrl, presignConfigFromEnv, type S3PresignConfig } from './presign.ts';

/**
 * Presigned S3 POSTs (browser form uploads) without the S3 client: the function that hands out
 * evidence uploads does nothing else with S3, and `@aws-sdk/s3-presigned-post` needs a client
 * only for its config (~200 KB of the bundle). The url and fields are the ones its
 * `createPresignedPost` makes (test/unit/presigned-post.test.ts compares them): the same policy,
 * signed with the same SigV4 key derivation, posted to the bucket URL presign.ts gives.
 */

/** A policy condition, as `createPresignedPost` takes them. */
export type PostCondition =
  | Readonly<Record<string, string>>
  | readonly ['eq' | 'starts-with', string, string]
  | readonly ['content-length-range', number, number];

export interface PostToSign {
  readonly bucket: string;
  /** Ending in `${filename}`, the form may complete it (the policy then fixes the rest only). */
  readonly key: string;
  /** Form fields to send, each also fixed by the policy. */
  readonly fields?: Readonly<Record<string, string>>;
  readonly conditions?: readonly PostCondition[];
}

export interface PresignedPost {
  /** The form's action. */
  readonly url: string;
  /** Every field the form must send before the file, in this order. */
  readonly fields: Record<string, string>;
}

/** A presigned POST whose policy expires `expiresIn` seconds after its signing. */
export async function presignPost(
  post: PostToSign,
  expiresIn: number,
  config: S3PresignConfig = presignConfigFromEnv(),
): Promise<PresignedPost> {
  const url = bucketUrl(post.bucket, config).href;
  const credentials =
    typeof config.credentials === 'function' ? await config.credentials() : config.credentials;
  const now = config.signingDate ?? new Date();
  const amzDate = iso8601(now).replace(/[-:]/g, '');
  const shortDate = amzDate.slice(0, 8);
  const fields: Record<string, string> = {
    ...post.fields,
    bucket: post.bucket,
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `${credentials.accessKeyId}/${createScope(shortDate, config.region, 's3')}`,
    'X-Amz-Date': amzDate,
    ...(credentials.sessionToken ? { 'X-Amz-Security-Token': credentials.sessionToken } : {}),
  };
  // createPresignedPost's conditions, in its order and each once: the caller's, one per field
  // (the signing fields too), then the key.
  const keyCondition = post.key.endsWith(FILENAME)
    ? ['starts-with', '$key', post.key.slice(0, post.key.lastIndexOf(FILENAME))]
    : { key: post.key };
  const conditions = new Set(
    [...(post.conditions ?? []), ...Object.entries(fields).map(([k, v]) => ({ [k]: v })), keyCondition].map(
      (condition) => JSON.stringify(condition),
    ),
  );
  const policy = Buffer.from(
    JSON.stringify({
      expiration: iso8601(new Date(now.getTime() + expiresIn * 1000)),
      conditions: [...conditions].map((condition) => JSON.parse(condition) as unknown),
    }),
  ).toString('base64');
  // A POST policy is signed as is: the HMAC of the base64 policy with the SigV4 signing key.
  const hmac = new Sha256(await getSigningKey(Sha256, credentials, shortDate, config.region, 's3'));
  hmac.update(toUint8Array(policy));
  return {
    url,
    fields: { ...fields, key: post.key, Policy: policy, 'X-Amz-Signature': toHex(await hmac.digest()) },
  };
}

/** What S3 replaces with the uploaded file's name in a POST's key. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: S3's placeholder, not a template.
const FILENAME = '${filename}';

/** ISO 8601 to the second, as SigV4 writes it. */
const iso8601 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
