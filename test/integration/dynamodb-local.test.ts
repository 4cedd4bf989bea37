/**
 * The DynamoDB Local harness's failure messages (no JVM is started here: global setup started the run's one).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../lib/process";
import { assertJavaAvailable, waitForDynamoDb } from "../support/dynamodb-local";
import { dynamoDbEndpoint } from "../support/local-aws";

describe("DynamoDB Local harness", () => {
  const originalPath = process.env.PATH;
  const dir = mkdtempSync(join(tmpdir(), "fake-java-"));

  afterEach(() => {
    process.env.PATH = originalPath;
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("says that java is missing, and how to install it, when no java is on PATH", () => {
    process.env.PATH = join(dir, "empty");
    expect(() => assertJavaAvailable()).toThrow(
      "DynamoDB Local needs Java, and `java` was not found on PATH. Fix: install a Java 17 runtime (apt-get install -y openjdk-17-jre-headless)",
    );
  });

  it("reports a java that is on PATH but does not run, with its own error output", () => {
    const fakeJava = join(dir, "java");
    writeFileSync(fakeJava, '#!/bin/sh\necho "Error: could not open jvm.cfg" >&2\nexit 1\n');
    chmodSync(fakeJava, 0o755);
    process.env.PATH = dir;
    expect(() => assertJavaAvailable()).toThrow(/`java -version` failed \(exit code 1, signal none\): Error: could not open jvm\.cfg\. Fix: install/);
  });

  it("accepts the java on this machine's PATH", () => {
    expect(() => assertJavaAvailable()).not.toThrow();
  });

  it("names the endpoint and the last error when nothing answers there", async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    await expect(waitForDynamoDb(endpoint, 300)).rejects.toThrow(new RegExp(`^DynamoDB at ${endpoint} did not answer ListTables within 300 ms \\(last error: `));
  });

  it("reaches the DynamoDB Local that global setup started for this run", async () => {
    await expect(waitForDynamoDb(dynamoDbEndpoint(), 5000)).resolves.toBeUndefined();
  });
});
