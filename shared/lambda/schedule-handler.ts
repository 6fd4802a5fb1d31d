import type { Context } from 'aws-lambda';
import type { FunctionName } from '#catalog/functions.ts';
import { withCorrelationId } from '#shared/observability.ts';
import type { ScheduleEvent } from '#shared/schedule-event.ts';
import { countByFunction, invocationChain } from './invocation.ts';

/**
 * The chain of a scheduled function: one run per invocation, under the invocation's request id
 * as its correlation id (so the events a scan writes can be traced back to that run), counted as
 * `RunsSucceeded` or `RunsFailed`. A failure is thrown, as before, for Scheduler to retry.
 */
export function scheduleHandler<T>(functionName: FunctionName, run: (event: ScheduleEvent) => Promise<T>) {
  return invocationChain<ScheduleEvent, T>().handler(async (event, context: Context) => {
    let failed = 1;
    try {
      const result = await withCorrelationId(context.awsRequestId, () => run(event));
      failed = 0;
      return result;
    } finally {
      countByFunction(functionName, { RunsSucceeded: 1 - failed, RunsFailed: failed });
    }
  });
}
