import { PropsValidator } from "../core/validation";
import type { SqsSubscriptionOptions, TopicProps } from "./index";

/** Something like `ops@example.com`: one `@`, no spaces, a dot in the domain, ≤ 254 characters. */
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s.]+$/;

export function validateTopicProps(path: string, props: TopicProps): void {
  const v = new PropsValidator("Topic", path);
  const fifo = props.fifo ?? false;
  v.string("name", props.name, {
    min: 1,
    max: fifo ? 251 : 256,
    pattern: /^[A-Za-z0-9_-]+$/,
    describe: `1–${fifo ? 251 : 256} characters of [A-Za-z0-9_-]${fifo ? " (without .fifo: the suffix is added)" : ""}`,
    fix: "use a short kebab-case name; set fifo: true instead of a .fifo suffix",
  });
  v.string("displayName", props.displayName, { max: 100, describe: "at most 100 characters (the SMS sender name)" });
  v.oneOf("tracing", props.tracing, ["Active", "PassThrough"] as const, 'set tracing to "Active" (X-Ray) or "PassThrough"');
  if (props.contentBasedDeduplication !== undefined) {
    v.check(fifo, {
      prop: "contentBasedDeduplication",
      received: props.contentBasedDeduplication,
      allowed: "set only on a FIFO topic",
      fix: "set fifo: true, or remove contentBasedDeduplication",
    });
  }
  v.throwIfInvalid();
}

export function validateSqsSubscription(path: string, options: SqsSubscriptionOptions): void {
  const v = new PropsValidator("Topic.addSqsSubscription", path);
  validateFilter(v, options);
  v.throwIfInvalid();
}

export function validateFilter(v: PropsValidator, options: Pick<SqsSubscriptionOptions, "filterPolicy" | "filterPolicyScope">): void {
  v.oneOf("filterPolicyScope", options.filterPolicyScope, ["MessageAttributes", "MessageBody"] as const);
  if (options.filterPolicy !== undefined) {
    const f = options.filterPolicy;
    const isObject = typeof f === "object" && f !== null && !Array.isArray(f);
    v.check(isObject && Object.keys(f).length > 0, {
      prop: "filterPolicy",
      received: f,
      allowed: "a non-empty object of attribute name → array of match conditions",
      fix: 'pass e.g. { eventType: ["deleted"] }, or omit filterPolicy to receive every message',
    });
    if (isObject) {
      v.check(JSON.stringify(f).length <= 256 * 1024, {
        prop: "filterPolicy",
        received: `${JSON.stringify(f).length} characters`,
        allowed: "at most 256 KB of JSON",
        fix: "simplify the filter policy",
      });
    }
  }
  if (options.filterPolicyScope !== undefined && options.filterPolicy === undefined) {
    v.add({ prop: "filterPolicyScope", received: options.filterPolicyScope, allowed: "set only with filterPolicy", fix: "add a filterPolicy, or remove filterPolicyScope" });
  }
}

export function validateEmail(path: string, email: string): void {
  new PropsValidator("Topic.addEmailSubscription", path)
    .string("email", email, {
      max: 254,
      pattern: EMAIL,
      describe: "an e-mail address such as ops@example.com",
      fix: "pass the address that should receive the notifications (it must confirm the subscription)",
    })
    .throwIfInvalid();
}
