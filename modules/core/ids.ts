import { IConstruct } from "constructs";

/**
 * A construct id for a new child of `scope`: `base` when free, else `base2`, `base3`, ... (the first free one). Modules
 * that add children per call (subscriptions, event sources, integrations) name them with it, so two calls for sources
 * of the same id never collide.
 */
export function uniqueChildId(scope: IConstruct, base: string): string {
  let id = base;
  for (let n = 2; scope.node.tryFindChild(id) !== undefined; n++) id = `${base}${n}`;
  return id;
}
