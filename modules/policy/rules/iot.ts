/** Policy rules of AWS IoT Core (PLT-IOT-*). */
import { display, iotResourceScoped, statementName, violation } from "./helpers";
import type { PolicyRule, Violation } from "./types";

export const IOT_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-IOT-001",
    severity: "error",
    title: "IoT policies grant exact actions on the device's own resources",
    why: "An IoT policy is attached to every device certificate: `iot:*` or a wildcard resource lets one stolen device connect as any client, publish to any topic (other devices' telemetry) and subscribe to everything. A wildcard is safe only after the thing-name policy variable `${iot:Connection.Thing.ThingName}`, which pins it to the device's own names.",
    fix: "Use the IotIngest module, or list exact actions (iot:Connect, iot:Publish, ...) on ARNs that name the thing through ${iot:Connection.Thing.ThingName} (client/${iot:Connection.Thing.ThingName}, topic/devices/${iot:Connection.Thing.ThingName}/...).",
    resourceTypes: ["aws_iot_policy"],
    check(r, ctx) {
      const what = `IoT policy ${display(r, "name")}`;
      const doc = ctx.document(r.config.policy);
      if (!doc.ok) return [violation(`${what}: the policy cannot be verified: ${doc.reason}.`, "Render the policy as JSON (JSON.stringify) so it is known at synth.")];
      const out: Violation[] = [];
      doc.statements.forEach((s, i) => {
        if (s.effect !== "Allow") return;
        const name = statementName(s, i);
        if (s.notActions !== undefined) out.push(violation(`${what} ${name}: Allow with NotAction grants every other action.`));
        if (s.notResources !== undefined) out.push(violation(`${what} ${name}: Allow with NotResource applies to every other resource.`));
        const wild = s.actions.filter((a) => a.includes("*") || a.includes("?"));
        if (wild.length > 0) out.push(violation(`${what} ${name}: wildcard action ${wild.map((a) => `"${a}"`).join(", ")}.`));
        // a resource that is one Terraform reference (another resource's ARN) is known only at apply: not judged
        const open = s.resources.filter((res) => !/^\$\{[^}]*\}$/.test(res) && !iotResourceScoped(res));
        if (open.length > 0) {
          out.push(
            violation(
              `${what} ${name}: wildcard resource ${open.map((res) => `"${res.replace(/\$\$\{/g, "${")}"`).join(", ")} is not scoped by \${iot:Connection.Thing.ThingName}.`,
            ),
          );
        }
      });
      return out;
    },
  },
];
