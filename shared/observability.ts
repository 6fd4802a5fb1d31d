import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';

const SERVICE_NAME = process.env.POWERTOOLS_SERVICE_NAME ?? 'rectify';

/**
 * The correlation id of the work running now: an HTTP request, one record of a batch, one
 * scheduled run. Held per async context rather than on the logger, because a batch processes its
 * records in parallel (and the local runtime runs every function in one process), so a logger-wide
 * key would be overwritten by whichever record ran last.
 */
const ambient = new AsyncLocalStorage<string | undefined>();

/** The correlation id of the work running now, if it has one. */
export function correlationId(): string | undefined {
  return ambient.getStore();
}

/** Runs `work` with `id` as its correlation id (and its log lines' `correlation_id`). */
export function withCorrelationId<T>(id: string | undefined, work: () => T): T {
  return ambient.run(id, work);
}

/** Powertools' logger, whose `correlation_id` is the ambient one wherever there is one. */
class CorrelatedLogger extends Logger {
  protected override createAndPopulateLogItem(
    level: number,
    input: LogItemMessage,
    extra: LogItemExtraInput,
  ): LogItem {
    const item = super.createAndPopulateLogItem(level, input, extra);
    const id = ambient.getStore();
    return id === undefined ? item : item.addAttributes({ correlation_id: id });
  }
}

/**
 * One logger, one metrics and one tracer instance per execution environment. Service name, log
 * level and namespace come from the Powertools environment variables that ServiceFunction sets
 * (and the local runtime sets to quieter values).
 */
export const logger = new CorrelatedLogger({ serviceName: SERVICE_NAME });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Rectify',
  serviceName: SERVICE_NAME,
});

/**
 * Whether this process traces: in Lambda (AWS_EXECUTION_ENV), unless turned off or under SAM or
 * Amplify's mocks — the rule Powertools' Tracer applies to itself.
 */
const tracing =
  (process.env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false' &&
  (process.env.AWS_EXECUTION_ENV ?? '') !== '' &&
  process.env.AWS_EXECUTION_ENV !== 'AWS_Lambda_amplify-mock' &&
  (process.env.AWS_SAM_LOCAL ?? '') === '';

/**
 * The tracer, only where it traces. Importing the X-Ray SDK installs async hooks (cls-hooked)
 * that make every `await` in the process about ten times dearer: the price of traces in Lambda,
 * and for nothing elsewhere (the local runtime, the tests), which therefore never load it.
 */
export const tracer: Tracer | undefined = tracing
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE_NAME })
  : undefined;

/** An AWS SDK client, its calls traced as subsegments where the process traces. */
export function traced<Client>(client: Client): Client {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}
