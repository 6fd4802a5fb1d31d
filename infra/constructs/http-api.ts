import { Aws, Duration, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute as ManifestRoute } from '#catalog/functions.ts';
import { ROLES } from '#shared/domain/roles.ts';
import { acknowledgeNag } from '../nag.ts';

export interface RectifyHttpApiProps {
  readonly retain: boolean;
  /** The stage name (infra/app.ts checks it): part of the managed login domain's prefix. */
  readonly stage: string;
}

/** A manifest HTTP trigger: method, path and who may call it. */
export type RouteSpec = Pick<ManifestRoute, 'method' | 'path' | 'auth'>;

/**
 * The HTTP API and who may call it: a Cognito user pool whose groups are the roles and whose
 * custom attributes `department` and `leaderId` become the `custom:department` and
 * `custom:leaderId` claims (set by admins only), and a JWT authorizer on every route but the
 * public ones. Callers send the ID token (its `aud` is the client id). The console signs in
 * through the pool's managed login domain and calls the API from its own origin (CORS).
 * Role checks happen in the handlers: HTTP API authorizers cannot test Cognito groups.
 */
export class RectifyHttpApi extends Construct {
  readonly api: HttpApi;
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** Cognito managed login (`https://<prefix>.auth.<region>.amazoncognito.com`). */
  readonly loginDomain: UserPoolDomain;
  private readonly authorizer: HttpJwtAuthorizer;
  private hasFallback = false;
  /** Methods of the routes added so far: what a browser's preflight may ask for. */
  private readonly methods = new Set<string>();
  private consoleUrl: string | undefined;

  constructor(scope: Construct, id: string, props: RectifyHttpApiProps) {
    super(scope, id);
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.userPool = new UserPool(this, 'Users', {
      // Accounts are issued by the inspection office, never self-made.
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      standardAttributes: {
        // `name` is shown and recorded; leaders are matched to items by `custom:leaderId`.
        fullname: { required: true, mutable: true },
        email: { required: true, mutable: true },
      },
      // Mutable by admins (AdminUpdateUserAttributes); no app client may write them (see
      // USER_WRITABLE below), since access is decided by them.
      customAttributes: {
        department: new StringAttribute({ minLen: 1, maxLen: 100, mutable: true }),
        // The key a leader is matched to the items they lead by (a display name is not unique).
        leaderId: new StringAttribute({ minLen: 1, maxLen: 100, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      // Plus is what buys threat protection (compromised credentials, risky sign-ins); use it.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.retain,
      removalPolicy,
    });
    for (const role of ROLES) {
      new UserPoolGroup(this, `Group-${role}`, { userPool: this.userPool, groupName: role });
    }
    // The console's URL is known only once its distribution exists (serveConsoleAt).
    const consoleUrl = Lazy.string({
      produce: () => {
        if (!this.consoleUrl) throw new Error('RectifyHttpApi.serveConsoleAt() was never called');
        return this.consoleUrl;
      },
    });
    this.client = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      // The console signs in through managed login: authorization code + PKCE for a public
      // client (no secret), never the implicit grant, back to the console's own URL only.
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      // The console renews its ID token silently with the refresh token (kept in memory only);
      // one working day, so a leaked one is dead by the next morning.
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      // Without a write list Cognito gives a client its default write access (the standard
      // attributes, `name` among them), and a signed-in user could change them with their own
      // access token (UpdateUserAttributes). Both lists are explicit for every client.
      readAttributes: TOKEN_ATTRIBUTES,
      writeAttributes: USER_WRITABLE,
    });
    this.loginDomain = this.userPool.addDomain('Login', {
      cognitoDomain: { domainPrefix: loginDomainPrefix(props.stage) },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    // Managed login shows no page for a client without a branding style; Cognito's own look.
    new CfnManagedLoginBranding(this, 'LoginBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: this.client.userPoolClientId,
      useCognitoProvidedValues: true,
    });
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', this.userPool.userPoolProviderUrl, {
      jwtAudience: [this.client.userPoolClientId],
    });

    this.api = new HttpApi(this, 'Api', { description: 'Rectify HTTP API', createDefaultStage: false });
    // The default stage made by hand: only an explicit stage takes access-log settings.
    this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(
          new LogGroup(this, 'AccessLogs', { retention: RetentionDays.SIX_MONTHS, removalPolicy }),
        ),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            time: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latency: '$context.responseLatency',
            subject: '$context.authorizer.claims.sub',
            authorizerError: '$context.authorizer.error',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
  }

  /** One API route for one manifest HTTP trigger; public routes carry no authorizer. */
  addRoute(route: RouteSpec, fn: IFunction): void {
    const id = routeId(route);
    this.methods.add(route.method);
    const created = new HttpRoute(this, `Route-${id}`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`Integration-${id}`, fn),
      ...(route.auth === 'public' ? {} : { authorizer: this.authorizer }),
    });
    if (route.auth === 'public') {
      acknowledgeNag(
        created,
        'APIG4',
        `${route.method} ${route.path} is public by design in the function manifest and serves no ledger data.`,
      );
    }
  }

  /** `$default`: whatever no route matched, answered as 404/405 in the API's error format. */
  addFallback(fn: IFunction): void {
    if (this.hasFallback) throw new Error('the HTTP API has one $default route; a second was requested');
    this.hasFallback = true;
    const created = new HttpRoute(this, 'Route-default', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('Integration-default', fn),
    });
    acknowledgeNag(
      created,
      'APIG4',
      '$default only answers 404/405 for routes that do not exist; it reads no data and needs no caller identity.',
    );
  }

  /**
   * Where the console is served (`https://<domain>/`): managed login sends users back there
   * after sign-in and sign-out, and nowhere else.
   */
  serveConsoleAt(consoleUrl: string): void {
    if (this.consoleUrl) throw new Error('the console is served at one URL; a second was given');
    this.consoleUrl = consoleUrl;
  }

  /**
   * The API's CORS settings (ApiGatewayV2 `CorsConfiguration`) for the console at `origin`: the
   * methods of the routes added so far and the headers the console's client sends. Preflights are
   * answered by API Gateway itself, before any authorizer.
   */
  corsFor(origin: string): ApiCorsConfiguration {
    if (this.methods.size === 0) throw new Error('corsFor() was called before any route was added');
    return {
      AllowOrigins: [origin],
      AllowMethods: [...this.methods].sort(),
      AllowHeaders: [...CONSOLE_REQUEST_HEADERS],
      // The export's file name (web/src/components/admin-common.tsx reads it).
      ExposeHeaders: ['content-disposition'],
      // Bearer tokens, not cookies.
      AllowCredentials: false,
      MaxAge: CORS_MAX_AGE_SECONDS,
    };
  }
}

/** ApiGatewayV2 UpdateApi's `CorsConfiguration`, as the SDK spells it. */
export interface ApiCorsConfiguration {
  readonly AllowOrigins: string[];
  readonly AllowMethods: string[];
  readonly AllowHeaders: string[];
  readonly ExposeHeaders: string[];
  readonly AllowCredentials: boolean;
  readonly MaxAge: number;
}

/** What web/src/api/client.ts sends beyond the CORS-safelisted headers. */
export const CONSOLE_REQUEST_HEADERS = [
  'accept-language',
  'authorization',
  'content-type',
  'idempotency-key',
] as const;
/** How long a browser may reuse a preflight's answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 3600;

/** Words Cognito refuses in a domain prefix. */
const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/**
 * `rectify-<stage>-<account>`: unique per account and stage, as Cognito prefixes are unique per
 * region. The account is a deploy-time token, so only the literal part is checked here.
 */
export function loginDomainPrefix(stage: string): string {
  const literal = `rectify-${stage}-`;
  if (RESERVED_IN_PREFIX.test(literal) || !/^[a-z][a-z0-9-]*$/.test(literal)) {
    throw new Error(
      `stage ${JSON.stringify(stage)} cannot be part of a Cognito domain prefix (lowercase letters, digits and hyphens; no aws, amazon or cognito)`,
    );
  }
  return `${literal}${Aws.ACCOUNT_ID}`;
}

/**
 * What the API's tokens carry: the claims access is decided by (`name`, `custom:department`,
 * `custom:leaderId`; `cognito:groups` and `sub` are always there) and the user's email.
 */
export const TOKEN_ATTRIBUTES = new ClientAttributes()
  .withStandardAttributes({ fullname: true, email: true, emailVerified: true })
  .withCustomAttributes('department', 'leaderId');

/**
 * The only attributes a user may change about themselves: display preferences nothing is decided
 * by. Not empty on purpose: Cognito reads an empty WriteAttributes list as no list at all, which
 * means the default write access. Name, email, department and leader id are set by
 * admins (accounts are issued, and users are created with them, so no first-sign-in challenge
 * asks the user for a required attribute).
 */
export const USER_WRITABLE = new ClientAttributes().withStandardAttributes({ locale: true, timezone: true });

/** `GET /items/{itemId}` → `GET-items-itemId`: construct ids may not hold slashes. */
function routeId(route: RouteSpec): string {
  return `${route.method}${route.path.replace(/[{}]/g, '').replace(/\//g, '-')}`;
}
