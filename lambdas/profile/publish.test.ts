import type { ProfileEvent } from "./domain";
import { toPublishEntry } from "./publish";

const event: ProfileEvent = {
  eventId: "0f0e3c34-1d8e-5c3a-9a57-3b1f7a3c2d10",
  type: "profile.updated",
  userId: "u-1",
  version: 3,
  changedFields: ["bio"],
  occurredAt: "2024-05-01T10:00:00.000Z",
  profile: { userId: "u-1", displayName: "Ada", bio: "x", version: 3, createdAt: "2024-05-01T09:00:00.000Z", updatedAt: "2024-05-01T10:00:00.000Z" },
};

describe("toPublishEntry", () => {
  it("sends the event as JSON with a String `type` attribute for subscription filters", () => {
    const entry = toPublishEntry(event, "e0", false);
    expect(entry.Id).toBe("e0");
    expect(JSON.parse(entry.Message ?? "")).toEqual(event);
    expect(entry.MessageAttributes).toEqual({ type: { DataType: "String", StringValue: "profile.updated" } });
    expect(entry).not.toHaveProperty("MessageGroupId");
  });

  it("on a FIFO topic, orders by user and de-duplicates by event id", () => {
    const entry = toPublishEntry(event, "e1", true);
    expect(entry.MessageGroupId).toBe("u-1");
    expect(entry.MessageDeduplicationId).toBe(event.eventId);
  });
});
