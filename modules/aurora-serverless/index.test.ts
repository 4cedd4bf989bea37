import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TerraformStack, Testing, Token } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { AwsStack } from "../stack";
import { expectNoWildcards, roleStatements, synthExisting, synthStack, warnings } from "../../test/support/synth";
import { countByType, plannedValues, validateAndPlan } from "../../test/support/terraform";
import { Key } from "../kms-key";
import { LambdaFunction } from "../lambda-function";
import { AuroraServerless, DEFAULT_AURORA_POSTGRES_VERSION } from "./index";
import { DATA_API_ACTIONS, DATA_API_SECRET_ACTIONS } from "./perms";
import { AUTO_PAUSE_MIN_MINOR, DATA_API_MIN_MINOR } from "./validate-props";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ACCOUNT = "123456789012";
const KEY_ARN = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const CLUSTER_ARN = `arn:aws:rds:eu-west-1:${ACCOUNT}:cluster:shared-analytics`;
const SECRET_ARN = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:rds!cluster-1234-AbCdEf`;

type Out = ReturnType<typeof synthStack>;

/** The statements of a function's role policy, without its own log and X-Ray statements. */
function instances(out: Out): Record<string, any> {
  return Object.fromEntries(Object.values(out.resources("aws_rds_cluster_instance")).map((i: any) => [i.identifier, i]));
}

describe("AuroraServerless", () => {
  it("defaults: Aurora PostgreSQL Serverless v2 with the Data API, managed master secret, encrypted storage, deletion protection, 7-day backups, a final snapshot", () => {
    let db!: AuroraServerless;
    const out = synthStack((s) => {
      db = new AuroraServerless(s, "Analytics", { name: "analytics" });
    });
    const c = out.only("aws_rds_cluster");
    expect(c).toMatchObject({
      cluster_identifier: "test-dev-analytics",
      engine: "aurora-postgresql",
      engine_mode: "provisioned",
      engine_version: DEFAULT_AURORA_POSTGRES_VERSION,
      database_name: "analytics",
      master_username: "postgres",
      manage_master_user_password: true,
      enable_http_endpoint: true,
      storage_encrypted: true,
      deletion_protection: true,
      backup_retention_period: 7,
      copy_tags_to_snapshot: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "test-dev-analytics-final",
      iam_database_authentication_enabled: false,
      port: 5432,
      serverlessv2_scaling_configuration: { min_capacity: 0.5, max_capacity: 2 },
    });
    // No password in the configuration (RDS generates it into Secrets Manager), no CMKs unless given, no VPC overrides.
    for (const absent of ["master_password", "master_password_wo", "kms_key_id", "master_user_secret_kms_key_id", "db_subnet_group_name", "vpc_security_group_ids", "lifecycle"]) {
      expect(c[absent]).toBeUndefined();
    }
    expect(c.serverlessv2_scaling_configuration.seconds_until_auto_pause).toBeUndefined();

    const writer = out.only("aws_rds_cluster_instance");
    expect(writer).toMatchObject({
      identifier: "test-dev-analytics-writer",
      cluster_identifier: out.ref("aws_rds_cluster", "id"),
      engine: out.ref("aws_rds_cluster", "engine"),
      instance_class: "db.serverless",
      publicly_accessible: false,
      auto_minor_version_upgrade: false,
      promotion_tier: 0,
    });
    expect(writer.engine_version).toBeUndefined();

    expect(db.clusterIdentifier).toBe("test-dev-analytics");
    expect(db.databaseName).toBe("analytics");
    expect(db.minCapacity).toBe(0.5);
    expect(db.secondsUntilAutoPause).toBeUndefined();
    expect(Token.isUnresolved(db.clusterArn) && Token.isUnresolved(db.secretArn) && Token.isUnresolved(db.endpoint)).toBe(true);
  });

  it("exposes the managed master secret's ARN as master_user_secret[0].secret_arn", () => {
    const out = synthStack((s) => {
      const db = new AuroraServerless(s, "Analytics", { name: "analytics" });
      new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY, environment: { SECRET: db.secretArn, ENDPOINT: db.endpoint } });
    });
    const vars = out.only("aws_lambda_function").environment.variables;
    const cluster = Object.keys(out.resources("aws_rds_cluster"))[0];
    expect(vars.SECRET).toBe(`\${aws_rds_cluster.${cluster}.master_user_secret[0].secret_arn}`);
    expect(vars.ENDPOINT).toBe(out.ref("aws_rds_cluster", "endpoint"));
  });

  it("dev-like config scales to zero: min capacity 0 with auto-pause after 300 s by default (or the given delay)", () => {
    let db!: AuroraServerless;
    const out = synthStack((s) => {
      db = new AuroraServerless(s, "Analytics", { name: "analytics", minCapacity: 0, maxCapacity: 4, deletionProtection: false, skipFinalSnapshot: true, backupRetentionDays: 1 });
      new AuroraServerless(s, "Scratch", { name: "scratch", minCapacity: 0, secondsUntilAutoPause: 3600 });
    });
    const clusters = Object.fromEntries(Object.values(out.resources("aws_rds_cluster")).map((c: any) => [c.cluster_identifier, c]));
    expect(clusters["test-dev-analytics"].serverlessv2_scaling_configuration).toEqual({ min_capacity: 0, max_capacity: 4, seconds_until_auto_pause: 300 });
    expect(clusters["test-dev-analytics"]).toMatchObject({ deletion_protection: false, skip_final_snapshot: true, backup_retention_period: 1 });
    expect(clusters["test-dev-analytics"].final_snapshot_identifier).toBeUndefined();
    expect(clusters["test-dev-scratch"].serverlessv2_scaling_configuration).toEqual({ min_capacity: 0, max_capacity: 2, seconds_until_auto_pause: 3600 });
    expect(db.secondsUntilAutoPause).toBe(300);
    expect(warnings(db).join("\n")).toMatch(/deletionProtection is off and skipFinalSnapshot is on[\s\S]*Fix:/);
  });

  it("does not warn about losing the data when the caller says it is disposable", () => {
    let db!: AuroraServerless;
    synthStack((s) => {
      db = new AuroraServerless(s, "Analytics", { name: "analytics", deletionProtection: false, skipFinalSnapshot: true, disposable: true });
    });
    expect(warnings(db)).toEqual([]);
  });

  it("prod-like config: deletion protection, final snapshot, 35-day backups, prevent_destroy, CMKs, readers after the writer, own subnet group and security groups", () => {
    let db!: AuroraServerless;
    const out = synthStack((s) => {
      const key = new Key(s, "Key", { name: "analytics", accountId: ACCOUNT });
      db = new AuroraServerless(s, "Analytics", {
        name: "analytics",
        minCapacity: 1,
        maxCapacity: 16,
        readers: 2,
        backupRetentionDays: 35,
        preventDestroy: true,
        encryptionKey: key,
        secretEncryptionKey: key,
        finalSnapshotIdentifier: "analytics-prod-final",
        dbSubnetGroupName: "private-data",
        vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
        iamDatabaseAuthentication: true,
      });
    }, "prod");
    const c = out.only("aws_rds_cluster");
    expect(c).toMatchObject({
      cluster_identifier: "test-prod-analytics",
      deletion_protection: true,
      skip_final_snapshot: false,
      final_snapshot_identifier: "analytics-prod-final",
      backup_retention_period: 35,
      lifecycle: { prevent_destroy: true },
      storage_encrypted: true,
      kms_key_id: out.ref("aws_kms_key", "arn"),
      master_user_secret_kms_key_id: out.ref("aws_kms_key", "arn"),
      db_subnet_group_name: "private-data",
      vpc_security_group_ids: ["sg-0123456789abcdef0"],
      iam_database_authentication_enabled: true,
      serverlessv2_scaling_configuration: { min_capacity: 1, max_capacity: 16 },
    });
    const all = instances(out);
    expect(Object.keys(all).sort()).toEqual(["test-prod-analytics-reader-1", "test-prod-analytics-reader-2", "test-prod-analytics-writer"]);
    const writerKey = Object.entries(out.resources("aws_rds_cluster_instance")).find(([, i]: any) => i.identifier.endsWith("-writer"))![0];
    for (const r of ["test-prod-analytics-reader-1", "test-prod-analytics-reader-2"]) {
      expect(all[r]).toMatchObject({ instance_class: "db.serverless", promotion_tier: 1, publicly_accessible: false, db_subnet_group_name: "private-data" });
      expect(all[r].depends_on).toEqual([`aws_rds_cluster_instance.${writerKey}`]);
    }
    expect(all["test-prod-analytics-writer"].db_subnet_group_name).toBe("private-data");
    expect(db.readers).toHaveLength(2);
    expect(warnings(db)).toEqual([]);
  });

  it("grantDataApi: the five rds-data actions on the cluster ARN only and GetSecretValue on the managed secret only", () => {
    const out = synthStack((s) => {
      const db = new AuroraServerless(s, "Analytics", { name: "analytics" });
      db.grantDataApi(new LambdaFunction(s, "Query", { name: "analytics-query", entry: ENTRY }));
    });
    const cluster = Object.keys(out.resources("aws_rds_cluster"))[0];
    const statements = roleStatements(out, "Query");
    expect(statements).toEqual([
      {
        Effect: "Allow",
        Action: ["rds-data:BatchExecuteStatement", "rds-data:BeginTransaction", "rds-data:CommitTransaction", "rds-data:ExecuteStatement", "rds-data:RollbackTransaction"],
        Resource: out.ref("aws_rds_cluster", "arn"),
      },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: `\${aws_rds_cluster.${cluster}.master_user_secret[0].secret_arn}` },
    ]);
    expectNoWildcards(statements);
    expect(DATA_API_SECRET_ACTIONS).toEqual(["secretsmanager:GetSecretValue"]);
  });

  it("grantDataApi adds kms:Decrypt on the secret's customer-managed key only (not on the storage key)", () => {
    const out = synthStack((s) => {
      const storage = new Key(s, "StorageKey", { name: "storage", accountId: ACCOUNT });
      const secrets = new Key(s, "SecretKey", { name: "secrets", accountId: ACCOUNT });
      const db = new AuroraServerless(s, "Analytics", { name: "analytics", encryptionKey: storage, secretEncryptionKey: secrets });
      db.grantDataApi(new LambdaFunction(s, "Query", { name: "analytics-query", entry: ENTRY }));
    });
    const secretKeyArn = `\${aws_kms_key.${Object.keys(out.resources("aws_kms_key")).find((k) => k.startsWith("SecretKey"))}.arn}`;
    const statements = roleStatements(out, "Query");
    expect(statements).toHaveLength(3);
    expect(statements[2]).toEqual({ Effect: "Allow", Action: "kms:Decrypt", Resource: secretKeyArn });
    expectNoWildcards(statements);
  });

  it("connect sets <ID>_CLUSTER_ARN, <ID>_SECRET_ARN and <ID>_DATABASE (or a given prefix) and grants Data API access", () => {
    const out = synthStack((s) => {
      const db = new AuroraServerless(s, "AnalyticsDb", { name: "analytics", databaseName: "events" });
      db.connect(new LambdaFunction(s, "Ingest", { name: "analytics-ingest", entry: ENTRY }));
      db.connect(new LambdaFunction(s, "Query", { name: "analytics-query", entry: ENTRY }), { envVarPrefix: "ANALYTICS" });
    });
    const cluster = Object.keys(out.resources("aws_rds_cluster"))[0];
    const fns = Object.fromEntries(Object.values(out.resources("aws_lambda_function")).map((f: any) => [f.function_name, f.environment.variables]));
    expect(fns["test-dev-analytics-ingest"]).toMatchObject({
      ANALYTICS_DB_CLUSTER_ARN: out.ref("aws_rds_cluster", "arn"),
      ANALYTICS_DB_SECRET_ARN: `\${aws_rds_cluster.${cluster}.master_user_secret[0].secret_arn}`,
      ANALYTICS_DB_DATABASE: "events",
    });
    expect(fns["test-dev-analytics-query"]).toMatchObject({ ANALYTICS_CLUSTER_ARN: out.ref("aws_rds_cluster", "arn"), ANALYTICS_DATABASE: "events" });
    for (const fn of ["Ingest", "Query"]) expect(roleStatements(out, fn).map((st: any) => st.Action)).toEqual([[...DATA_API_ACTIONS], "secretsmanager:GetSecretValue"]);
  });

  it("fromAttributes imports a cluster: grants and env vars on the given ARNs; bad ARNs and names are refused", () => {
    const out = synthStack((s) => {
      const db = AuroraServerless.fromAttributes(s, "Shared", {
        clusterArn: CLUSTER_ARN,
        secretArn: SECRET_ARN,
        databaseName: "analytics",
        secretEncryptionKey: Key.fromArn(s, "K", KEY_ARN),
      });
      db.connect(new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY }));
    });
    expect(out.resources("aws_rds_cluster")).toEqual({});
    expect(roleStatements(out, "Fn")).toEqual([
      { Effect: "Allow", Action: [...DATA_API_ACTIONS], Resource: CLUSTER_ARN },
      { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: SECRET_ARN },
      { Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN },
    ]);
    expect(out.only("aws_lambda_function").environment.variables).toMatchObject({ SHARED_CLUSTER_ARN: CLUSTER_ARN, SHARED_SECRET_ARN: SECRET_ARN, SHARED_DATABASE: "analytics" });
    const imp = (attrs: any) => () =>
      synthStack((s) => AuroraServerless.fromAttributes(s, "Bad", { clusterArn: CLUSTER_ARN, secretArn: SECRET_ARN, databaseName: "analytics", ...attrs }));
    expect(imp({ clusterArn: `arn:aws:rds:eu-west-1:${ACCOUNT}:db:instance-1` })).toThrow(/is not a DB cluster ARN\. Fix:/);
    expect(imp({ secretArn: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/x` })).toThrow(/is not an secretsmanager ARN/);
    expect(imp({ databaseName: "my-db" })).toThrow(/AuroraServerless.fromAttributes "test\/Bad"[\s\S]*databaseName: received "my-db"/);
  });

  it("shortens long identifiers to 63 characters with a stable hash, for the cluster and each instance", () => {
    const name = "a-very-long-analytics-cluster-name-that-goes-on-1";
    const out = synthStack((s) => new AuroraServerless(s, "Analytics", { name, readers: 1 }));
    const c = out.only("aws_rds_cluster");
    expect(c.cluster_identifier.length).toBeLessThanOrEqual(63);
    for (const id of Object.keys(instances(out))) {
      expect(id.length).toBeLessThanOrEqual(63);
      expect(id).toMatch(/^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$/);
    }
    expect(new Set(Object.keys(instances(out))).size).toBe(2);
  });

  describe("validation names the module, the prop and the fix", () => {
    const build = (props: any) => () => synthStack((s) => new AuroraServerless(s, "Db", { name: "analytics", ...props }));

    it("capacity: min ≤ max, steps of 0.5, 0–256 (max ≥ 1)", () => {
      expect(build({ minCapacity: 8, maxCapacity: 4 })).toThrow(
        /AuroraServerless "test\/Db": invalid props \(1 problem\):\n {2}- minCapacity: received 8; allowed: at most maxCapacity \(4\)\. Fix: lower minCapacity or raise maxCapacity\./,
      );
      expect(build({ minCapacity: 0.75, maxCapacity: 300 })).toThrow(
        /\(2 problems\)[\s\S]*- minCapacity: received 0\.75; allowed: 0 to 256 ACU in steps of 0\.5[\s\S]*- maxCapacity: received 300; allowed: 1 to 256 ACU in steps of 0\.5\. Fix:/,
      );
      expect(build({ minCapacity: -1 })).toThrow(/minCapacity: received -1/);
      expect(build({ minCapacity: 0, maxCapacity: 0.5 })).toThrow(/maxCapacity: received 0\.5; allowed: 1 to 256/);
    });

    it("auto-pause: 300–86400 s, and only with min capacity 0", () => {
      expect(build({ secondsUntilAutoPause: 600 })).toThrow(
        /- secondsUntilAutoPause: received 600; allowed: set only with minCapacity 0 \(automatic pause\)\. Fix: remove secondsUntilAutoPause, or set minCapacity: 0/,
      );
      expect(build({ minCapacity: 0, secondsUntilAutoPause: 60 })).toThrow(/- secondsUntilAutoPause: received 60; allowed: an integer from 300 to 86400\. Fix:/);
      expect(build({ minCapacity: 0, secondsUntilAutoPause: 86401 })).toThrow(/secondsUntilAutoPause: received 86401/);
      expect(build({ minCapacity: 0, secondsUntilAutoPause: 86400 })).not.toThrow();
    });

    it("engine version: must support the Data API, and automatic pause when min capacity is 0", () => {
      expect(build({ engineVersion: "16.0" })).toThrow(
        /- engineVersion: received "16\.0"; allowed: a version with the RDS Data API on Serverless v2: 13\.11\+, 14\.8\+, 15\.3\+, 16\.1\+, 17\.4\+\. Fix:/,
      );
      expect(build({ engineVersion: "12.20" })).toThrow(/engineVersion: received "12\.20"/);
      expect(build({ engineVersion: "16.2", minCapacity: 0 })).toThrow(
        /- minCapacity: received 0; allowed: 0 only on a version with automatic pause[\s\S]*engineVersion is 16\.2\. Fix: set engineVersion to 16\.3 or later, or minCapacity to 0\.5 or more\./,
      );
      expect(build({ engineVersion: "sixteen" })).toThrow(/engineVersion: received "sixteen"; allowed: an Aurora PostgreSQL version "<major>\.<minor>"/);
      for (const ok of ["13.15", "14.12", "15.7", "16.3", "17.4"]) expect(build({ engineVersion: ok, minCapacity: 0 })).not.toThrow();
      expect(build({ engineVersion: "16.1" })).not.toThrow();
      expect(DATA_API_MIN_MINOR[17]).toBe(4);
      expect(AUTO_PAUSE_MIN_MINOR[16]).toBe(3);
    });

    it("identifier rules: lower-case, starts with a letter, no double hyphen, no trailing hyphen, ≤ 50 for the logical name", () => {
      for (const bad of ["Analytics", "1analytics", "ana--lytics", "analytics-", "ana_lytics", "a".repeat(51), ""]) {
        expect(build({ name: bad })).toThrow(
          /AuroraServerless "test\/Db"[\s\S]*- name: received .*; allowed: 1–50 characters: a lower-case letter first, then lower-case letters, digits and hyphens, no two hyphens in a row, not ending with a hyphen\. Fix:/,
        );
      }
      expect(build({ finalSnapshotIdentifier: "Final--Snap" })).toThrow(/- finalSnapshotIdentifier: received "Final--Snap"; allowed: 1–255 characters/);
    });

    it("the identifier built from a stack id that starts with a digit is refused, with the fix", () => {
      const app = Testing.app();
      const stack = new TerraformStack(app, "2024-analytics");
      new AwsProvider(stack, "aws", { region: "eu-west-1" });
      expect(() => new AuroraServerless(stack, "Db", { name: "analytics" })).toThrow(
        /- name \(cluster identifier\): received "2024-analytics-analytics"; allowed: 1–63 characters: a lower-case letter first[\s\S]*Fix: change the name, or the stack's naming context/,
      );
    });

    it("backups, readers, port, snapshot, database and user names, network ids", () => {
      expect(build({ backupRetentionDays: 0 })).toThrow(/- backupRetentionDays: received 0; allowed: an integer from 1 to 35\. Fix: set backupRetentionDays between 1 and 35\./);
      expect(build({ backupRetentionDays: 36 })).toThrow(/backupRetentionDays: received 36/);
      expect(build({ readers: 16 })).toThrow(/readers: received 16; allowed: an integer from 0 to 15/);
      expect(build({ port: 80 })).toThrow(/port: received 80/);
      expect(build({ skipFinalSnapshot: true, finalSnapshotIdentifier: "snap" })).toThrow(
        /- finalSnapshotIdentifier: received "snap"; allowed: unset when skipFinalSnapshot is true\. Fix:/,
      );
      expect(build({ databaseName: "my-db" })).toThrow(
        /- databaseName: received "my-db"; allowed: 1–63 letters, digits or underscores, starting with a letter\. Fix: use a name such as "analytics" \(hyphens are not allowed\)\./,
      );
      expect(build({ masterUsername: "rdsadmin" })).toThrow(/- masterUsername: received "rdsadmin"; allowed: a name RDS does not reserve/);
      expect(build({ vpcSecurityGroupIds: ["default"] })).toThrow(/- vpcSecurityGroupIds\[0\]: received "default"; allowed: a security group id \(sg-...\)\. Fix:/);
      expect(build({ vpcSecurityGroupIds: [] })).toThrow(/vpcSecurityGroupIds: received \[\]/);
      expect(build({ dbSubnetGroupName: "arn:aws:rds:eu-west-1:123456789012:subgrp:x" })).toThrow(/dbSubnetGroupName: received/);
    });

    it("collects every problem into one error and skips unresolved tokens", () => {
      expect(build({ backupRetentionDays: 0, readers: -1, minCapacity: 3, maxCapacity: 2 })).toThrow(/invalid props \(3 problems\)/);
      expect(
        build({ minCapacity: Token.asNumber({ Ref: "min" }), backupRetentionDays: Token.asNumber({ Ref: "b" }), vpcSecurityGroupIds: [Token.asString({ Ref: "sg" })] }),
      ).not.toThrow();
    });
  });

  it("is valid Terraform: init + validate + offline plan of a dev cluster (scales to 0) and a prod cluster (CMKs, readers, guards)", async () => {
    const app = Testing.app();
    const dev = new AwsStack(app, "aurora-tf", { app: "test", env: "dev", region: "eu-west-1", tags: {}, offline: true });
    const key = new Key(dev, "Key", { name: "analytics", accountId: ACCOUNT });
    const devDb = new AuroraServerless(dev, "Analytics", {
      name: "analytics",
      minCapacity: 0,
      maxCapacity: 4,
      secondsUntilAutoPause: 600,
      deletionProtection: false,
      skipFinalSnapshot: true,
      backupRetentionDays: 1,
    });
    new AuroraServerless(dev, "Reporting", {
      name: "reporting",
      minCapacity: 0.5,
      maxCapacity: 16,
      readers: 1,
      encryptionKey: key,
      secretEncryptionKey: key,
      backupRetentionDays: 35,
      preventDestroy: true,
      iamDatabaseAuthentication: true,
    });
    devDb.connect(new LambdaFunction(dev, "Query", { name: "analytics-query", entry: ENTRY }));
    expect(synthExisting(dev).only("aws_lambda_function").environment.variables.ANALYTICS_DATABASE).toBe("analytics");
    const dir = mkdtempSync(join(tmpdir(), "aurora-tf-"));
    try {
      writeFileSync(join(dir, "cdk.tf.json"), Testing.synth(dev));
      const result = await validateAndPlan(dir);
      expect(result.validate.diagnostics).toEqual([]);
      expect(result.validate.valid).toBe(true);
      expect(countByType(result.plan)).toMatchObject({ aws_rds_cluster: 2, aws_rds_cluster_instance: 3 });
      const clusters = Object.fromEntries(plannedValues(result.plan, "aws_rds_cluster").map((c) => [c.cluster_identifier, c]));
      expect(clusters["test-dev-analytics"]).toMatchObject({
        engine: "aurora-postgresql",
        engine_mode: "provisioned",
        engine_version: DEFAULT_AURORA_POSTGRES_VERSION,
        enable_http_endpoint: true,
        manage_master_user_password: true,
        storage_encrypted: true,
        serverlessv2_scaling_configuration: [{ min_capacity: 0, max_capacity: 4, seconds_until_auto_pause: 600 }],
      });
      expect(clusters["test-dev-reporting"]).toMatchObject({
        deletion_protection: true,
        skip_final_snapshot: false,
        final_snapshot_identifier: "test-dev-reporting-final",
        backup_retention_period: 35,
        copy_tags_to_snapshot: true,
        iam_database_authentication_enabled: true,
      });
      for (const i of plannedValues(result.plan, "aws_rds_cluster_instance")) {
        expect(i).toMatchObject({ instance_class: "db.serverless", publicly_accessible: false, engine: "aurora-postgresql" });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
