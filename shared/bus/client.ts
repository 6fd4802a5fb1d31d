import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { buses } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { tracer } from '#shared/observability.ts';

/** One EventBridge client per execution environment (endpoint and region from the environment). */
export const eventBridge = tracer.captureAWSv3Client(new EventBridgeClient({}));

export function eventBusName(): string {
  return requiredEnv(buses.events.envVar);
}
