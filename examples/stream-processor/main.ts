// A Kinesis stream processed by a function: batches, bisect on error, bounded retries and a failure destination.
import { App } from "cdktf";
import { join } from "node:path";
import { LambdaFunction } from "@platform/serverless/modules/lambda-function";
import { Queue } from "@platform/serverless/modules/queue";
import { AwsStack } from "@platform/serverless/modules/stack";
import { Stream } from "@platform/serverless/modules/stream";

const app = new App();
const stack = new AwsStack(app, "clicks-dev", {
  app: "clicks",
  env: "dev",
  region: "eu-west-1",
  tags: { team: "clicks" },
  offline: process.env.PLATFORM_OFFLINE === "1",
});

const clicks = new Stream(stack, "Clicks", { name: "clicks" }); // on-demand, KMS-encrypted
const failures = new Queue(stack, "Failures", { name: "clicks-failures", deadLetterQueue: false });
const processor = new LambdaFunction(stack, "Processor", { name: "clicks-processor", entry: join(__dirname, "handler.ts") });
processor.addKinesisEventSource(clicks, { batchSize: 500, maxRetryAttempts: 3, onFailure: failures });

app.synth();
