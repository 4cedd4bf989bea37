import { PropsValidator } from "../core/validation";
import type { IotIngestProps } from "./index";

export const ACCOUNT_ID = /^\d{12}$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
/** AWS IoT searchable thing attribute names. */
const ATTRIBUTE_NAME = /^[a-zA-Z0-9_.,@/:#-]+$/;
/** At most 3 searchable attributes per thing type (AWS IoT limit). */
export const MAX_SEARCHABLE_ATTRIBUTES = 3;

/**
 * Validates the props of IotIngest once the defaults that come from the stack (account, region) are known; collects
 * every problem, then throws once.
 */
export function validateIotIngestProps(path: string, props: IotIngestProps, resolved: { accountId?: string; region?: string }): void {
  const v = new PropsValidator("IotIngest", path);
  v.string("name", props.name, {
    min: 1,
    max: 64,
    pattern: /^[a-z][a-z0-9-]*$/,
    describe: "1–64 characters of [a-z0-9-], starting with a letter",
    fix: 'use a short kebab-case name such as "devices"',
  });
  v.string("accountId", props.accountId, { pattern: ACCOUNT_ID, describe: "a 12-digit AWS account id" });
  if (props.accountId === undefined) {
    v.check(resolved.accountId !== undefined, {
      prop: "accountId",
      received: undefined,
      allowed: "a 12-digit AWS account id (the device policy and the rule role's aws:SourceAccount/aws:SourceArn name it)",
      fix: "pass accountId, or configure the stack's naming context with one account (AwsStack does it when allowedAccountIds has exactly one)",
    });
  }
  v.string("region", props.region, { pattern: REGION, describe: 'an AWS region such as "eu-west-1"' });
  if (props.region === undefined) {
    v.check(resolved.region !== undefined, {
      prop: "region",
      received: undefined,
      allowed: "an AWS region (the device policy's ARNs and the rule's ARN name it)",
      fix: "pass region, or give the stack's AWS provider a literal region",
    });
  }
  v.string("thingTypeDescription", props.thingTypeDescription, {
    max: 2028,
    pattern: /^[\x20-\x7E]*$/,
    describe: "at most 2028 printable ASCII characters",
  });
  const attributes = props.searchableAttributes;
  if (attributes !== undefined && !PropsValidator.isUnresolved(attributes)) {
    v.check(attributes.length <= MAX_SEARCHABLE_ATTRIBUTES, {
      prop: "searchableAttributes",
      received: attributes,
      allowed: `at most ${MAX_SEARCHABLE_ATTRIBUTES} attribute names (AWS IoT limit per thing type)`,
      fix: "keep the attributes you search things by; store the others as non-searchable thing attributes",
    });
    for (const [i, a] of attributes.entries()) {
      v.string(`searchableAttributes[${i}]`, a, { min: 1, max: 128, pattern: ATTRIBUTE_NAME, describe: "1–128 characters of [a-zA-Z0-9_.,@/:#-]" });
    }
    v.check(new Set(attributes).size === attributes.length, {
      prop: "searchableAttributes",
      received: attributes,
      allowed: "distinct names",
      fix: "list each attribute once",
    });
  }
  const queue = props.errorQueue;
  if (queue !== undefined) {
    v.check(queue.fifo !== true, {
      prop: "errorQueue",
      received: queue.node.path,
      allowed: "a standard queue (the IoT SQS action sends no MessageGroupId, so a FIFO queue refuses every message)",
      fix: "pass a standard queue, or leave errorQueue unset so the module creates one",
    });
  }
  v.throwIfInvalid();
}
