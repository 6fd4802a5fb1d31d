import path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { claimsIdempotencyKeys, type FunctionSpec, ownRoutes } from '#catalog/functions.ts';
import { BUILTINS_BY_REQUIRE, LEFT_OUT } from '../bundling/aliases.ts';
import { acknowledgeNag } from '../nag.ts';

/** Manifest entries and the lockfile are paths from here. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceFunctionProps {
  readonly spec: FunctionSpec;
  /** Keep the log group when the stack is deleted (every stage but dev). */
  readonly retainLogs: boolean;
}

/**
 * Every Rectify function: Node 24 on arm64, bundled by the local esbuild (no Docker) as ESM with
 * the AWS SDK inside the bundle (faster cold starts than the runtime's copy), source maps, JSON
 * logs into its own log group with a retention, X-Ray tracing, and the manifest's memory and
 * timeout. Its role may write to that log group and nothing else until bindAccess() adds more.
 */
export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Our own role rather than CDK's default with AWSLambdaBasicExecutionRole, which lets a
    // function write to every log group in the account.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}`,
    });
    logGroup.grantWrite(role);

    super(scope, id, {
      description: props.spec.description,
      entry: path.join(PROJECT_ROOT, props.spec.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMiB,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      role,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      environment: {
        NODE_OPTIONS: ['--enable-source-maps', ...(props.spec.nodeOptions ?? [])].join(' '),
        POWERTOOLS_SERVICE_NAME: 'rectify',
        POWERTOOLS_METRICS_NAMESPACE: 'Rectify',
        POWERTOOLS_LOG_LEVEL: 'INFO',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer the ESM build of dependencies that ship both.
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings only; the sources would triple the map's size.
        sourcesContent: false,
        // Report text is Chinese: keep it as UTF-8 instead of \uXXXX escapes.
        charset: Charset.UTF8,
        externalModules: [],
        // CommonJS dependencies call require(), which an ES module does not have.
        banner:
          "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
        logLevel: LogLevel.WARNING,
        // A function with no route that claims Idempotency-Keys leaves the idempotency library
        // out of its bundle (shared/http/handler.ts imports it behind this build-time constant);
        // keys kept in a change's own transaction need no library.
        // Lambda's credentials are in the environment: the SDK's full default chain (SSO,
        // profiles, STS, IMDS and their nested clients) is replaced by the environment reader.
        // Packages that bundled libraries require but no function runs are replaced by stand-ins
        // that throw, naming the package (infra/bundling/aliases.ts says why each cannot run),
        // and node:http is taken through require(), which loads it faster.
        esbuildArgs: {
          '--alias:@aws-sdk/credential-provider-node': path.join(
            PROJECT_ROOT,
            'infra/bundling/env-credentials.ts',
          ),
          ...Object.fromEntries(
            Object.entries({ ...LEFT_OUT, ...BUILTINS_BY_REQUIRE }).map(([name, file]) => [
              `--alias:${name}`,
              path.join(PROJECT_ROOT, 'infra/bundling', file),
            ]),
          ),
        },
        // Its own routes, so that an HTTP handler leaves the catalog of every function out.
        define: {
          'process.env.RECTIFY_IDEMPOTENCY': JSON.stringify(claimsIdempotencyKeys(props.spec) ? 'on' : 'off'),
          'process.env.RECTIFY_OWN_ROUTES': JSON.stringify(JSON.stringify(ownRoutes(props.spec))),
        },
      },
    });
    acknowledgeNag(
      role,
      'IAM5[Resource::*]',
      'Active tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource scoping; test/infra asserts no other action is granted on *.',
    );
  }
}
