// An Aurora Serverless v2 (PostgreSQL) cluster reached through the RDS Data API: no VPC, no connection pool.
// This example imports through the barrel, to compare with the subpath imports of the others (see the bench).
import { App } from "cdktf";
import { join } from "node:path";
import { AuroraServerless, AwsStack, LambdaFunction } from "@platform/serverless/modules";

const app = new App();
const stack = new AwsStack(app, "reports-dev", {
  app: "reports",
  env: "dev",
  region: "eu-west-1",
  tags: { team: "reports" },
  offline: process.env.PLATFORM_OFFLINE === "1",
});

// Scales to zero when idle (auto-pause); the master password lives in Secrets Manager, never in state.
const db = new AuroraServerless(stack, "Reports", { name: "reports", minCapacity: 0, maxCapacity: 2, disposable: true });
const query = new LambdaFunction(stack, "Query", {
  name: "reports-query",
  entry: join(__dirname, "handler.ts"),
  // The nodejs22.x runtime ships the AWS SDK v3: leave it out of the bundle.
  bundling: { externalModules: ["@aws-sdk/*"] },
});
db.connect(query); // REPORTS_CLUSTER_ARN, REPORTS_SECRET_ARN, REPORTS_DATABASE + Data API and secret read grants

app.synth();
