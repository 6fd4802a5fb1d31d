import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Construct } from 'constructs';
import { type FunctionName, type FunctionSpec, functions, type Trigger } from '#catalog/functions.ts';
import { ArchiveBucket } from './constructs/archive-bucket.ts';
import { type BindableResources, bindAccess } from './constructs/bind-access.ts';
import { BusRules } from './constructs/bus-rules.ts';
import { type ConsoleDomain, ConsoleHosting } from './constructs/console-hosting.ts';
import { RectifyEventBus } from './constructs/event-bus.ts';
import { EvidenceBucket, type EvidenceLockMode } from './constructs/evidence-bucket.ts';
import { FunctionSchedule } from './constructs/function-schedule.ts';
import { RectifyHttpApi } from './constructs/http-api.ts';
import { LedgerTable } from './constructs/ledger-table.ts';
import { RectifyQueues } from './constructs/queues.ts';
import { ServiceFunction } from './constructs/service-function.ts';
import { SigningKey } from './constructs/signing-key.ts';

export interface RectifyStackProps extends StackProps {
  /** `dev` stacks are disposable; any other stage retains and protects its data. */
  readonly stage: string;
  readonly evidenceLockMode: EvidenceLockMode;
  readonly evidenceLockDays: number;
  /** The one role that may change evidence locks (context `breakGlassRoleArn`); unset: nobody. */
  readonly breakGlassRoleArn?: string;
  /** IANA time zone the schedules fire in (default Asia/Shanghai). */
  readonly scheduleTimezone: string;
}

/**
 * Rectify in one environment-agnostic stack: the stateful resources of catalog/resources.ts, the
 * HTTP API with its user pool, one function per manifest entry, wired to its triggers with
 * exactly the access it declares, and the web console behind CloudFront.
 *
 * Context read here: `consoleDomainName` and `consoleCertificateArn` (both or neither) serve the
 * console on a domain of the deployer's own instead of the distribution's `*.cloudfront.net`.
 */
export class RectifyStack extends Stack {
  readonly functions: ReadonlyMap<FunctionName, ServiceFunction>;

  constructor(scope: Construct, id: string, props: RectifyStackProps) {
    super(scope, id, props);
    const retain = props.stage !== 'dev';
    const ledger = new LedgerTable(this, 'Ledger', { retain });
    const evidence = new EvidenceBucket(this, 'Evidence', {
      retain,
      lockMode: props.evidenceLockMode,
      lockDays: props.evidenceLockDays,
      ...(props.breakGlassRoleArn ? { breakGlassRoleArn: props.breakGlassRoleArn } : {}),
    });
    const archives = new ArchiveBucket(this, 'Archives', { retain, accessLogs: evidence.accessLogs });
    const archiveSigning = new SigningKey(this, 'ArchiveSigning', { retain });
    const events = new RectifyEventBus(this, 'Events');
    const http = new RectifyHttpApi(this, 'Http', { retain, stage: props.stage });
    const buckets = { evidence: evidence.bucket, archives: archives.bucket };
    const queues = new RectifyQueues(this, 'Queues', { buckets });
    new BusRules(this, 'Rules', { buses: { events: events.bus }, queues: queues.queues });
    const resources: BindableResources = {
      tables: { ledger: ledger.table },
      buckets,
      buses: { events: events.bus },
      signingKeys: { archiveSigning },
      queues: queues.queues,
    };

    const created = new Map<FunctionName, ServiceFunction>();
    for (const [name, spec] of Object.entries(functions) as [FunctionName, FunctionSpec][]) {
      const fn = new ServiceFunction(this, `Fn-${name}`, { spec, retainLogs: retain });
      bindAccess(fn, spec.access, resources);
      for (const trigger of spec.triggers as readonly Trigger[]) {
        switch (trigger.kind) {
          case 'http':
            http.addRoute(trigger, fn);
            break;
          case 'http-fallback':
            http.addFallback(fn);
            break;
          case 'sqs':
            // Partial batch responses: only the messages that failed are retried.
            fn.addEventSource(
              new SqsEventSource(queues.queues[trigger.queue], {
                batchSize: trigger.batchSize ?? 10,
                reportBatchItemFailures: true,
              }),
            );
            break;
          case 'stream':
            fn.addEventSource(
              new DynamoEventSource(resources.tables[trigger.table], {
                startingPosition: StartingPosition.TRIM_HORIZON,
                batchSize: trigger.batchSize,
                retryAttempts: trigger.retryAttempts,
                // Retried from the first failed record only, not the whole batch.
                reportBatchItemFailures: true,
                onFailure: new SqsDlq(queues.queues[trigger.onFailure]),
              }),
            );
            break;
          case 'schedule':
            new FunctionSchedule(this, `Schedule-${trigger.name}`, {
              fn,
              name: trigger.name,
              cron: trigger.cron,
              timezone: props.scheduleTimezone,
              description: `${trigger.name}: ${spec.description}`,
              deadLetterQueue: queues.queues.scheduleFailures,
            });
            break;
          // Not used by any manifest entry yet: S3 events reach functions through a queue.
          case 's3':
            throw new Error(
              `function ${name}: ${trigger.kind} triggers are not wired in infra/stack.ts yet; add the event source there`,
            );
          default:
            // A new trigger kind in the manifest fails type checking here until it is wired.
            trigger satisfies never;
        }
      }
      created.set(name, fn);
    }
    this.functions = created;

    // After the routes: the API's CORS allows the methods they use.
    const consoleDomain = consoleDomainFromContext(this);
    const webConsole = new ConsoleHosting(this, 'Console', {
      retain,
      stage: props.stage,
      http,
      evidence: evidence.bucket,
      accessLogs: evidence.accessLogs,
      ...(consoleDomain ? { domain: consoleDomain } : {}),
    });

    // Stable output names for deploy scripts and clients: `Rectify-<stage>.ApiUrl`, …
    new CfnOutput(this, 'ApiUrl', { value: http.api.apiEndpoint, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: http.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', {
      value: http.client.userPoolClientId,
      description: 'Audience (aud) of the ID tokens the API accepts',
    });
    new CfnOutput(this, 'ArchiveSigningKeyArn', {
      value: archiveSigning.key.keyArn,
      description:
        'Signs archive manifests. Give auditors its public key out of band: aws kms get-public-key --key-id <this> (or GET /archives/public-key)',
    });
    new CfnOutput(this, 'Issuer', {
      value: http.userPool.userPoolProviderUrl,
      description: 'Issuer (iss) of the ID tokens the API accepts',
    });
    new CfnOutput(this, 'ConsoleUrl', {
      value: webConsole.url,
      description: 'The web console (整改工作台): open it and sign in',
    });
    new CfnOutput(this, 'LoginDomain', {
      value: http.loginDomain.baseUrl(),
      description: 'Cognito managed login, where the console sends users to sign in',
    });
  }
}

const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
/** CloudFront takes certificates from ACM in us-east-1 only. */
const CLOUDFRONT_CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;

/**
 * Context `consoleDomainName` and `consoleCertificateArn`, both or neither: the console on a
 * domain of the deployer's own instead of the distribution's `*.cloudfront.net` name.
 */
function consoleDomainFromContext(stack: Stack): ConsoleDomain | undefined {
  const read = (key: string) => {
    const value = stack.node.tryGetContext(key);
    return value === undefined || value === '' ? undefined : String(value);
  };
  const domainName = read('consoleDomainName');
  const certificateArn = read('consoleCertificateArn');
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (domainName === undefined || certificateArn === undefined) {
    throw new Error('context consoleDomainName and consoleCertificateArn go together: give both or neither');
  }
  if (!DOMAIN_NAME.test(domainName)) {
    throw new Error(
      `context consoleDomainName must be a lowercase DNS name, not ${JSON.stringify(domainName)}`,
    );
  }
  if (!CLOUDFRONT_CERTIFICATE_ARN.test(certificateArn)) {
    throw new Error(
      `context consoleCertificateArn must be an ACM certificate ARN in us-east-1 (CloudFront reads no other region), not ${certificateArn}`,
    );
  }
  return { domainName, certificateArn };
}
