import { type CfnElement, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import {
  ContextAttribute,
  Schedule,
  ScheduleExpression,
  ScheduleTargetInput,
} from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';

export interface FunctionScheduleProps {
  readonly fn: IFunction;
  /** The schedule's name in the manifest; the function receives it as `schedule`. */
  readonly name: string;
  /** Scheduler's cron expression, e.g. `cron(0 8 * * ? *)`. */
  readonly cron: string;
  readonly timezone: string;
  readonly description: string;
  /** Where invocations that still fail after the retries go. */
  readonly deadLetterQueue: IQueue;
}

/**
 * An EventBridge Scheduler schedule that invokes a function in a time zone, with retries and a
 * dead-letter queue, through a role of its own that only Scheduler in this account can assume.
 */
export class FunctionSchedule extends Construct {
  readonly schedule: Schedule;

  constructor(scope: Construct, id: string, props: FunctionScheduleProps) {
    super(scope, id);
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler invoking ${props.name}`,
    });
    this.schedule = new Schedule(this, 'Schedule', {
      description: props.description,
      schedule: ScheduleExpression.expression(props.cron, TimeZone.of(props.timezone)),
      target: new LambdaInvoke(props.fn, {
        role,
        // The function judges by when the run was due, not by when a retry happens to run.
        input: ScheduleTargetInput.fromObject({
          schedule: props.name,
          scheduledTime: ContextAttribute.scheduledTime,
        }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: props.deadLetterQueue,
      }),
    });
    const functionId = Stack.of(this).getLogicalId(props.fn.node.defaultChild as CfnElement);
    acknowledgeNag(
      role,
      `IAM5[Resource::<${functionId}.Arn>:*]`,
      "CDK's grantInvoke also allows the function's versions and aliases (`:*`); the role can invoke this one function only and only Scheduler can assume it.",
    );
  }
}
