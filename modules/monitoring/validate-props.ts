import { PropsValidator } from "../core/validation";
import type { MonitoringProps } from "./index";

export const ACCOUNT_ID = /^\d{12}$/;
/** A pragmatic e-mail check (what SNS accepts as an `email` endpoint): local@domain.tld, no spaces. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;

export function validateMonitoringProps(path: string, props: MonitoringProps): void {
  const v = new PropsValidator("Monitoring", path);
  v.string("accountId", props.accountId, {
    pattern: ACCOUNT_ID,
    describe: "a 12-digit AWS account id",
    fix: "pass the id of the account the alarms live in (environment config allowedAccountIds[0])",
  });
  v.string("alarmEmail", props.alarmEmail, { pattern: EMAIL, max: 254, describe: 'an e-mail address such as "alerts@example.com"' });
  v.string("region", props.region, { pattern: REGION, describe: 'an AWS region such as "eu-west-1"' });
  v.string("name", props.name, { min: 1, max: 100, pattern: /^[a-z][a-z0-9-]*$/, describe: "1–100 characters of [a-z0-9-], starting with a letter" });
  v.throwIfInvalid();
}

/** Thresholds of one monitor* call: every one a finite number ≥ 0 (tokens pass). */
export function validateThresholds(path: string, method: string, thresholds: Readonly<Record<string, number | undefined>>): void {
  const v = new PropsValidator(`Monitoring.${method}`, path);
  for (const [prop, value] of Object.entries(thresholds)) {
    if (value === undefined) continue;
    v.check(Number.isFinite(value) && value >= 0, {
      prop,
      received: value,
      allowed: "a number ≥ 0",
      fix: `set ${prop} to 0 (alarm on any occurrence) or a positive number`,
    });
  }
  v.throwIfInvalid();
}
