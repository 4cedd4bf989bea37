import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * A DynamoDB document client. Call it once per container, at module scope.
 * The endpoint follows the SDK's standard configuration: `AWS_ENDPOINT_URL_DYNAMODB` (or `AWS_ENDPOINT_URL`)
 * points it at DynamoDB Local in tests; unset in AWS.
 */
export function createDocumentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
