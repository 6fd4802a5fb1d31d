import { CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod, HttpRoute, HttpRouteKey } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRoute as ManifestRoute } from '#functions/manifest.ts';
import { ROLES } from '#shared/domain/roles.ts';
import type { ServiceFunction } from './service-function.ts';

export interface RectifyHttpApiProps {
  readonly retain: boolean;
}

/**
 * The HTTP API and who may call it: a Cognito user pool whose groups are the roles and whose
 * custom attribute `department` becomes the `custom:department` claim, and a JWT authorizer on
 * every route but the public ones. Callers send the ID token (its `aud` is the client id).
 * Role checks happen in the handlers: HTTP API authorizers cannot test Cognito groups.
 */
export class RectifyHttpApi extends Construct {
  readonly api: HttpApi;
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  private readonly authorizer: HttpJwtAuthorizer;

  constructor(scope: Construct, id: string, props: RectifyHttpApiProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      standardAttributes: {
        fullname: { required: false, mutable: true },
        email: { required: true, mutable: true },
      },
      customAttributes: { department: new StringAttribute({ minLen: 1, maxLen: 100, mutable: true }) },
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
      featurePlan: FeaturePlan.PLUS,
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    for (const role of ROLES) {
      new UserPoolGroup(this, `Group-${role}`, { userPool: this.userPool, groupName: role });
    }
    this.client = this.userPool.addClient('ApiClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });
    const issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
    this.authorizer = new HttpJwtAuthorizer('CognitoJwt', issuer, {
      jwtAudience: [this.client.userPoolClientId],
    });

    this.api = new HttpApi(this, 'Api', { description: 'Rectify HTTP API', createDefaultStage: true });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: RetentionDays.SIX_MONTHS,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        time: '$context.requestTime',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        subject: '$context.authorizer.claims.sub',
        error: '$context.authorizer.error',
      }),
    };

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.client.userPoolClientId });
    new CfnOutput(this, 'Issuer', { value: issuer });
  }

  /** One API route per manifest route; public routes carry no authorizer. */
  addRoute(route: ManifestRoute, fn: ServiceFunction): void {
    const created = new HttpRoute(this, `Route-${routeId(route)}`, {
      httpApi: this.api,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration: new HttpLambdaIntegration(`Integration-${routeId(route)}`, fn),
      ...(route.auth === 'public' ? {} : { authorizer: this.authorizer }),
    });
    if (route.auth === 'public') {
      Validations.of(created).acknowledge({
        id: 'AwsSolutions::AwsSolutions-APIG4',
        reason: `${route.method} ${route.path} is public by design in the function manifest and serves no ledger data.`,
      });
    }
  }

  /** `$default`: whatever no route matched (answered as 404/405 in the API's error format). */
  addFallback(fn: ServiceFunction): void {
    const created = new HttpRoute(this, 'Route-default', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('Integration-default', fn),
    });
    Validations.of(created).acknowledge({
      id: 'AwsSolutions::AwsSolutions-APIG4',
      reason: '$default only answers 404/405 for routes that do not exist; it reads no data.',
    });
  }
}

/** `GET /items/{itemId}` → `GET-items-itemId`: construct ids may not hold slashes. */
function routeId(route: ManifestRoute): string {
  return `${route.method}${route.path.replace(/[{}]/g, '').replace(/\//g, '-')}`;
}
