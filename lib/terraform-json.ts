// The parts of Terraform's JSON formats that the plan review (plan/) and the cost estimate (cost/) read and write: one
// typed model of each, shared (lib/ sits below both).
// Plan: `terraform show -json <planfile>` (format_version 1.x): https://developer.hashicorp.com/terraform/internals/json-format
// Schemas: `terraform providers schema -json`. State: the state file format version 4 (internal/states/statefile/version4.go).

export type Action = "no-op" | "create" | "read" | "update" | "delete";

/** Change representation of one resource instance or output. Unknown/sensitive trees mirror `before`/`after`. */
export interface ChangeJson {
  readonly actions: Action[];
  readonly before: any;
  readonly after: any;
  /** `true` where the value is unknown until apply (whole value or a path inside it). */
  readonly after_unknown?: any;
  /** `true` where the value is sensitive. */
  readonly before_sensitive?: any;
  readonly after_sensitive?: any;
  /** Paths whose change forces replacement: each path is a list of attribute names and indexes. */
  readonly replace_paths?: Array<Array<string | number>>;
}

export interface ResourceChangeJson {
  readonly address: string;
  readonly previous_address?: string;
  readonly module_address?: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index?: string | number;
  readonly deposed?: string;
  readonly provider_name: string;
  readonly change: ChangeJson;
  /** e.g. replace_because_cannot_update, replace_because_tainted, replace_by_request, delete_because_no_resource_config. */
  readonly action_reason?: string;
}

export interface ConfigResourceJson {
  readonly address: string;
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly provider_config_key?: string;
  readonly schema_version?: number;
  readonly expressions?: Record<string, any>;
}

/** A module of the plan's configuration: its resources (with expressions) and the modules it calls. */
export interface ConfigModuleJson {
  readonly resources?: ConfigResourceJson[];
  readonly module_calls?: Record<string, { readonly module?: ConfigModuleJson }>;
}

export interface ValuesModuleJson {
  readonly resources?: Array<{
    address: string;
    mode: string;
    type: string;
    name: string;
    index?: string | number;
    provider_name: string;
    schema_version?: number;
    values: any;
    sensitive_values?: any;
  }>;
  readonly child_modules?: ValuesModuleJson[];
}

export interface PlanJson {
  readonly format_version: string;
  readonly terraform_version?: string;
  readonly planned_values?: { outputs?: Record<string, { sensitive: boolean; value?: any }>; root_module?: ValuesModuleJson };
  readonly resource_changes?: ResourceChangeJson[];
  readonly resource_drift?: ResourceChangeJson[];
  readonly output_changes?: Record<string, ChangeJson>;
  readonly prior_state?: { values?: { outputs?: Record<string, { sensitive: boolean; value?: any }>; root_module?: ValuesModuleJson } };
  readonly configuration?: {
    readonly provider_config?: Record<string, { name: string; full_name?: string; alias?: string }>;
    readonly root_module?: ConfigModuleJson;
  };
  readonly errored?: boolean;
}

/** Attribute/block types of a provider schema. `type` is cty's JSON type: "string" | ["list", T] | ["object", {...}] ... */
export interface SchemaAttribute {
  readonly type?: any;
  readonly nested_type?: { readonly attributes: Record<string, SchemaAttribute>; readonly nesting_mode: "single" | "list" | "set" | "map" };
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly required?: boolean;
  readonly sensitive?: boolean;
}

export interface SchemaBlock {
  readonly attributes?: Record<string, SchemaAttribute>;
  readonly block_types?: Record<
    string,
    { readonly nesting_mode: "single" | "group" | "list" | "set" | "map"; readonly block: SchemaBlock; readonly min_items?: number; readonly max_items?: number }
  >;
}

/** provider source address (registry.terraform.io/hashicorp/aws) -> resource type -> schema. */
export type ResourceSchemas = Record<string, Record<string, { readonly version: number; readonly block: SchemaBlock }>>;

/** Terraform state, format version 4. */
export interface StateV4 {
  version: 4;
  terraform_version: string;
  serial: number;
  lineage: string;
  outputs: Record<string, { value: any; type: any; sensitive?: boolean }>;
  resources: StateResourceV4[];
  check_results: null;
}

export interface StateResourceV4 {
  module?: string;
  mode: "managed";
  type: string;
  name: string;
  each?: "list" | "map";
  provider: string;
  instances: StateInstanceV4[];
}

export interface StateInstanceV4 {
  index_key?: string | number;
  schema_version: number;
  attributes: Record<string, any>;
  sensitive_attributes: any[];
  dependencies?: string[];
}
