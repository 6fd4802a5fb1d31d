/**
 * How the console is served, in one place for the cloud (CloudFront's response headers policy,
 * infra/constructs/console-hosting.ts) and for `npm start` (local/console-server.ts), so the
 * browser tests run under the same Content-Security-Policy users get.
 */

export interface ConsoleOrigins {
  /** Where the API answers (`'self'` locally: same origin). */
  readonly api: readonly string[];
  /** Where evidence is uploaded and summaries' charts are read (presigned S3 URLs). */
  readonly storage: readonly string[];
  /** The identity provider the console talks to (Cognito's token endpoint), if any. */
  readonly identity?: readonly string[];
}

/**
 * A strict policy: scripts and styles only from the console's own origin (no inline script, no
 * eval), network only to the API, storage and identity provider, never framed.
 */
export function contentSecurityPolicy(origins: ConsoleOrigins): string {
  const connect = ["'self'", ...origins.api, ...origins.storage, ...(origins.identity ?? [])];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob: ${origins.storage.join(' ')}`.trim(),
    "font-src 'self'",
    `connect-src ${[...new Set(connect)].join(' ')}`,
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Headers every console response carries (CloudFront adds HSTS itself from the policy). */
export function consoleSecurityHeaders(origins: ConsoleOrigins): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(origins),
    'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  };
}

export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** What the console reads at start (`/config.json`): one build serves every stage. */
export type ConsoleConfig =
  | { readonly auth: 'dev'; readonly apiUrl: string; readonly stage: string }
  | {
      readonly auth: 'cognito';
      readonly apiUrl: string;
      readonly stage: string;
      /** `https://cognito-idp.<region>.amazonaws.com/<poolId>`, the OIDC issuer. */
      readonly authority: string;
      readonly clientId: string;
      /** The managed login domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
      readonly loginDomain: string;
    };
