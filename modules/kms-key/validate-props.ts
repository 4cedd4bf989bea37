import { PropsValidator } from "../core/validation";
import type { KeyProps } from "./index";

/** An AWS service principal such as `sns.amazonaws.com` or `logs.eu-west-1.amazonaws.com`. */
export const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;
export const ACCOUNT_ID = /^\d{12}$/;

export function validateKeyProps(path: string, props: KeyProps): void {
  const v = new PropsValidator("Key", path);
  v.string("name", props.name, {
    min: 1,
    max: 200,
    pattern: /^[a-zA-Z0-9_-]+$/,
    describe: "1–200 characters of [a-zA-Z0-9_-]",
    fix: 'use a short kebab-case name such as "alarms"',
  });
  v.string("accountId", props.accountId, { pattern: ACCOUNT_ID, describe: "a 12-digit AWS account id", fix: "pass the id of the account the key lives in (environment config)" });
  v.string("description", props.description, { max: 8192, describe: "at most 8192 characters" });
  v.integer("deletionWindowDays", props.deletionWindowDays, 7, 30, "set deletionWindowDays between 7 and 30 (KMS's limits)");
  v.integer("rotationPeriodDays", props.rotationPeriodDays, 90, 2560, "set rotationPeriodDays between 90 and 2560 (KMS's limits)");
  if (props.rotationPeriodDays !== undefined) {
    v.check(props.enableKeyRotation ?? true, {
      prop: "rotationPeriodDays",
      received: props.rotationPeriodDays,
      allowed: "unset when enableKeyRotation is false",
      fix: "remove rotationPeriodDays or turn enableKeyRotation back on",
    });
  }
  (props.allowServices ?? []).forEach((service, i) => {
    v.string(`allowServices[${i}]`, service, {
      pattern: SERVICE_PRINCIPAL,
      describe: 'an AWS service principal such as "cloudwatch.amazonaws.com" or "logs.eu-west-1.amazonaws.com"',
      fix: "pass the service principal, not an ARN or a service name",
    });
  });
  v.throwIfInvalid();
}
