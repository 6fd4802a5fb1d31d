import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeStore, InvokeStoreBase } from '@aws/lambda-invoke-store';
import type { Context } from 'aws-lambda';
import { type FunctionName, functions } from '#catalog/functions.ts';
import { LOCAL_REGION } from './emulator/types.ts';

const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');
const LOCAL_ACCOUNT = '123456789012';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Lambda's per-invocation store, as the Node.js runtime provides it when one environment runs
 * invocations concurrently (AWS_LAMBDA_MAX_CONCURRENCY, which configureFunctionEnvironment sets).
 * Every function runs in this one process, concurrently, so Powertools keeps each invocation's
 * logger context and keys, metrics and batch state there, as it would in such an environment.
 */
const invokeStore = await InvokeStore.getInstanceAsync(true);
const loaded = new Map<FunctionName, Promise<Handler>>();

/** Imports a function's handler once, as a Lambda execution environment would on cold start. */
function loadHandler(name: FunctionName): Promise<Handler> {
  let handler = loaded.get(name);
  if (!handler) {
    const url = pathToFileURL(path.join(PROJECT_ROOT, functions[name].entry)).href;
    handler = import(url).then((module: { handler?: Handler }) => {
      if (typeof module.handler !== 'function')
        throw new Error(`${functions[name].entry} does not export handler`);
      return module.handler;
    });
    loaded.set(name, handler);
  }
  return handler;
}

/** Raised when a function runs past its manifest timeout, as Lambda would stop it. */
export class FunctionTimedOut extends Error {
  override name = 'FunctionTimedOut';
}

function lambdaContext(name: FunctionName, deadline: number): Context {
  const spec = functions[name];
  const functionName = `rectify-local-${name}`;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: String(spec.memoryMiB),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}

/**
 * Invokes a manifest function in this process with the given event, as Lambda would: a fresh
 * context per call, the handler module loaded once, the manifest's timeout enforced.
 */
export async function invokeFunction(name: FunctionName, event: unknown): Promise<unknown> {
  const handler = await loadHandler(name);
  const timeoutMs = functions[name].timeoutSeconds * 1000;
  const deadline = Date.now() + timeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new FunctionTimedOut(`${name} timed out after ${functions[name].timeoutSeconds}s`)),
      timeoutMs,
    );
  });
  try {
    const context = lambdaContext(name, deadline);
    const invocation = invokeStore.run(
      { [InvokeStoreBase.PROTECTED_KEYS.REQUEST_ID]: context.awsRequestId },
      () => handler(event, context),
    );
    return await Promise.race([invocation, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
