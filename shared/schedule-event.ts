/**
 * What a schedule hands its function. EventBridge Scheduler fills `scheduledTime` from
 * `<aws.scheduler.scheduled-time>`; the local runtime and `npm run tick -- … --now ISO` set it
 * themselves, so that tests and users can drive time.
 */
export interface ScheduleEvent {
  readonly schedule: string;
  readonly scheduledTime?: string;
}

/** The instant a scheduled run judges by: the scheduled time, else now. */
export function scheduledInstant(event: Partial<ScheduleEvent> | undefined): Date {
  const instant = event?.scheduledTime ? new Date(event.scheduledTime) : new Date();
  if (Number.isNaN(instant.getTime()))
    throw new Error(`scheduledTime is not an instant: ${event?.scheduledTime}`);
  return instant;
}
