/** Policy rules of IAM roles and policies (PLT-IAM-*). */
import { isOnlyAccountRoot, isWildcardAction } from "../documents";
import { IDENTITY_POLICY_TYPES, identityDocuments, KEY_POLICY_TYPES, RESOURCE_POLICY_TYPES, resourceDocuments, SCOPELESS, statementName, violation } from "./helpers";
import type { PolicyRule, Violation } from "./types";

export const IAM_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-IAM-001",
    severity: "error",
    title: "IAM and resource policies allow no wildcard actions",
    why: "`*` and `<service>:*` grant every current and future action of a service; least privilege lists exact actions. The account-root `kms:*` statement of a key policy is AWS's default key policy and is allowed.",
    fix: "List the exact actions (grant through the module's grant methods, whose action lists live in perms.ts). Render policies as JSON known at synth.",
    resourceTypes: ["aws_iam_role", ...Object.keys(IDENTITY_POLICY_TYPES), ...Object.keys(RESOURCE_POLICY_TYPES)],
    check(r, ctx) {
      const out: Violation[] = [];
      const docs = [...identityDocuments(r, ctx), ...resourceDocuments(r, ctx)];
      for (const { source, result } of docs) {
        if (!result.ok) {
          out.push(
            violation(
              `${source}: the policy cannot be verified: ${result.reason}.`,
              "Render the policy as JSON (JSON.stringify, or an aws_iam_policy_document data source of the same stack).",
            ),
          );
          continue;
        }
        result.statements.forEach((s, i) => {
          if (s.effect !== "Allow") return;
          if (s.notActions !== undefined) {
            out.push(violation(`${source} ${statementName(s, i)}: Allow with NotAction grants every other action.`));
            return;
          }
          const wild = s.actions.filter(isWildcardAction);
          if (wild.length === 0) return;
          const keyRootDefault = KEY_POLICY_TYPES.has(r.type) && isOnlyAccountRoot(s.principal) && wild.every((a) => a.toLowerCase() === "kms:*");
          if (!keyRootDefault) out.push(violation(`${source} ${statementName(s, i)}: wildcard action ${wild.map((a) => `"${a}"`).join(", ")}.`));
        });
      }
      return out;
    },
  },
  {
    id: "PLT-IAM-002",
    severity: "error",
    title: 'IAM policies grant no data-plane action on Resource "*"',
    why: 'An action on "*" reaches every table, queue and bucket of the account. Only actions without resource-level permissions (ACTIONS_WITHOUT_RESOURCE_SCOPE in modules/core/iam.ts, e.g. xray:PutTraceSegments) may use "*".',
    fix: "Grant the action on the resource's ARN (the resource module's grant method does it).",
    resourceTypes: ["aws_iam_role", ...Object.keys(IDENTITY_POLICY_TYPES)],
    check(r, ctx) {
      const out: Violation[] = [];
      for (const { source, result } of identityDocuments(r, ctx)) {
        if (!result.ok) continue; // PLT-IAM-001 reports unverifiable documents
        result.statements.forEach((s, i) => {
          if (s.effect !== "Allow") return;
          if (s.notResources !== undefined) {
            out.push(violation(`${source} ${statementName(s, i)}: Allow with NotResource applies to every other resource.`));
            return;
          }
          if (!s.resources.includes("*")) return;
          const scoped = s.notActions !== undefined ? ["NotAction: every other action"] : s.actions.filter((a) => !SCOPELESS.has(a.toLowerCase()));
          if (scoped.length > 0) out.push(violation(`${source} ${statementName(s, i)}: ${scoped.join(", ")} on Resource "*".`));
        });
      }
      return out;
    },
  },
];
