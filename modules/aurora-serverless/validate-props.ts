import { PropsValidator } from "../core/validation";
import type { AuroraServerlessProps } from "./index";

/**
 * First Aurora PostgreSQL minor version of each major that supports the RDS Data API on Serverless v2 / provisioned
 * clusters (AWS, "Supported Regions and Aurora DB engines for RDS Data API").
 */
export const DATA_API_MIN_MINOR: Readonly<Record<number, number>> = { 13: 11, 14: 8, 15: 3, 16: 1, 17: 4, 18: 3 };

/**
 * First Aurora PostgreSQL minor version of each major that accepts a minimum capacity of 0 ACU (automatic pause and
 * resume). Every released minor of 17 and later supports it.
 */
export const AUTO_PAUSE_MIN_MINOR: Readonly<Record<number, number>> = { 13: 15, 14: 12, 15: 7, 16: 3 };

/** A DB cluster or instance identifier: lower-case letter first, then lower-case letters, digits and single hyphens. */
export const DB_IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-))*$/;
/** A PostgreSQL database or user name as RDS accepts it. */
const PG_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
const SUBNET_GROUP_NAME = /^[A-Za-z0-9 ._-]{1,255}$/;
const RESERVED_USERNAMES = ["rdsadmin", "rds_superuser", "rds_replication", "rds_password", "rdsrepladmin"];

function isHalfStep(value: number): boolean {
  return Number.isFinite(value) && Math.round(value * 2) === value * 2;
}

/** Checks an identifier against RDS's rules (1–max characters, letter first, no "--", no trailing "-"). */
export function checkIdentifier(v: PropsValidator, prop: string, value: string | undefined, max: number, fix: string): void {
  if (value === undefined || PropsValidator.isUnresolved(value)) return;
  v.check(value.length >= 1 && value.length <= max && DB_IDENTIFIER.test(value) && !value.endsWith("-"), {
    prop,
    received: value,
    allowed: `1–${max} characters: a lower-case letter first, then lower-case letters, digits and hyphens, no two hyphens in a row, not ending with a hyphen`,
    fix,
  });
}

/** Parses `<major>.<minor>` of an Aurora PostgreSQL engine version. */
export function parseEngineVersion(version: string): { major: number; minor: number } | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : undefined;
}

export function validateAuroraProps(path: string, props: AuroraServerlessProps, resolved: { engineVersion: string; minCapacity: number; maxCapacity: number }): void {
  const v = new PropsValidator("AuroraServerless", path);
  checkIdentifier(v, "name", props.name, 50, 'use a short lower-case kebab-case name such as "analytics"');

  const { engineVersion, minCapacity, maxCapacity } = resolved;
  if (!PropsValidator.isUnresolved(engineVersion)) {
    const parsed = parseEngineVersion(engineVersion);
    if (!parsed) {
      v.add({
        prop: "engineVersion",
        received: engineVersion,
        allowed: 'an Aurora PostgreSQL version "<major>.<minor>", e.g. "17.7"',
        fix: "pass a version listed by `aws rds describe-db-engine-versions --engine aurora-postgresql`",
      });
    } else {
      const dataApiMin = parsed.major < 13 ? undefined : DATA_API_MIN_MINOR[parsed.major];
      const tooOld = parsed.major < 13 || (dataApiMin !== undefined && parsed.minor < dataApiMin);
      v.check(!tooOld, {
        prop: "engineVersion",
        received: engineVersion,
        allowed: "a version with the RDS Data API on Serverless v2: 13.11+, 14.8+, 15.3+, 16.1+, 17.4+",
        fix: "use a current version such as the default; the module always turns the Data API on",
      });
      const pauseMin = AUTO_PAUSE_MIN_MINOR[parsed.major];
      if (!tooOld && minCapacity === 0 && pauseMin !== undefined && parsed.minor < pauseMin) {
        v.add({
          prop: "minCapacity",
          received: minCapacity,
          allowed: `0 only on a version with automatic pause (13.15+, 14.12+, 15.7+, 16.3+, 17.x); engineVersion is ${engineVersion}`,
          fix: `set engineVersion to ${parsed.major}.${pauseMin} or later, or minCapacity to 0.5 or more`,
        });
      }
    }
  }

  if (!PropsValidator.isUnresolved(minCapacity)) {
    v.check(isHalfStep(minCapacity) && minCapacity >= 0 && minCapacity <= 256, {
      prop: "minCapacity",
      received: minCapacity,
      allowed: "0 to 256 ACU in steps of 0.5 (0 = automatic pause)",
      fix: "set minCapacity to a multiple of 0.5 between 0 and 256",
    });
  }
  if (!PropsValidator.isUnresolved(maxCapacity)) {
    v.check(isHalfStep(maxCapacity) && maxCapacity >= 1 && maxCapacity <= 256, {
      prop: "maxCapacity",
      received: maxCapacity,
      allowed: "1 to 256 ACU in steps of 0.5",
      fix: "set maxCapacity to a multiple of 0.5 between 1 and 256",
    });
  }
  if (!PropsValidator.isUnresolved(minCapacity) && !PropsValidator.isUnresolved(maxCapacity)) {
    v.check(minCapacity <= maxCapacity, {
      prop: "minCapacity",
      received: minCapacity,
      allowed: `at most maxCapacity (${maxCapacity})`,
      fix: "lower minCapacity or raise maxCapacity",
    });
  }
  if (props.secondsUntilAutoPause !== undefined) {
    if (!PropsValidator.isUnresolved(minCapacity) && minCapacity !== 0) {
      v.add({
        prop: "secondsUntilAutoPause",
        received: props.secondsUntilAutoPause,
        allowed: "set only with minCapacity 0 (automatic pause)",
        fix: "remove secondsUntilAutoPause, or set minCapacity: 0 to let the cluster pause",
      });
    } else {
      v.integer("secondsUntilAutoPause", props.secondsUntilAutoPause, 300, 86400, "set secondsUntilAutoPause between 300 (5 minutes) and 86400 (1 day)");
    }
  }
  v.integer("readers", props.readers, 0, 15, "set readers between 0 and 15 (an Aurora cluster has at most 15 replicas)");
  v.integer("backupRetentionDays", props.backupRetentionDays, 1, 35, "set backupRetentionDays between 1 and 35");
  v.integer("port", props.port, 1150, 65535, "set port between 1150 and 65535, or leave the PostgreSQL default 5432");

  v.string("databaseName", props.databaseName, {
    min: 1,
    max: 63,
    pattern: PG_NAME,
    describe: "1–63 letters, digits or underscores, starting with a letter",
    fix: 'use a name such as "analytics" (hyphens are not allowed)',
  });
  v.string("masterUsername", props.masterUsername, {
    min: 1,
    max: 63,
    pattern: PG_NAME,
    describe: "1–63 letters, digits or underscores, starting with a letter",
    fix: 'use a name such as "postgres"',
  });
  if (props.masterUsername !== undefined && !PropsValidator.isUnresolved(props.masterUsername)) {
    v.check(!RESERVED_USERNAMES.includes(props.masterUsername.toLowerCase()), {
      prop: "masterUsername",
      received: props.masterUsername,
      allowed: `a name RDS does not reserve (not ${RESERVED_USERNAMES.join(", ")})`,
      fix: 'use a name such as "postgres"',
    });
  }

  if (props.skipFinalSnapshot ?? false) {
    if (props.finalSnapshotIdentifier !== undefined) {
      v.add({
        prop: "finalSnapshotIdentifier",
        received: props.finalSnapshotIdentifier,
        allowed: "unset when skipFinalSnapshot is true",
        fix: "remove finalSnapshotIdentifier, or set skipFinalSnapshot: false to keep a snapshot on destroy",
      });
    }
  } else {
    checkIdentifier(v, "finalSnapshotIdentifier", props.finalSnapshotIdentifier, 255, "use lower-case letters, digits and single hyphens, starting with a letter");
  }

  v.string("dbSubnetGroupName", props.dbSubnetGroupName, {
    pattern: SUBNET_GROUP_NAME,
    describe: "the name of an existing DB subnet group (1–255 letters, digits, spaces, '.', '_' or '-')",
    fix: "pass the subnet group's name, not its ARN",
  });
  (props.vpcSecurityGroupIds ?? []).forEach((id, i) => {
    v.string(`vpcSecurityGroupIds[${i}]`, id, { pattern: SECURITY_GROUP_ID, describe: "a security group id (sg-...)", fix: "pass the security group's id, not its name" });
  });
  if (props.vpcSecurityGroupIds !== undefined && !PropsValidator.isUnresolved(props.vpcSecurityGroupIds)) {
    v.check(props.vpcSecurityGroupIds.length > 0, {
      prop: "vpcSecurityGroupIds",
      received: props.vpcSecurityGroupIds,
      allowed: "at least one security group id, or unset (the VPC's default security group)",
      fix: "remove vpcSecurityGroupIds or list the groups",
    });
  }
  v.throwIfInvalid();
}
