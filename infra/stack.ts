import { Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import {
  type FunctionName,
  type FunctionSpec,
  functions,
  httpRoutes,
  type Trigger,
} from '#functions/manifest.ts';
import { RectifyEventBus } from './constructs/event-bus.ts';
import { EvidenceBucket } from './constructs/evidence-bucket.ts';
import { RectifyHttpApi } from './constructs/http-api.ts';
import { LedgerTable } from './constructs/ledger-table.ts';
import { bindAccess, ServiceFunction } from './constructs/service-function.ts';

export interface RectifyStackProps extends StackProps {
  /** `dev` stacks are disposable; any other stage retains its data. */
  readonly stage: string;
  readonly evidenceLockMode: 'GOVERNANCE' | 'COMPLIANCE';
  readonly evidenceLockDays: number;
}

/**
 * Rectify in one environment-agnostic stack: the stateful resources of infra/resources.ts, the
 * HTTP API with its user pool, and one function per manifest entry, wired to its triggers with
 * exactly the access it declares.
 */
export class RectifyStack extends Stack {
  readonly functions: Record<FunctionName, ServiceFunction>;

  constructor(scope: Construct, id: string, props: RectifyStackProps) {
    super(scope, id, props);
    const retain = props.stage !== 'dev';
    const ledger = new LedgerTable(this, 'Ledger', { retain });
    const evidence = new EvidenceBucket(this, 'Evidence', {
      retain,
      lockMode: props.evidenceLockMode,
      lockDays: props.evidenceLockDays,
    });
    const events = new RectifyEventBus(this, 'Events');
    const http = new RectifyHttpApi(this, 'Http', { retain });
    const resources = {
      tables: { ledger: ledger.table },
      buckets: { evidence: evidence.bucket },
      buses: { events: events.bus },
    };

    this.functions = {} as Record<FunctionName, ServiceFunction>;
    for (const [name, spec] of Object.entries(functions) as [FunctionName, FunctionSpec][]) {
      const fn = new ServiceFunction(this, `Fn-${name}`, { name, spec, retainLogs: retain });
      bindAccess(fn, spec.access, resources);
      this.functions[name] = fn;
      for (const trigger of spec.triggers as readonly Trigger[]) {
        switch (trigger.kind) {
          case 'http':
            // Routes are added below from httpRoutes(), the one list the local runtime serves too.
            break;
          case 'http-fallback':
            http.addFallback(fn);
            break;
          case 'sqs':
          case 'stream':
          case 'schedule':
          case 's3':
            throw new Error(`${name}: ${trigger.kind} triggers are not wired in the stack yet`);
        }
      }
    }
    for (const route of httpRoutes()) http.addRoute(route, this.functions[route.functionName]);

    acknowledgeNagFindings(this);
  }
}

/**
 * cdk-nag findings accepted on purpose, each with the reason. Anything not listed here fails
 * the synthesis.
 */
function acknowledgeNagFindings(stack: RectifyStack): void {
  const acknowledgements: { id: string; reason: string }[] = [
    {
      id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'CDK attaches AWSLambdaBasicExecutionRole for log delivery; it only allows writing CloudWatch Logs.',
    },
  ];
  for (const acknowledgement of acknowledgements) Validations.of(stack).acknowledge(acknowledgement);
}
