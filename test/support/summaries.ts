import { expect } from 'vitest';
import type { DevTokenRequest } from '#local/dev-auth.ts';
import type { ApiResponse, apiClient } from './api.ts';
import { eventually } from './eventually.ts';

/**
 * Follows a queued summary (asked for, or queued by the weekly schedule) with
 * GET /summaries/{id} until it is made; a failed job fails the test with its reason.
 */
export async function summaryMade(
  api: ReturnType<typeof apiClient>,
  as: DevTokenRequest,
  summaryId: string,
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
): Promise<any> {
  return eventually(async () => {
    const read = await api.get(`/summaries/${summaryId}`, as);
    expect(read.status, read.text).toBe(200);
    if (read.json.state === 'failed') throw new Error(`summary failed: ${read.json.failure?.reason}`);
    return read.json.state === 'ready' ? read.json : undefined;
  }, 60_000);
}

/**
 * Asks for a summary through the API (202, a job behind the queue) and follows it with
 * GET /summaries/{id} until it is made; a failed job fails the test with its reason.
 */
export async function askForSummary(
  api: ReturnType<typeof apiClient>,
  as: DevTokenRequest,
  inspectionId: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies.
): Promise<{ asked: ApiResponse; summary: any }> {
  const asked = await api.post(`/inspections/${inspectionId}/summaries`, as, body, headers);
  expect(asked.status, asked.text).toBe(202);
  const summary = await summaryMade(api, as, asked.json.summaryId);
  return { asked, summary };
}
