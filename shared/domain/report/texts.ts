import type { InspectionEvent } from '../inspection-events.ts';
import { REPORT_TEXT_FIELDS, type ReportText } from './model.ts';

/**
 * The report texts as they stood at an instant: each `ReportTextSet` record of the inspection's
 * chain carries the whole set as the admin saved it, so the last one at or before the instant is
 * the answer (a report as of a past date shows the texts of that date).
 */
export function reportTextAsOf(chain: readonly InspectionEvent[], asOf: string): ReportText {
  let texts: ReportText = {};
  for (const event of chain) {
    if (event.at > asOf) break;
    if (event.type === 'ReportTextSet') texts = reportTextOf(event.data);
  }
  return texts;
}

/** The fields of a record's data that are report texts (anything else is ignored). */
export function reportTextOf(data: Readonly<Record<string, unknown>>): ReportText {
  const texts: Record<string, string> = {};
  for (const field of REPORT_TEXT_FIELDS) {
    const value = data[field];
    if (typeof value === 'string' && value.trim()) texts[field] = value;
  }
  return texts;
}
