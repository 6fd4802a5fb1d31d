import path from 'node:path';
import { type CfnElement, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { Access, FunctionSpec } from '#functions/manifest.ts';
import { type BucketName, type BusName, buckets, buses, type TableName, tables } from '../resources.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export interface ServiceFunctionProps {
  readonly name: string;
  readonly spec: FunctionSpec;
  readonly retainLogs: boolean;
}

/**
 * Every Rectify function: Node 24 on arm64, bundled by the local esbuild (no Docker) as ESM with
 * the AWS SDK inside the bundle (faster cold starts than the runtime's copy), source maps, JSON
 * logs into a log group with a retention, X-Ray tracing, and the manifest's memory and timeout.
 */
export class ServiceFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: props.retainLogs ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      description: props.spec.description,
      entry: path.join(PROJECT_ROOT, props.spec.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.spec.memoryMiB,
      timeout: Duration.seconds(props.spec.timeoutSeconds),
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'rectify',
        POWERTOOLS_METRICS_NAMESPACE: 'Rectify',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        RECTIFY_FUNCTION: props.name,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        externalModules: [],
        mainFields: ['module', 'main'],
        // Some dependencies are CommonJS and call require(); ESM bundles need it provided.
        banner:
          "import { createRequire as __createRequire } from 'module'; const require = __createRequire(import.meta.url);",
      },
    });
    // Active tracing adds xray:PutTraceSegments/PutTelemetryRecords, which exist only on `*`.
    // test/infra checks that no other action is ever granted on `*`.
    if (this.role) {
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray trace segment actions support no resource scoping; no other action is granted on *.',
      });
    }
  }
}

export interface BindableResources {
  readonly tables: Record<TableName, ITableV2>;
  readonly buckets: Record<BucketName, IBucket>;
  readonly buses: Record<BusName, IEventBus>;
}

/**
 * Grants a function exactly the access its manifest entry names, and tells it the resource's
 * name through the environment variable the code reads, in the same call.
 */
export function bindAccess(
  fn: ServiceFunction,
  access: readonly Access[],
  resources: BindableResources,
): void {
  for (const entry of access) {
    if ('table' in entry) {
      const table = resources.tables[entry.table];
      if (entry.mode === 'read') table.grantReadData(fn);
      else table.grantReadWriteData(fn);
      fn.addEnvironment(tables[entry.table].envVar, table.tableName);
      // The grant covers the table's own indexes (<table>/index/*), nothing beyond the table.
      const logicalId = Stack.of(table).getLogicalId(table.node.defaultChild as CfnElement);
      if (fn.role) {
        Validations.of(fn.role).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
          reason: `Queries need the ${entry.table} table's GSIs; the wildcard stays under this one table's index ARNs.`,
        });
      }
    } else if ('bucket' in entry) {
      const bucket = resources.buckets[entry.bucket];
      if (entry.mode === 'read') bucket.grantRead(fn);
      else if (entry.mode === 'write') bucket.grantPut(fn);
      else bucket.grantReadWrite(fn);
      fn.addEnvironment(buckets[entry.bucket].envVar, bucket.bucketName);
    } else {
      const bus = resources.buses[entry.bus];
      bus.grantPutEventsTo(fn);
      fn.addEnvironment(buses[entry.bus].envVar, bus.eventBusName);
    }
  }
}
