/**
 * Monthly cost estimate of one environment from its Terraform plan (`terraform show -json`), idle and at the
 * environment's load profile, with the dated price table of cost/prices.ts; the delta between two estimates
 * (base and head of a pull request); and the Markdown section of the PR report.
 *
 * Idle = what the planned resources cost with zero traffic and zero stored data (KMS keys, alarms,
 * dashboards, provisioned capacity, Kinesis stream-/shard-hours, Aurora minimum ACUs, secrets, SQS polling
 * by Lambda). At load = idle + the traffic of the load profile, allocated over the plan's resources by
 * ALLOCATION_RULES. Every resource type is either priced here, listed free in FREE_RESOURCE_TYPES, or
 * reported in `unpriced` — never silently zero.
 */
export type { PlanJson } from "../lib/terraform-json";
export { ALLOCATION_RULES, AURORA_ACTIVE_MIN_ACU, NEVER_EXPIRE_RETENTION_MONTHS, SQS_POLLERS_PER_EVENT_SOURCE } from "./model";
export type { CostBreakdown, CostEstimate, CostLine, EstimateOptions, LoadProfile, UnallocatedLoad, UnpricedResource } from "./model";
export { CLOUDFRONT_ADDITIONAL_METRICS, PRICED_RESOURCE_TYPES, sampledTraces } from "./pricers";
export { estimateEnvironmentCost, estimateMonthlyCost } from "./engine";
export { diffCost } from "./diff";
export type { CostBreakdownDelta, CostDiff, CostLineDelta } from "./diff";
export { formatCostMarkdown } from "./markdown";
export type { CostMarkdownOptions, CostSection } from "./markdown";
export { formatDelta, formatUsd } from "./format";
