import { isIpAddress, isVirtualHostableS3Bucket, partition } from '@aws-sdk/core/client';
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { Sha256 } from '@smithy/core/checksum';
import { isValidHostLabel } from '@smithy/core/endpoints';
import { extendedEncodeURIComponent, HttpRequest } from '@smithy/core/protocols';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * Presigned S3 GETs without the S3 client: the HTTP reads that hand out download links only sign
 * a URL, and the client would be ~200 KB of their bundles. The URL is the one S3Client's
 * `getSignedUrl` makes for GetObject (test/unit/presign.test.ts compares them), signed by the
 * SDK's S3 presigner, its host chosen with the SDK's partition table and bucket-name rule.
 * Presigned POSTs (uploads) are in presigned-post.ts, on the same config and bucket URL.
 */

export interface S3PresignConfig {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** A custom endpoint (an emulator), as S3Client's `endpoint`. */
  readonly endpoint?: string;
  readonly forcePathStyle?: boolean;
  /** When the URL is signed (its validity starts then); the clock's time when absent. */
  readonly signingDate?: Date;
}

export interface ObjectToGet {
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly responseContentDisposition?: string;
}

/** The default chain, made on first use and kept (outside a bundle it caches what it finds). */
let credentials: AwsCredentialIdentityProvider | undefined;

/**
 * What S3Client takes from the environment for this: AWS_REGION, the endpoint the SDK reads from
 * AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (the local runtime points these at the emulator), the
 * default credential chain (bundles: the environment), and path-style addressing where the local
 * runtime asks for it (storage/client.ts). FIPS and dual-stack endpoints are refused, not guessed.
 */
export function presignConfigFromEnv(env: NodeJS.ProcessEnv = process.env): S3PresignConfig {
  for (const name of ['AWS_USE_FIPS_ENDPOINT', 'AWS_USE_DUALSTACK_ENDPOINT']) {
    if (env[name] === 'true') throw new Error(`${name}=true is not supported by the S3 link presigner`);
  }
  const region = env.AWS_REGION;
  if (!region) throw new Error('Region is missing: AWS_REGION is not set');
  const endpoint =
    env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true'
      ? undefined
      : env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  credentials ??= defaultProvider();
  return {
    region,
    credentials,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: env.RECTIFY_S3_FORCE_PATH_STYLE === 'true',
  };
}

/**
 * The bucket's URL, as S3's endpoint rules give it for a plain bucket name (no ARN, directory or
 * Outposts bucket) without FIPS, dual-stack or acceleration: virtual-hosted where the name can be
 * a host label, path-style otherwise or when asked. Regional in us-east-1 too, as S3Client is.
 * Also the presigned POST's form action (storage/presigned-post.ts).
 */
export function bucketUrl(bucket: string, config: S3PresignConfig): URL {
  if (/^arn:|--(x|xa|op)-s3$/.test(bucket)) {
    throw new Error(`bucket ${bucket}: ARNs, directory and Outposts buckets are not supported here`);
  }
  // Path-style: the rules' `{url#normalizedPath}{uri_encoded_bucket}` (their uriEncode is the
  // SDK's extendedEncodeURIComponent: encodeURIComponent with !'()* escaped too).
  const pathStyle = (origin: string, path: string) =>
    new URL(`${origin}${path.endsWith('/') ? path : `${path}/`}${extendedEncodeURIComponent(bucket)}`);
  if (config.endpoint) {
    const url = new URL(config.endpoint);
    if (url.search) throw new Error(`endpoint ${config.endpoint} has a query`);
    // An IP address has no subdomains: path-style (the SDK itself fails on a dotted name there).
    const virtual =
      !config.forcePathStyle &&
      !isIpAddress(url.hostname) &&
      (isVirtualHostableS3Bucket(bucket, false) ||
        (url.protocol === 'http:' && isVirtualHostableS3Bucket(bucket, true)));
    return virtual
      ? new URL(`${url.protocol}//${bucket}.${url.host}${url.pathname}`)
      : pathStyle(`${url.protocol}//${url.host}`, url.pathname);
  }
  const { region } = config;
  if (region === 'aws-global' || !isValidHostLabel(region)) {
    throw new Error(`region ${region} is not supported by the S3 link presigner`);
  }
  const host = `s3.${region}.${partition(region).dnsSuffix}`;
  return !config.forcePathStyle && isVirtualHostableS3Bucket(bucket, false)
    ? new URL(`https://${bucket}.${host}`)
    : pathStyle(`https://${host}`, '/');
}

/** A presigned GetObject URL valid `expiresIn` seconds from its signing. */
export async function presignGetObject(
  object: ObjectToGet,
  expiresIn: number,
  config: S3PresignConfig = presignConfigFromEnv(),
): Promise<string> {
  const base = bucketUrl(object.bucket, config);
  // GetObject's HTTP binding: `/{Key+}?x-id=GetObject`, each segment of the key escaped.
  const key = `/${object.key.split('/').map(extendedEncodeURIComponent).join('/')}`;
  const request = new HttpRequest({
    method: 'GET',
    protocol: base.protocol,
    hostname: base.hostname,
    ...(base.port ? { port: Number(base.port) } : {}),
    path: base.pathname === '/' ? key : base.pathname + key,
    query: {
      'x-id': 'GetObject',
      ...(object.responseContentDisposition
        ? { 'response-content-disposition': object.responseContentDisposition }
        : {}),
      ...(object.versionId ? { versionId: object.versionId } : {}),
    },
    // What S3Client adds by default (its responseChecksumValidation, WHEN_SUPPORTED); only whoever
    // reads the response, the browser here, could check the checksum S3 then returns.
    headers: { 'x-amz-checksum-mode': 'ENABLED' },
  });
  const presigner = new S3RequestPresigner({
    service: 's3',
    region: config.region,
    credentials: config.credentials,
    sha256: Sha256,
  });
  const signed = await presigner.presign(request, {
    expiresIn,
    signingRegion: config.region,
    signingService: 's3',
    ...(config.signingDate ? { signingDate: config.signingDate } : {}),
  });
  return formatUrl(signed);
}
