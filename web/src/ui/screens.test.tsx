/** The screens' pure parts, compiled through the same JSX transform as the app (Preact's automatic runtime). */
import { renderToString } from "./render.test-support";
import { describeDeletion } from "./AccountScreen";
import { Notices } from "./Notices";
import { profileInput } from "./ProfileScreen";

describe("screens", () => {
  it("PUT /profiles/me gets a full replacement without empty optional fields", () => {
    expect(profileInput({ displayName: "  Ada ", locale: "", bio: "" })).toEqual({ displayName: "Ada" });
    expect(profileInput({ displayName: "Ada", locale: " en-GB ", bio: "Hi" })).toEqual({ displayName: "Ada", locale: "en-GB", bio: "Hi" });
  });

  it("describes each deletion status", () => {
    const base = { executionId: "arn:x", startedAt: null, stoppedAt: null, removed: null, error: null };
    expect(describeDeletion({ ...base, status: "RUNNING" })).toMatch(/being deleted/);
    expect(describeDeletion({ ...base, status: "SUCCEEDED" })).toMatch(/was deleted/);
    expect(describeDeletion({ ...base, status: "FAILED", error: "States.TaskFailed" })).toMatch(/FAILED: States.TaskFailed/);
  });

  it("renders an error in the role=alert region with its action", () => {
    const html = renderToString(
      <Notices notice={{ kind: "error", message: "Conflict!", action: { label: "Reload profile", run: () => undefined } }} onDismiss={() => undefined} />,
    );
    expect(html).toMatch(/<div role="alert" class="notice notice-error"><p>Conflict!<\/p>.*Reload profile/);
    expect(html).toMatch(/<div role="status" class="notice-empty"><\/div>/);
  });
});
