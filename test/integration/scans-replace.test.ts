import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { LedgerStore } from '#shared/store/ledger-store.ts';
import { users } from '../support/api.ts';
import { sharedEmulator } from '../support/runtime.ts';
import { sampleItem as item, samplePlan as plan, scanFixture } from '../support/scans.ts';

// A deadline scan on 1 October 2024, in a stage of its own (see test/support/scans.ts).
const { local, api, tick } = scanFixture('scansreplace');

describe('a scan meeting a replace under way', () => {
  it('scans the other inspections, then fails the run naming the one it deferred; the retry scans it', async () => {
    const revised = structuredClone(plan);
    revised.inspection.id = 'scans-revised-1';
    expect((await api.post('/inspections/import', users.admin, { plan: revised })).status).toBe(201);
    const client = DynamoDBDocumentClient.from(new DynamoDBClient(emulatorClientConfig(sharedEmulator())));
    const store = new LedgerStore(client, local().runtime.resources.tables.ledger.name);
    const inspection = await store.requireInspection('scans-revised-1');
    await store.beginRevision('scans-revised-1', inspection.importId, 'scan-lease');
    const overdueRecords = async (itemId: string) =>
      ((await api.get(`/items/${itemId}/history`, users.admin)).json.events as { type: string }[]).filter(
        (event) => event.type === 'Overdue',
      ).length;
    const sampleBefore = await overdueRecords(item('1.2.1'));

    const run = tick('deadlines', '2024-10-01T00:00:00Z');

    await expect(run).rejects.toMatchObject({ name: 'ScanDeferred', inspectionIds: ['scans-revised-1'] });
    expect(await overdueRecords(item('1.2.1'))).toBe(sampleBefore + 1);
    expect(await overdueRecords('scans-revised-1.1.2.1')).toBe(0);
    await store.endRevision('scans-revised-1', 'scan-lease');
    const retry = await tick('deadlines', '2024-10-01T00:00:00Z');
    expect(await overdueRecords('scans-revised-1.1.2.1')).toBe(1);
    // The inspection scanned before records nothing twice on the same day.
    expect(await overdueRecords(item('1.2.1'))).toBe(sampleBefore + 1);
    expect(retry.records).toMatchObject({ Overdue: expect.any(Number) });
    client.destroy();
  });
});
