// A static site: files uploaded to a private S3 bucket, served by CloudFront through Origin Access Control.
import { App, TerraformOutput } from "cdktf";
import { join } from "node:path";
import { Bucket } from "@platform/serverless/modules/bucket";
import { Cdn } from "@platform/serverless/modules/cdn";
import { AwsStack } from "@platform/serverless/modules/stack";
import { StaticSite } from "@platform/serverless/modules/static-site";

const app = new App();
const stack = new AwsStack(app, "docs-dev", {
  app: "docs",
  env: "dev",
  region: "eu-west-1",
  tags: { team: "docs" },
  offline: process.env.PLATFORM_OFFLINE === "1",
});

const bucket = new Bucket(stack, "Site", { name: "site" }); // public access blocked, TLS only
new StaticSite(stack, "Files", { bucket, sourceDir: join(__dirname, "site") });
const cdn = new Cdn(stack, "Web", { name: "web", siteBucket: bucket }); // the bucket policy allows this distribution only

new TerraformOutput(stack, "site_url", { value: cdn.url });
app.synth();
