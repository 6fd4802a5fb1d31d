import { randomUUID, type webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#shared/domain/roles.ts';
import { CLAIM } from '#shared/http/claims.ts';

/**
 * The local stand-in for Cognito: one ES256 key pair kept in `.rectify/` (never committed),
 * tokens with the claims Cognito ID tokens carry, and verification with the same checks the
 * cloud's HTTP API JWT authorizer makes: signature, issuer, audience, expiry.
 */
export const DEV_ISSUER = 'https://rectify.local/dev-idp';
export const DEV_AUDIENCE = 'rectify-local';
const ALGORITHM = 'ES256';
const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

export function devKeyFile(): string {
  return process.env.RECTIFY_DEV_KEY_FILE ?? path.join(PROJECT_ROOT, '.rectify/dev-signing-key.json');
}

type CryptoKey = webcrypto.CryptoKey;

export interface DevKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** Loads the development signing key, creating it on first use. */
export async function loadOrCreateDevKey(file = devKeyFile()): Promise<DevKey> {
  if (!existsSync(file)) {
    const pair = await generateKeyPair(ALGORITHM, { extractable: true });
    const stored: StoredKey = {
      kid: randomUUID(),
      privateJwk: await exportJWK(pair.privateKey),
      publicJwk: await exportJWK(pair.publicKey),
    };
    mkdirSync(path.dirname(file), { recursive: true });
    // `wx`: two processes creating the key at once must not overwrite each other's.
    try {
      writeFileSync(file, JSON.stringify(stored, null, 2), { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredKey;
  return {
    kid: stored.kid,
    privateKey: (await importJWK(stored.privateJwk, ALGORITHM)) as CryptoKey,
    publicKey: (await importJWK(stored.publicJwk, ALGORITHM)) as CryptoKey,
  };
}

export interface DevTokenRequest {
  readonly role: Role;
  readonly department?: string;
  readonly name?: string;
  readonly subject?: string;
  readonly ttlSeconds?: number;
  /** Only tests set these, to make tokens the authorizer must refuse. */
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresAt?: Date;
}

/** A token shaped like a Cognito ID token for the given role. */
export async function mintDevToken(key: DevKey, request: DevTokenRequest): Promise<string> {
  const subject =
    request.subject ?? `dev-${request.role}${request.department ? `-${request.department}` : ''}`;
  const claims: JWTPayload = {
    [CLAIM.name]: request.name ?? `Dev ${request.role}`,
    [CLAIM.groups]: [request.role],
    token_use: 'id',
    ...(request.department ? { [CLAIM.department]: request.department } : {}),
  };
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(request.issuer ?? DEV_ISSUER)
    .setAudience(request.audience ?? DEV_AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(
      request.expiresAt
        ? Math.floor(request.expiresAt.getTime() / 1000)
        : now + (request.ttlSeconds ?? 12 * 3600),
    )
    .sign(key.privateKey);
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: string };

/** Verifies a bearer token as the cloud authorizer would. */
export async function verifyDevToken(key: DevKey, authorization: string | undefined): Promise<TokenCheck> {
  if (!authorization) return { ok: false, reason: 'missing Authorization header' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) return { ok: false, reason: 'Authorization header is not "Bearer <token>"' };
  try {
    const { payload } = await jwtVerify(match[1], key.publicKey, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: [ALGORITHM],
    });
    return { ok: true, claims: payload };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
    const reasons: Record<string, string> = {
      ERR_JWT_EXPIRED: 'token expired',
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'token signature does not verify',
      ERR_JWT_CLAIM_VALIDATION_FAILED: `token claim rejected (${(error as { claim?: string }).claim ?? 'unknown'})`,
    };
    return { ok: false, reason: reasons[code] ?? 'token is malformed' };
  }
}
