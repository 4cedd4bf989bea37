import { PropsValidator } from "../core/validation";
import { LOG_RETENTION_DAYS } from "../log-group";
import { ACCOUNT_ID } from "../kms-key/validate-props";
import type { StateMachineProps } from "./index";

/** Log levels of a state machine's execution logs. */
export const LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"] as const;

export function validateStateMachineProps(path: string, props: StateMachineProps): void {
  const v = new PropsValidator("StateMachine", path);
  v.string("name", props.name, {
    min: 1,
    max: 80,
    pattern: /^[A-Za-z0-9_-]+$/,
    describe: "1–80 characters of [A-Za-z0-9_-]",
    fix: 'use a short kebab-case name such as "delete-user"',
  });
  v.oneOf("logging.level", props.logging?.level, LOG_LEVELS, 'set logging.level to "ALL", "ERROR", "FATAL" or "OFF"');
  v.oneOf("logRetentionDays", props.logRetentionDays, LOG_RETENTION_DAYS as readonly number[], "pick a retention CloudWatch Logs supports, e.g. 14 or 30");
  v.string("accountId", props.accountId, { pattern: ACCOUNT_ID, describe: "a 12-digit AWS account id", fix: "pass the id of the account the state machine lives in" });
  v.string("region", props.region, { pattern: /^[a-z]{2}(-[a-z]+)+-\d+$/, describe: 'an AWS region such as "eu-west-1"' });
  v.throwIfInvalid();
}
