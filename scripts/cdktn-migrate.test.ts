// The pure parts of scripts/cdktn-migrate.ts. The migration itself (a 476 MB install and two synths) runs as its own
// CI step, `npm run migrate:cdktn` in .ci/run, not in `npm test`.
import { diffStacks, differingPaths, rewriteImports } from "./cdktn-migrate";

describe("rewriteImports", () => {
  it("renames cdktf and @cdktf/provider-aws module specifiers in imports, exports, require, import() and jest.mock", () => {
    const src = [
      'import { App, TerraformStack } from "cdktf";',
      'import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";',
      "export * from 'cdktf/lib/testing';",
      'const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");',
      'const lazy = await import("cdktf");',
      'jest.mock("cdktf");',
    ].join("\n");
    const { text, count } = rewriteImports(src);
    expect(count).toBe(6);
    expect(text).toBe(
      [
        'import { App, TerraformStack } from "cdktn";',
        'import { S3Bucket } from "@cdktn/provider-aws/lib/s3-bucket";',
        "export * from 'cdktn/lib/testing';",
        'const { AwsProvider } = require("@cdktn/provider-aws/lib/provider");',
        'const lazy = await import("cdktn");',
        'jest.mock("cdktn");',
      ].join("\n"),
    );
  });

  it("leaves strings that are not module specifiers alone (a ManagedBy tag, a message)", () => {
    const src = 'const tags = { ManagedBy: "cdktf" };\nconsole.log("cdktf");';
    expect(rewriteImports(src)).toEqual({ text: src, count: 0 });
  });
});

describe("diffStacks", () => {
  const before = {
    "//": { metadata: { version: "0.21.0" } },
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } }, backend: { local: { path: "a.tfstate" } } },
    provider: { aws: [{ region: "eu-west-1" }] },
    resource: {
      aws_s3_bucket: { b: { "//": { metadata: { path: "x" } }, bucket: "b", tags: { a: "1" } } },
      aws_sqs_queue: { q: { name: "q" } },
    },
  };

  it("reports resources added, removed and changed by attribute path, and version strings and // comments as metadata", () => {
    const after = {
      "//": { metadata: { version: "0.24.0" } },
      terraform: { required_providers: { aws: { source: "aws", version: "6.66.0" } }, backend: { local: { path: "a.tfstate" } } },
      provider: { aws: [{ region: "eu-west-1" }] },
      resource: {
        aws_s3_bucket: { b: { "//": { metadata: { path: "y" } }, bucket: "b", tags: { a: "2" } } },
        aws_sns_topic: { t: { name: "t" } },
      },
    };
    expect(diffStacks("s", before, after)).toEqual({
      stack: "s",
      added: ["aws_sns_topic.t"],
      removed: ["aws_sqs_queue.q"],
      changed: { "aws_s3_bucket.b": ["tags.a"] },
      otherChanges: [],
      metadataChanges: 3,
    });
  });

  it("finds no difference between identical documents", () => {
    expect(diffStacks("s", before, JSON.parse(JSON.stringify(before)))).toEqual({ stack: "s", added: [], removed: [], changed: {}, otherChanges: [], metadataChanges: 0 });
  });

  it("compares arrays by index and reports a length change at the array", () => {
    expect(differingPaths({ a: [1, 2] }, { a: [1, 3] })).toEqual(["a[1]"]);
    expect(differingPaths({ a: [1, 2] }, { a: [1] })).toEqual(["a"]);
  });
});
