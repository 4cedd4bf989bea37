import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { PropsValidator } from "../core/validation";
import { IKey, Key } from "./index";

// One spelling per concept: a KMS key is `encryptionKey?: IKey`. Modules that used to take a key ARN (`kmsKeyArn`)
// keep it as a deprecated alias through these two helpers, so the alias behaves the same everywhere.

/** The props of a module that takes `encryptionKey` and still accepts the deprecated `kmsKeyArn`. */
export interface KeyAliasProps {
  readonly encryptionKey?: IKey;
  readonly kmsKeyArn?: string;
}

const KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Records the problems of the pair: both set, or a `kmsKeyArn` that is not a key ARN. */
export function validateKeyAlias(v: PropsValidator, props: KeyAliasProps): void {
  if (props.encryptionKey !== undefined && props.kmsKeyArn !== undefined) {
    v.add({ prop: "kmsKeyArn", received: props.kmsKeyArn, allowed: "unset when encryptionKey is set", fix: "pass the key once, as encryptionKey (kmsKeyArn is deprecated)" });
  }
  v.string("kmsKeyArn", props.kmsKeyArn, {
    pattern: KEY_ARN,
    describe: "a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)",
    fix: "pass encryptionKey instead: a Key, or Key.fromArn(scope, id, <key ARN>) for a key managed elsewhere",
  });
}

/**
 * The module's key: `encryptionKey`, or the deprecated `kmsKeyArn` wrapped with `Key.fromArn` (child "Key" of `scope`)
 * with a warning that names the new prop. Validate with `validateKeyAlias` first.
 */
export function keyFromProps(scope: Construct, moduleName: string, props: KeyAliasProps): IKey | undefined {
  if (props.kmsKeyArn === undefined) return props.encryptionKey;
  Annotations.of(scope).addWarning(
    `${moduleName} "${scope.node.path}": kmsKeyArn is deprecated. Fix: pass encryptionKey instead: a Key, or ` +
      `Key.fromArn(scope, id, "${props.kmsKeyArn}") for a key managed elsewhere.`,
  );
  return props.encryptionKey ?? Key.fromArn(scope, "Key", props.kmsKeyArn);
}
