// An HTTP API route backed by one function that reads and writes one DynamoDB table.
// Imports one block per subpath: only what the app uses is loaded at synth.
import { App, TerraformOutput } from "cdktf";
import { join } from "node:path";
import { HttpApi } from "@platform/serverless/modules/http-api";
import { LambdaFunction } from "@platform/serverless/modules/lambda-function";
import { AwsStack } from "@platform/serverless/modules/stack";
import { Table } from "@platform/serverless/modules/table";

const app = new App();
const stack = new AwsStack(app, "notes-dev", {
  app: "notes",
  env: "dev",
  region: "eu-west-1",
  tags: { team: "notes" },
  // PLATFORM_OFFLINE=1: fake credentials and local state, so `terraform plan` runs without an AWS account.
  offline: process.env.PLATFORM_OFFLINE === "1",
});

const notes = new Table(stack, "Notes", { name: "notes", partitionKey: { name: "pk", type: "S" } });
const api = new LambdaFunction(stack, "NotesApi", { name: "notes-api", entry: join(__dirname, "handler.ts") });
notes.connect(api, "readWrite"); // NOTES_TABLE_NAME + least-privilege read/write on this table only

const http = new HttpApi(stack, "Http", { name: "notes" });
http.addRoute("GET /notes/{id}", api, { authorization: "NONE" });
http.addRoute("PUT /notes/{id}", api, { authorization: "NONE" });

new TerraformOutput(stack, "api_url", { value: http.apiEndpoint });
app.synth();
