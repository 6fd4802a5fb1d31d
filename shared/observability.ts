import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { LogItemExtraInput, LogItemMessage } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

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
 * (and the local runtime sets to quieter values). The tracer is active only in Lambda (it turns
 * itself off elsewhere, and the local runtime also sets POWERTOOLS_TRACE_ENABLED=false).
 */
export const logger = new CorrelatedLogger({ serviceName: SERVICE_NAME });

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'Rectify',
  serviceName: SERVICE_NAME,
});

export const tracer = new Tracer({ serviceName: SERVICE_NAME });
