import { renderResourceStatement as renderOn } from "../core/resource-policy";
import type { ResourcePolicyStatement } from "./index";

// Internal helpers shared by the queue and topic modules (not re-exported from modules/index.ts).

/** Renders one resource-policy statement for `resource` (the queue or topic itself); shared by Queue and Topic. */
export function renderResourceStatement(owner: string, resource: string, s: ResourcePolicyStatement): Record<string, unknown> {
  return renderOn(owner, [resource], s);
}

export { sidAllocator, sourceArnCondition } from "../core/resource-policy";
export { sidPart } from "../core/iam";
