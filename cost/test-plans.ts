/** Hand-written `terraform show -json` fragments for the cost tests. */
import type { LoadProfile, PlanJson } from "./estimate";

type Attrs = Record<string, unknown>;

export interface FragmentResource {
  /** `type.name` (optionally with an index, `type.name[0]`). */
  readonly address: string;
  /** Planned values (`planned_values...values`). */
  readonly values?: Attrs;
  /** Configuration expressions; use `ref()` for references. */
  readonly expressions?: Attrs;
}

const typeOf = (address: string): string => address.replace(/^(module\.[^.]+\.)+/, "").split(".")[0];
const nameOf = (address: string): string =>
  address
    .replace(/^(module\.[^.]+\.)+/, "")
    .split(".")[1]
    .replace(/\[[^\]]*\]$/, "");
const AWS = "registry.terraform.io/hashicorp/aws";

/** A plan of these resources, with planned_values and (when any resource has expressions) a configuration. */
export function planOf(...resources: FragmentResource[]): PlanJson {
  const withConfig = resources.some((r) => r.expressions !== undefined);
  return {
    format_version: "1.2",
    planned_values: {
      root_module: {
        resources: resources.map((r) => ({ address: r.address, mode: "managed", type: typeOf(r.address), name: nameOf(r.address), provider_name: AWS, values: r.values ?? {} })),
      },
    },
    ...(withConfig
      ? {
          configuration: {
            root_module: {
              resources: resources.map((r) => ({
                address: r.address.replace(/\[[^\]]*\]$/, ""),
                mode: "managed",
                type: typeOf(r.address),
                name: nameOf(r.address),
                expressions: r.expressions ?? {},
              })),
            },
          },
        }
      : {}),
  };
}

/** A configuration expression referencing `target`'s attribute, as terraform renders it. */
export const ref = (target: string, attr = "arn"): Attrs => ({ references: [`${target}.${attr}`, target] });

/** No traffic at all. */
export const NO_LOAD: LoadProfile = {
  apiRequestsPerMonth: 0,
  functionInvocationsPerMonth: 0,
  averageFunctionDurationMs: 100,
  tableReadsPerMonth: 0,
  tableWritesPerMonth: 0,
  tableStorageGb: 0,
  snsPublishesPerMonth: 0,
  sqsRequestsPerMonth: 0,
  objectStorageGb: 0,
  objectWritesPerMonth: 0,
  objectReadsPerMonth: 0,
  logIngestionGbPerMonth: 0,
  monthlyActiveUsers: 0,
  stateTransitionsPerMonth: 0,
  lakeIngestGbPerMonth: 0,
  athenaTbScannedPerMonth: 0,
  deviceMessagesPerMonth: 0,
  cdnRequestsPerMonth: 0,
  cdnDataOutGbPerMonth: 0,
};

export const load = (overrides: Partial<LoadProfile>): LoadProfile => ({ ...NO_LOAD, ...overrides });
