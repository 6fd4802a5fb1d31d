/**
 * Every Lambda function of Rectify, declared once: its handler file, what triggers it, its size
 * and the resources it may touch. The CDK stack (infra/) turns each entry into a function, its
 * trigger and least-privilege grants; the local runtime (local/) serves the same routes, polls
 * the same queues and fires the same schedules. Nothing is wired twice.
 *
 * This file is data only: it imports no handler and no AWS SDK, so the CDK app and the handlers
 * can both read it cheaply.
 */

import type { BucketName, BusName, TableName } from '#infra/resources.ts';
import type { Role } from '#shared/domain/roles.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `public` routes carry no authorizer; all others need a valid JWT and one of the roles. */
export type RouteAuth = 'public' | readonly [Role, ...Role[]];

export type Trigger =
  | { readonly kind: 'http'; readonly method: HttpMethod; readonly path: string; readonly auth: RouteAuth }
  /** API Gateway's `$default` route: whatever no other route matched. */
  | { readonly kind: 'http-fallback' }
  | { readonly kind: 'sqs'; readonly queue: string; readonly batchSize?: number }
  | { readonly kind: 'stream'; readonly table: TableName; readonly batchSize?: number }
  | { readonly kind: 'schedule'; readonly cron: string; readonly timezone: string }
  | { readonly kind: 's3'; readonly bucket: BucketName; readonly prefix: string };

export type Access =
  | { readonly table: TableName; readonly mode: 'read' | 'readWrite' }
  | { readonly bucket: BucketName; readonly mode: 'read' | 'write' | 'readWrite' }
  | { readonly bus: BusName; readonly mode: 'put' };

export interface FunctionSpec {
  /** Path of the handler module from the project root; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly triggers: readonly Trigger[];
  readonly memoryMiB: number;
  readonly timeoutSeconds: number;
  readonly access: readonly Access[];
}

const ALL_ROLES = ['admin', 'leader', 'department', 'auditor'] as const satisfies RouteAuth;

export const functions = {
  health: {
    entry: 'functions/health/handler.ts',
    description: 'Liveness probe: answers without a token and touches no data.',
    triggers: [{ kind: 'http', method: 'GET', path: '/health', auth: 'public' }],
    memoryMiB: 256,
    timeoutSeconds: 3,
    access: [],
  },
  me: {
    entry: 'functions/me/handler.ts',
    description: "The caller's identity as the verified token states it: subject, name, roles, department.",
    triggers: [{ kind: 'http', method: 'GET', path: '/me', auth: ALL_ROLES }],
    memoryMiB: 256,
    timeoutSeconds: 3,
    access: [],
  },
  routeNotFound: {
    entry: 'functions/route-not-found/handler.ts',
    description:
      'Answers 404 for unknown paths and 405 for a known path with the wrong method, in the API error format.',
    triggers: [{ kind: 'http-fallback' }],
    memoryMiB: 256,
    timeoutSeconds: 3,
    access: [],
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export interface HttpRoute {
  readonly functionName: FunctionName;
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: RouteAuth;
}

/** Every HTTP route of every function, in declaration order. */
export function httpRoutes(): HttpRoute[] {
  return Object.entries(functions).flatMap(([functionName, spec]) =>
    (spec.triggers as readonly Trigger[]).flatMap((trigger) =>
      trigger.kind === 'http'
        ? [
            {
              functionName: functionName as FunctionName,
              method: trigger.method,
              path: trigger.path,
              auth: trigger.auth,
            },
          ]
        : [],
    ),
  );
}

/** The one function behind the `$default` route. */
export function fallbackFunction(): FunctionName {
  const names = Object.entries(functions)
    .filter(([, spec]) => (spec.triggers as readonly Trigger[]).some((t) => t.kind === 'http-fallback'))
    .map(([name]) => name as FunctionName);
  if (names.length !== 1)
    throw new Error(`exactly one http-fallback function expected, found ${names.length}`);
  return names[0] as FunctionName;
}
