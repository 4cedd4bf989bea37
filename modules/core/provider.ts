import { TerraformStack, Token } from "cdktf";
import { IConstruct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";

/** The default (un-aliased) AWS provider of `scope`'s stack, if it has one. */
export function defaultAwsProvider(scope: IConstruct): AwsProvider | undefined {
  return TerraformStack.of(scope)
    .node.findAll()
    .find((c): c is AwsProvider => c instanceof AwsProvider && c.alias === undefined);
}

/**
 * The region of the default (un-aliased) AWS provider of `scope`'s stack, when it is a literal; undefined when the stack
 * has none or its region is a token. Modules that need a region at synth (ARNs in policies, dashboards) fall back to it.
 */
export function providerRegion(scope: IConstruct): string | undefined {
  const region = defaultAwsProvider(scope)?.region;
  return region === undefined || Token.isUnresolved(region) ? undefined : region;
}

/** The AWS partition of a region: `aws-cn` for `cn-*`, `aws-us-gov` for `us-gov-*`, else `aws`. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/** The DNS suffix of a partition's service endpoints: `amazonaws.com.cn` in `aws-cn`, else `amazonaws.com`. */
export function dnsSuffixOf(partition: string | undefined): string {
  return partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}
