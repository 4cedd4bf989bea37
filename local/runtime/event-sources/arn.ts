/** Reading the ARNs an event source mapping names: its source, its function and its failure destination. */

/** The parts of an ARN: arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly accountId: string;
  readonly resource: string;
}

/** Splits an ARN; throws on anything that is not one. */
export function parseArn(arn: string): Arn {
  const parts = arn.split(":");
  if (parts.length < 6 || parts[0] !== "arn") throw new Error(`Not an ARN: ${arn}`);
  const [, partition, service, region, accountId] = parts;
  return { partition, service, region, accountId, resource: parts.slice(5).join(":") };
}

/** The kinds of event source the local runtime polls. */
export type EventSourceKind = "sqs" | "kinesis" | "dynamodb";

/** Which poller an event source ARN needs; throws for a service Lambda cannot poll here. */
export function eventSourceKind(eventSourceArn: string): EventSourceKind {
  const { service, resource } = parseArn(eventSourceArn);
  if (service === "sqs") return "sqs";
  if (service === "kinesis" && resource.startsWith("stream/") && !resource.includes("/consumer/")) return "kinesis";
  if (service === "dynamodb" && /^table\/[^/]+\/stream\/.+/.test(resource)) return "dynamodb";
  throw new Error(`Unsupported event source ${eventSourceArn}: the local runtime polls SQS queues, Kinesis streams and DynamoDB streams`);
}

/** Queue name and owner of an SQS queue ARN (for GetQueueUrl). */
export function sqsQueueOf(queueArn: string): { readonly queueName: string; readonly accountId: string } {
  const { service, resource, accountId } = parseArn(queueArn);
  if (service !== "sqs" || resource === "") throw new Error(`Not an SQS queue ARN: ${queueArn}`);
  return { queueName: resource, accountId };
}

/** The function name in a function ARN (or the argument itself when it is a bare name). */
export function functionNameOf(functionArnOrName: string): string {
  if (!functionArnOrName.startsWith("arn:")) return functionArnOrName;
  const { resource } = parseArn(functionArnOrName);
  return resource.startsWith("function:") ? resource.slice("function:".length).split(":")[0] : resource;
}
