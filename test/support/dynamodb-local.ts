/** DynamoDB Local for the tests: the launcher lives with the other emulators in local/emulators. */
export * from "../../local/emulators/dynamodb-local";
