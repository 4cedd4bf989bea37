/** The AWS SDK clients of one event source, made on first use and closed together when it stops. */
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { SNSClient } from "@aws-sdk/client-sns";
import { SQSClient } from "@aws-sdk/client-sqs";
import { LOCAL_AWS } from "../types";

/** Where each API is served, and the region to sign for. */
export interface ClientSettings {
  readonly endpoints: { readonly sqs: string; readonly sns: string; readonly kinesis: string; readonly dynamodbStreams: string };
  readonly region: string;
}

/** Lazily made clients; `destroy` closes the ones that were made. */
export interface SourceClients {
  sqs(): SQSClient;
  sns(): SNSClient;
  kinesis(): KinesisClient;
  dynamodbStreams(): DynamoDBStreamsClient;
  destroy(): void;
}

/** Clients for the emulator endpoints, signed with the local static credentials. */
export function sourceClients(settings: ClientSettings): SourceClients {
  const base = { region: settings.region, credentials: LOCAL_AWS.credentials };
  const made: Array<{ destroy(): void }> = [];
  const once = <T extends { destroy(): void }>(make: () => T): (() => T) => {
    let client: T | undefined;
    return () => {
      if (client === undefined) {
        client = make();
        made.push(client);
      }
      return client;
    };
  };
  const sqs = once(() => new SQSClient({ ...base, endpoint: settings.endpoints.sqs }));
  const sns = once(() => new SNSClient({ ...base, endpoint: settings.endpoints.sns }));
  // Kinesis's client speaks HTTP/2 by default (for SubscribeToShard); the emulators speak HTTP/1.1 only, so it
  // gets an HTTP/1.1 handler: one made by an SQS client (client-sqs uses the SDK's NodeHttpHandler).
  const kinesis = once(() => {
    const donor = new SQSClient(base);
    made.push(donor);
    return new KinesisClient({ ...base, endpoint: settings.endpoints.kinesis, requestHandler: donor.config.requestHandler });
  });
  const dynamodbStreams = once(() => new DynamoDBStreamsClient({ ...base, endpoint: settings.endpoints.dynamodbStreams }));
  return {
    sqs,
    sns,
    kinesis,
    dynamodbStreams,
    destroy() {
      for (const client of made.splice(0)) client.destroy();
    },
  };
}
