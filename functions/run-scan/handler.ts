import { scheduleHandler } from '#shared/lambda/schedule-handler.ts';
import { scheduledInstant } from '#shared/schedule-event.ts';
import { runScan, SCANS } from '#shared/services/scans.ts';
import { ledgerStore } from '#shared/store/ledger-store.ts';

/**
 * The daily scans, one schedule each: `deadlines` (due soon, overdue, escalation), `lookback`
 * (回头看 due) and `reattest` (long-term items past their cycle).
 */
export const handler = scheduleHandler('runScan', async (event) => {
  const scan = SCANS[event.schedule as keyof typeof SCANS];
  if (!scan) throw new Error(`no scan named ${event.schedule}; there are: ${Object.keys(SCANS).join(', ')}`);
  return runScan(ledgerStore(), scan, scheduledInstant(event));
});
