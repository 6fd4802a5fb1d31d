import { Cron } from 'croner';
import { type FunctionName, type FunctionSpec, functions, type Trigger } from '#catalog/functions.ts';
import { SCHEDULE_TIMEZONE } from '#catalog/resources.ts';
import type { ScheduleEvent } from '#shared/schedule-event.ts';
import { invokeFunction } from './invoke.ts';

type ScheduleTrigger = Extract<Trigger, { kind: 'schedule' }>;

/**
 * Scheduler's `cron(min hour day-of-month month day-of-week year)` as croner's five fields.
 * Scheduler numbers weekdays 1–7 from Sunday and croner 0–6: the manifest names them (MON) instead.
 */
export function cronerPattern(expression: string): string {
  const fields = /^cron\((.+)\)$/.exec(expression.trim())?.[1]?.trim().split(/\s+/);
  if (fields?.length !== 6) throw new Error(`not a Scheduler cron expression: ${expression}`);
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields as [string, string, string, string, string];
  if (/\d/.test(dayOfWeek)) throw new Error(`name the weekdays (MON…SUN) in ${expression}`);
  const any = (field: string) => (field === '?' ? '*' : field);
  return [minute, hour, any(dayOfMonth), month, any(dayOfWeek)].join(' ');
}

function scheduleTriggers(): { name: FunctionName; trigger: ScheduleTrigger }[] {
  return (Object.entries(functions) as [FunctionName, FunctionSpec][]).flatMap(([name, spec]) =>
    (spec.triggers as readonly Trigger[]).flatMap((trigger) =>
      trigger.kind === 'schedule' ? [{ name, trigger }] : [],
    ),
  );
}

export class UnknownSchedule extends Error {
  override name = 'UnknownSchedule';
}

/**
 * Fires the manifest's schedules in this process (moto's Scheduler never fires), in the same
 * time zone as the cloud schedules, and lets `fire` run one on demand at a chosen instant.
 */
export function startSchedules(options: { timezone?: string; onError?: (error: unknown) => void } = {}) {
  const timezone = options.timezone ?? SCHEDULE_TIMEZONE;
  const triggers = scheduleTriggers();
  const invoke = (name: FunctionName, trigger: ScheduleTrigger, scheduledTime: string) =>
    invokeFunction(name, { schedule: trigger.name, scheduledTime } satisfies ScheduleEvent);
  const jobs = triggers.map(
    ({ name, trigger }) =>
      new Cron(cronerPattern(trigger.cron), { timezone, protect: true }, async () => {
        await invoke(name, trigger, new Date().toISOString()).catch(options.onError ?? console.error);
      }),
  );
  return {
    names: triggers.map(({ trigger }) => trigger.name),
    /** Runs one schedule now, as if it had fired at `scheduledTime`; resolves with its result. */
    fire: (scheduleName: string, scheduledTime = new Date().toISOString()) => {
      const found = triggers.find(({ trigger }) => trigger.name === scheduleName);
      if (!found) throw new UnknownSchedule(scheduleName);
      return invoke(found.name, found.trigger, scheduledTime);
    },
    stop: () => {
      for (const job of jobs) job.stop();
    },
  };
}
