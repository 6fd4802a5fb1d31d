import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { FunctionName } from '#catalog/functions.ts';
import { logger, metrics, tracer } from '#shared/observability.ts';

/**
 * The start of every function's middy chain: its X-Ray segment (without the response, which holds
 * ledger data and may exceed a segment's size), the logger with the Lambda context and no keys
 * left from the previous invocation, and the metrics flushed at the end of each invocation.
 */
export function invocationChain<TEvent, TResult, TContext extends Context = Context>() {
  return middy<TEvent, TResult, Error, TContext>()
    .use(tracer ? [captureLambdaHandler(tracer, { captureResponse: false })] : [])
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
}

/** Adds counts to this invocation's metrics, by function (flushed by invocationChain). */
export function countByFunction(functionName: FunctionName, counts: Readonly<Record<string, number>>): void {
  metrics.addDimension('function', functionName);
  for (const [name, value] of Object.entries(counts)) metrics.addMetric(name, MetricUnit.Count, value);
}
