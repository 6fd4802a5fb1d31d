import type { HttpMethod } from '#catalog/functions.ts';

/** A route as API Gateway declares it: `GET /items/{itemId}`. */
export interface RouteDeclaration {
  readonly method: HttpMethod;
  readonly path: string;
}

export type RouteMatch<R extends RouteDeclaration> =
  | { readonly kind: 'matched'; readonly route: R; readonly pathParameters: Record<string, string> }
  | { readonly kind: 'method-not-allowed'; readonly allowed: readonly HttpMethod[] }
  /** The path names a route, but a parameter is not percent-encoded UTF-8 (`/evidence/%FF`). */
  | { readonly kind: 'bad-parameter'; readonly route: R; readonly parameter: string }
  | { readonly kind: 'not-found' };

interface CompiledRoute<R> {
  readonly route: R;
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
  /** Literal segments count more than parameters, so `/items/export` beats `/items/{id}`. */
  readonly specificity: number;
}

function compile<R extends RouteDeclaration>(route: R): CompiledRoute<R> {
  const parameterNames: string[] = [];
  let specificity = 0;
  const source = route.path
    .split('/')
    .map((segment) => {
      const parameter = /^\{([A-Za-z][A-Za-z0-9_]*)\}$/.exec(segment);
      if (parameter?.[1]) {
        parameterNames.push(parameter[1]);
        return '([^/]+)';
      }
      specificity += 1;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), parameterNames, specificity };
}

/** A path segment decoded, or undefined when its escapes are not UTF-8 (decodeURIComponent throws). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Matches request paths to declared routes the way API Gateway HTTP APIs do: exact literal
 * segments first, `{name}` captures one segment. A path that exists under another method yields
 * `method-not-allowed` with the methods it does allow.
 */
export class RouteTable<R extends RouteDeclaration> {
  private readonly compiled: CompiledRoute<R>[];

  constructor(routes: readonly R[]) {
    const seen = new Set<string>();
    for (const route of routes) {
      const key = `${route.method} ${route.path.replace(/\{[^}]+\}/g, '{}')}`;
      if (seen.has(key)) throw new Error(`duplicate route ${route.method} ${route.path}`);
      seen.add(key);
    }
    this.compiled = routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  }

  match(method: string, path: string): RouteMatch<R> {
    const allowed = new Set<HttpMethod>();
    for (const candidate of this.compiled) {
      const found = candidate.pattern.exec(path);
      if (!found) continue;
      if (candidate.route.method !== method.toUpperCase()) {
        allowed.add(candidate.route.method);
        continue;
      }
      const pathParameters: Record<string, string> = {};
      for (const [index, name] of candidate.parameterNames.entries()) {
        const value = decodePathSegment(found[index + 1] ?? '');
        if (value === undefined) return { kind: 'bad-parameter', route: candidate.route, parameter: name };
        pathParameters[name] = value;
      }
      return { kind: 'matched', route: candidate.route, pathParameters };
    }
    return allowed.size > 0
      ? { kind: 'method-not-allowed', allowed: [...allowed].sort() }
      : { kind: 'not-found' };
  }
}
