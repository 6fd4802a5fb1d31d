import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { buses } from '#catalog/resources.ts';
import { requiredEnv } from '#shared/config.ts';
import { traced } from '#shared/observability.ts';

/** One EventBridge client per execution environment (endpoint and region from the environment). */
export const eventBridge = traced(new EventBridgeClient({}));

export function eventBusName(): string {
  return requiredEnv(buses.events.envVar);
}
