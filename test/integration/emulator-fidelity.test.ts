import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactGetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emulatorClientConfig } from '#local/bootstrap.ts';
import { sharedEmulator } from '../support/runtime.ts';

/**
 * What the emulator does as DynamoDB does, where moto alone would not (local/emulator/moto_server.py),
 * checked through the SDK: the store relies on it.
 */
const raw = new DynamoDBClient(emulatorClientConfig(sharedEmulator()));
const documents = DynamoDBDocumentClient.from(raw);
const TableName = `rectify-fidelity-${process.pid}`;

beforeAll(async () => {
  await raw.send(
    new CreateTableCommand({
      TableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'PK', AttributeType: 'S' },
        { AttributeName: 'SK', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'PK', KeyType: 'HASH' },
        { AttributeName: 'SK', KeyType: 'RANGE' },
      ],
    }),
  );
  await documents.send(
    new PutCommand({
      TableName,
      Item: { PK: 'I#1', SK: 'I', importId: 'g1', settingsRev: 'r1', outline: 'x'.repeat(5000) },
    }),
  );
  await documents.send(
    new PutCommand({ TableName, Item: { PK: 'L#1', SK: 'ITEM#1', title: '事项', version: 3 } }),
  );
});
afterAll(async () => {
  await raw.send(new DeleteTableCommand({ TableName }));
  raw.destroy();
});

describe('TransactGetItems', () => {
  it('projects each Get by its ProjectionExpression, and returns whole items without one', async () => {
    const { Responses } = await documents.send(
      new TransactGetCommand({
        TransactItems: [
          { Get: { TableName, Key: { PK: 'L#1', SK: 'ITEM#1' } } },
          {
            Get: {
              TableName,
              Key: { PK: 'I#1', SK: 'I' },
              ProjectionExpression: 'importId, #rev',
              ExpressionAttributeNames: { '#rev': 'settingsRev' },
            },
          },
          { Get: { TableName, Key: { PK: 'I#2', SK: 'I' } } },
        ],
      }),
    );
    expect(Responses?.map((response) => response.Item)).toEqual([
      { PK: 'L#1', SK: 'ITEM#1', title: '事项', version: 3 },
      { importId: 'g1', settingsRev: 'r1' },
      undefined,
    ]);
  });
});
