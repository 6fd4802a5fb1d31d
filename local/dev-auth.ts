import { randomUUID, type webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import type { Role } from '#shared/domain/roles.ts';
import { CLAIM, MAX_TOKEN_AGE_SECONDS } from '#shared/http/claims.ts';

/**
 * The local stand-in for Cognito: one ES256 key pair kept in `.rectify/` (never committed),
 * tokens with the claims Cognito ID tokens carry, and verification with the checks the cloud's
 * HTTP API JWT authorizer makes (signature, issuer, audience, expiry) plus those the handlers
 * make after it (shared/http/claims.ts): an ID token, with `sub`, `iat` and `exp`, not too old.
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
  /** `custom:leaderId`, the key a leader is matched to items by; left out when not given. */
  readonly leaderId?: string;
  readonly ttlSeconds?: number;
  /** Only tests set these, to make tokens the authorizer must refuse. */
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresAt?: Date;
  readonly issuedAt?: Date;
  /** `access` (or anything but `id`) makes a token shaped like a Cognito access token. */
  readonly tokenUse?: string;
  /** A token without `exp`. */
  readonly omitExpiry?: boolean;
}

/** A token shaped like a Cognito ID token for the given role. */
export async function mintDevToken(key: DevKey, request: DevTokenRequest): Promise<string> {
  const subject =
    request.subject ?? `dev-${request.role}${request.department ? `-${request.department}` : ''}`;
  const claims: JWTPayload = {
    [CLAIM.name]: request.name ?? `Dev ${request.role}`,
    [CLAIM.groups]: [request.role],
    [CLAIM.tokenUse]: request.tokenUse ?? 'id',
    ...(request.department ? { [CLAIM.department]: request.department } : {}),
    ...(request.leaderId ? { [CLAIM.leaderId]: request.leaderId } : {}),
  };
  const now = Math.floor((request.issuedAt?.getTime() ?? Date.now()) / 1000);
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
    .setSubject(subject)
    .setIssuer(request.issuer ?? DEV_ISSUER)
    .setAudience(request.audience ?? DEV_AUDIENCE)
    .setIssuedAt(now);
  if (!request.omitExpiry) {
    jwt.setExpirationTime(
      request.expiresAt
        ? Math.floor(request.expiresAt.getTime() / 1000)
        : now + (request.ttlSeconds ?? 12 * 3600),
    );
  }
  return jwt.sign(key.privateKey);
}

export type TokenCheck =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: string };

/**
 * Tokens whose signature this key verified, with their claims. The signature covers the exact
 * token text, so the same text verifies the same way again: only its time limits are checked
 * anew. An ES256 verification costs most of a millisecond, more than the rest of a request's
 * local routing, and a client sends one token many times.
 */
const verifiedTokens = new WeakMap<DevKey, Map<string, JWTPayload>>();
/** A client rotates through few tokens; more than this many live ones means a flood: start over. */
const MAX_VERIFIED_TOKENS = 10_000;

/** Whether a verified token's time limits (exp, and the age limit from iat) still hold. */
function stillValid(claims: JWTPayload, nowSeconds: number): boolean {
  const { exp, iat } = claims;
  return (
    typeof exp === 'number' &&
    typeof iat === 'number' &&
    nowSeconds < exp &&
    nowSeconds - iat <= MAX_TOKEN_AGE_SECONDS
  );
}

/** Verifies a bearer token as the cloud authorizer would. */
export async function verifyDevToken(key: DevKey, authorization: string | undefined): Promise<TokenCheck> {
  if (!authorization) return { ok: false, reason: 'missing Authorization header' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) return { ok: false, reason: 'Authorization header is not "Bearer <token>"' };
  const token = match[1];
  let verified = verifiedTokens.get(key);
  const known = verified?.get(token);
  if (known && stillValid(known, Math.floor(Date.now() / 1000))) return { ok: true, claims: known };
  // Expired since: verified again below, which refuses it with the reason.
  verified?.delete(token);
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      algorithms: [ALGORITHM],
      // jose checks `exp` only when present; Cognito always sets it, so a token without is forged.
      requiredClaims: [CLAIM.subject, CLAIM.issuedAt, CLAIM.expiresAt],
      // No clock tolerance: the issuer is this machine (shared/http/claims.ts allows for skew).
      maxTokenAge: MAX_TOKEN_AGE_SECONDS,
    });
    if (payload[CLAIM.tokenUse] !== 'id') return { ok: false, reason: 'not an ID token (token_use)' };
    if (!verified) {
      verified = new Map();
      verifiedTokens.set(key, verified);
    }
    if (verified.size >= MAX_VERIFIED_TOKENS) verified.clear();
    verified.set(token, payload);
    return { ok: true, claims: payload };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'ERR_JWT_INVALID';
    const claim = (error as { claim?: string }).claim;
    const reasons: Record<string, string> = {
      // maxTokenAge reports an old `iat` as expired too; say which limit it was.
      ERR_JWT_EXPIRED:
        claim === CLAIM.issuedAt
          ? `token older than ${MAX_TOKEN_AGE_SECONDS / 3600} h (iat)`
          : 'token expired',
      ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'token signature does not verify',
      ERR_JWT_CLAIM_VALIDATION_FAILED: `token claim rejected (${claim ?? 'unknown'})`,
    };
    return { ok: false, reason: reasons[code] ?? 'token is malformed' };
  }
}
