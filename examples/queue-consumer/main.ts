// An SQS queue (with its dead-letter queue) consumed by a function that reports partial batch failures.
import { App } from "cdktf";
import { join } from "node:path";
import { LambdaFunction } from "@platform/serverless/modules/lambda-function";
import { Queue } from "@platform/serverless/modules/queue";
import { AwsStack } from "@platform/serverless/modules/stack";

const app = new App();
const stack = new AwsStack(app, "orders-dev", {
  app: "orders",
  env: "dev",
  region: "eu-west-1",
  tags: { team: "orders" },
  offline: process.env.PLATFORM_OFFLINE === "1",
});

// The queue creates its own DLQ (`orders-dev-jobs-dlq`, 14 days) and moves a message there after 5 receives.
const jobs = new Queue(stack, "Jobs", { name: "jobs", visibilityTimeoutSeconds: 180, maxReceiveCount: 5 });
const worker = new LambdaFunction(stack, "Worker", { name: "jobs-worker", entry: join(__dirname, "handler.ts"), timeoutSeconds: 30 });
// Event source mapping with ReportBatchItemFailures; grants receive/delete on this queue only.
worker.addSqsEventSource(jobs, { batchSize: 10 });

app.synth();
