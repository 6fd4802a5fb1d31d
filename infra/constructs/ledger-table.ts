import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tables } from '#catalog/resources.ts';

/**
 * The single ledger table (catalog/resources.ts `tables.ledger`): on-demand, point-in-time
 * recovery, the stream the event publisher reads, TTL for idempotency records. Outside a dev
 * stage it is retained and protected from deletion: it is the record of the rectification.
 */
export class LedgerTable extends Construct {
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: { readonly retain: boolean }) {
    super(scope, id);
    const definition = tables.ledger;
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      sortKey: { name: definition.sortKey, type: AttributeType.STRING },
      globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
      })),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      dynamoStream: StreamViewType[definition.stream],
      timeToLiveAttribute: definition.timeToLiveAttribute,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }
}
