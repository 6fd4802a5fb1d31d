import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** What every store of the ledger table holds: the client and the table's name. */
export class TableStore {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.client = client;
    this.tableName = tableName;
  }
}
