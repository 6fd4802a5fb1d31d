import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { traced } from '#shared/observability.ts';

/**
 * One DynamoDB client per execution environment. The endpoint, region and credentials come from
 * the standard environment (AWS_ENDPOINT_URL points it at the emulator locally).
 */
export const dynamodb = traced(new DynamoDBClient({}));

export const documentClient = DynamoDBDocumentClient.from(dynamodb, {
  marshallOptions: { removeUndefinedValues: true },
});
