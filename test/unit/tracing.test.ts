import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The X-Ray tracer is loaded only where it traces (in Lambda): its SDK's async hooks make every
 * `await` of the process dearer, for nothing where no trace is sent. Each case imports the
 * observability module in a fresh Node process with the environment Lambda, or the local
 * runtime, gives it, and reports what it found.
 */
const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');
const PROBE = `
  const { tracer, traced } = await import('#shared/observability.ts');
  const { dynamodb } = await import('#shared/store/client.ts');
  const steps = dynamodb.middlewareStack.identify().join(' ');
  console.log(JSON.stringify({
    tracer: tracer === undefined ? 'none' : tracer.constructor.name,
    tracing: tracer?.isTracingEnabled() ?? false,
    xrayLoaded: Object.keys(await import('node:module').then((m) => m.default._cache ?? {})).some((file) => file.includes('aws-xray-sdk-core')),
    capturedClient: /XRaySDK|captureAWSv3|xray/i.test(steps),
    sameObject: traced(dynamodb) === dynamodb,
  }));
`;

function probe(environment: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_REGION: 'cn-north-1', RECTIFY_STAGE: 'test' };
  for (const name of ['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED', 'AWS_SAM_LOCAL']) delete env[name];
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], {
    cwd: PROJECT_ROOT,
    env: { ...env, ...environment },
    encoding: 'utf8',
  });
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
}

describe('the tracer', () => {
  it('traces in Lambda, and captures the SDK clients', () => {
    expect(probe({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x' })).toMatchObject({
      tracer: 'Tracer',
      tracing: true,
      xrayLoaded: true,
      capturedClient: true,
    });
  });

  it('is not loaded where it would not trace: off, outside Lambda, under SAM', () => {
    const none = {
      tracer: 'none',
      tracing: false,
      xrayLoaded: false,
      capturedClient: false,
      sameObject: true,
    };
    expect(probe({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', POWERTOOLS_TRACE_ENABLED: 'false' })).toEqual(
      none,
    );
    expect(probe({})).toEqual(none);
    expect(probe({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x', AWS_SAM_LOCAL: 'true' })).toEqual(none);
  });
});
