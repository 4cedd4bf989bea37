import { deletionExecutionName, executionArn } from "./schema";

describe("the delete-user execution's name and ARN", () => {
  it("is the same for the same user and version, and differs for another version", () => {
    const sub = "3f1c0b6e-58d2-4c1e-9a57-8f0d2b6c4e91";
    expect(deletionExecutionName(sub, 3)).toBe(`delete-${sub}-v3`);
    expect(deletionExecutionName(sub, 3)).toBe(deletionExecutionName(sub, 3));
    expect(deletionExecutionName(sub, 4)).not.toBe(deletionExecutionName(sub, 3));
  });

  it("stays a valid execution name (1–80 of [A-Za-z0-9_-]) for any user id", () => {
    for (const userId of ["a/b", "ümlaut", "x".repeat(200), "with space", "a".repeat(60)]) {
      const name = deletionExecutionName(userId, 123456);
      expect(name).toMatch(/^[A-Za-z0-9_-]{1,80}$/);
    }
    expect(deletionExecutionName("a/b", 1)).not.toBe(deletionExecutionName("a_b", 1));
  });

  it("refuses a version that is not a positive integer", () => {
    expect(() => deletionExecutionName("u", 0)).toThrow(/positive integer/);
    expect(() => deletionExecutionName("u", 1.5)).toThrow(/positive integer/);
  });

  it("derives the execution ARN from the state machine ARN", () => {
    expect(executionArn("arn:aws:states:eu-west-1:111111111111:stateMachine:platform-dev-delete-user", "delete-u-v1")).toBe(
      "arn:aws:states:eu-west-1:111111111111:execution:platform-dev-delete-user:delete-u-v1",
    );
    expect(() => executionArn("arn:aws:lambda:eu-west-1:111111111111:function:f", "x")).toThrow(/not a state machine ARN/);
  });
});
