import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  type BusName,
  type BusRuleName,
  busRulePattern,
  busRules,
  type QueueName,
} from '#catalog/resources.ts';

/**
 * The bus rules of catalog/resources.ts: each sends its detail-types to its consumer's queue (the
 * queue policy that lets EventBridge send, scoped to the rule, comes with the target).
 */
export class BusRules extends Construct {
  readonly rules: Record<BusRuleName, Rule>;

  constructor(
    scope: Construct,
    id: string,
    props: { readonly buses: Record<BusName, IEventBus>; readonly queues: Record<QueueName, IQueue> },
  ) {
    super(scope, id);
    this.rules = {} as Record<BusRuleName, Rule>;
    for (const [name, rule] of Object.entries(busRules) as [BusRuleName, (typeof busRules)[BusRuleName]][]) {
      const pattern = busRulePattern(rule);
      this.rules[name] = new Rule(this, name, {
        eventBus: props.buses[rule.bus],
        description: rule.description,
        eventPattern: { source: pattern.source, detailType: pattern['detail-type'] },
        targets: [new SqsQueue(props.queues[rule.queue])],
      });
    }
  }
}
