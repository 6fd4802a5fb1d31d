import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListMultipartUploadsCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { emulatorClientConfig, type LocalResources } from '#local/bootstrap.ts';
import type { Emulator } from '#local/emulator/types.ts';

/**
 * A request exactly as written: the path is sent byte for byte (no dot-segment removal, no
 * re-encoding, unlike fetch) and headers are a list, so a name may repeat.
 */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body?: string | Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

/** Sends a raw request on a fresh connection; a connection the server cut counts as status 0. */
export function sendRaw(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers: string[] = request.headers.flat();
  // Node adds no Host header to a header list: HTTP/1.1 needs one.
  if (!request.headers.some(([name]) => name.toLowerCase() === 'host')) headers.unshift('host', base.host);
  if (body && !request.headers.some(([name]) => name.toLowerCase() === 'content-length')) {
    headers.push('content-length', String(body.length));
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      // The server may answer 413 and close before it has read a huge body.
      if (error.code === 'EPIPE' || error.code === 'ECONNRESET') {
        resolve({ status: 0, headers: {}, text: `connection closed: ${error.code}` });
      } else reject(error);
    });
    outgoing.end(body);
  });
}

/** The statuses the public contract (DESIGN §4 and the OpenAPI document) lets a client see. */
export const DOCUMENTED_CLIENT_ERRORS: ReadonlySet<number> = new Set([
  400, 401, 403, 404, 405, 409, 413, 415, 422,
]);

/**
 * What is wrong with a 4xx response, if anything: it must be a documented status and JSON
 * `{ "error": { code, message, details? } }` with no stack trace. The one check every hostile
 * request goes through.
 */
export function errorShapeProblem(response: RawResponse): string | undefined {
  if (response.status < 400 || response.status >= 500) return undefined;
  if (!DOCUMENTED_CLIENT_ERRORS.has(response.status)) return `undocumented status ${response.status}`;
  const contentType = String(response.headers['content-type'] ?? '');
  if (!/^application\/json\b/i.test(contentType)) return `content-type ${contentType || '(none)'}`;
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return 'body is not JSON';
  }
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  if (!error || typeof error !== 'object' || Array.isArray(error)) return 'no error object';
  if (typeof error.code !== 'string' || !error.code) return 'error.code is not a string';
  if (typeof error.message !== 'string' || !error.message) return 'error.message is not a string';
  const extra = Object.keys(body as object).filter((key) => key !== 'error');
  if (extra.length) return `unexpected top-level keys ${extra.join(', ')}`;
  const unknown = Object.keys(error).filter(
    (key) => !['code', 'message', 'details', 'requestId'].includes(key),
  );
  if (unknown.length) return `unexpected error keys ${unknown.join(', ')}`;
  if (/\bat .+\.(ts|js):\d+/.test(response.text)) return 'a stack trace';
  return undefined;
}

/** A JSON value with object keys sorted, so equal records print equal. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** DynamoDB sets are unordered: sort their members before printing. */
function canonicalAttribute(value: AttributeValue): unknown {
  if (value.SS) return { SS: [...value.SS].sort() };
  if (value.NS) return { NS: [...value.NS].sort() };
  if (value.BS) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')).sort() };
  if (value.M)
    return { M: Object.fromEntries(Object.entries(value.M).map(([k, v]) => [k, canonicalAttribute(v)])) };
  if (value.L) return { L: value.L.map(canonicalAttribute) };
  return value;
}

export interface StateSnapshot {
  /** SHA-256 over every record and object, in canonical order. */
  readonly hash: string;
  /** Each table record (`table PK SK`) and storage object (`bucket key version`), printed canonically. */
  readonly entries: ReadonlyMap<string, string>;
}

/**
 * The stage's whole persistent state: every record of every table (a consistent Scan) and every
 * object version, delete marker and open multipart upload of every bucket.
 */
export async function snapshotState(emulator: Emulator, resources: LocalResources): Promise<StateSnapshot> {
  const config = emulatorClientConfig(emulator);
  const dynamodb = new DynamoDBClient(config);
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const entries = new Map<string, string>();
  try {
    for (const [table, { name }] of Object.entries(resources.tables)) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamodb.send(
          new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }),
        );
        for (const item of page.Items ?? []) {
          const printed = JSON.stringify(
            canonical(Object.fromEntries(Object.entries(item).map(([k, v]) => [k, canonicalAttribute(v)]))),
          );
          entries.set(`${table} ${item.PK?.S ?? '?'} ${item.SK?.S ?? '?'}`, printed);
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    for (const [bucket, { name }] of Object.entries(resources.buckets)) {
      let keyMarker: string | undefined;
      let versionMarker: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectVersionsCommand({
            Bucket: name,
            KeyMarker: keyMarker,
            VersionIdMarker: versionMarker,
          }),
        );
        for (const version of page.Versions ?? []) {
          entries.set(
            `${bucket} ${version.Key} ${version.VersionId}`,
            JSON.stringify({ etag: version.ETag, size: version.Size, latest: version.IsLatest }),
          );
        }
        for (const marker of page.DeleteMarkers ?? []) {
          entries.set(
            `${bucket} ${marker.Key} ${marker.VersionId}`,
            JSON.stringify({ deleteMarker: true, latest: marker.IsLatest }),
          );
        }
        keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
        versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
      } while (keyMarker);
      const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: name }));
      for (const upload of uploads.Uploads ?? []) {
        entries.set(`${bucket} ${upload.Key} upload:${upload.UploadId}`, 'multipart upload');
      }
    }
  } finally {
    dynamodb.destroy();
    s3.destroy();
  }
  const hash = createHash('sha256');
  for (const key of [...entries.keys()].sort()) hash.update(`${key}\n${entries.get(key)}\n`);
  return { hash: hash.digest('hex'), entries };
}

/** What changed between two snapshots, one line per record or object (empty when equal). */
export function snapshotDiff(before: StateSnapshot, after: StateSnapshot): string[] {
  const lines: string[] = [];
  for (const [key, value] of after.entries) {
    const earlier = before.entries.get(key);
    if (earlier === undefined) lines.push(`added   ${key}: ${value.slice(0, 300)}`);
    else if (earlier !== value)
      lines.push(`changed ${key}: ${earlier.slice(0, 300)} -> ${value.slice(0, 300)}`);
  }
  for (const key of before.entries.keys()) if (!after.entries.has(key)) lines.push(`removed ${key}`);
  return lines.sort();
}

/**
 * Waits until the state holds still (consumers behind the stream and queues have caught up):
 * the same snapshot `times` in a row, `intervalMs` apart.
 */
export async function settledSnapshot(
  take: () => Promise<StateSnapshot>,
  { times = 3, intervalMs = 500, timeoutMs = 30_000 } = {},
): Promise<StateSnapshot> {
  const deadline = Date.now() + timeoutMs;
  let last = await take();
  let same = 1;
  while (same < times) {
    if (Date.now() > deadline) throw new Error('the state did not settle');
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const next = await take();
    same = next.hash === last.hash ? same + 1 : 1;
    last = next;
  }
  return last;
}
