/**
 * Failure paths of the handlers that need a real (but failing) backend or a fresh cold start:
 * missing configuration, and a DynamoDB error turned into a logged 500 that leaks nothing.
 */
import { httpApiEvent, cognitoClaims, lambdaContext, postConfirmationEvent } from "../support/events";
import { uniqueTableName, useLocalAws } from "../support/local-aws";

describe("cold start", () => {
  afterEach(() => {
    delete process.env.PROFILES_TABLE_NAME;
    delete process.env.USER_DATA_CHANGE_TOPIC_ARN;
    delete process.env.DELETE_USER_STATE_MACHINE_ARN;
  });

  it.each([
    ["profile-api", "PROFILES_TABLE_NAME"],
    ["profile-api", "DELETE_USER_STATE_MACHINE_ARN"],
    ["profile-bootstrap", "PROFILES_TABLE_NAME"],
    ["profile-events", "USER_DATA_CHANGE_TOPIC_ARN"],
  ])("%s refuses to load without %s and names the variable", (handler, variable) => {
    useLocalAws({ PROFILES_TABLE_NAME: "profiles", DELETE_USER_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:unused" });
    delete process.env[variable];
    jest.isolateModules(() => {
      expect(() => require(`../../lambdas/profile/${handler}`)).toThrow(`Missing required environment variable ${variable}`);
    });
  });
});

describe("unexpected errors", () => {
  it("answers 500 InternalError with the API request id, logs the error with both request ids, and leaks no detail", async () => {
    const missingTable = uniqueTableName("no-such-table");
    useLocalAws({ PROFILES_TABLE_NAME: missingTable, DELETE_USER_STATE_MACHINE_ARN: "arn:aws:states:us-east-1:123456789012:stateMachine:unused" });
    let handler: typeof import("../../lambdas/profile/profile-api").handler | undefined;
    let logger: typeof import("../../lambdas/shared/logger").logger | undefined;
    jest.isolateModules(() => {
      ({ handler } = require("../../lambdas/profile/profile-api") as typeof import("../../lambdas/profile/profile-api"));
      ({ logger } = require("../../lambdas/shared/logger") as typeof import("../../lambdas/shared/logger"));
    });
    if (handler === undefined || logger === undefined) throw new Error("modules did not load");
    const logged = jest.spyOn(logger, "error");
    const event = httpApiEvent({ method: "GET", claims: cognitoClaims("u-500", "u500@example.com") });
    const context = lambdaContext("profile-api");

    const response = await handler(event, context);

    expect(response.statusCode).toBe(500);
    const body = JSON.parse(response.body ?? "") as { error: { code: string; message: string } };
    expect(body).toEqual({ error: { code: "InternalError", message: `The request could not be completed. Reference: ${event.requestContext.requestId}` } });
    expect(response.body).not.toContain(missingTable);
    expect(response.body).not.toContain("ResourceNotFound");
    expect(logged).toHaveBeenCalledTimes(1);
    const [, details] = logged.mock.calls[0] as [string, { awsRequestId: string; apiRequestId: string; error: Error }];
    expect(details.awsRequestId).toBe(context.awsRequestId);
    expect(details.apiRequestId).toBe(event.requestContext.requestId);
    expect(details.error.name).toBe("ResourceNotFoundException");
  });

  it("profile-bootstrap logs a failed write with the request id and fails the trigger", async () => {
    useLocalAws({ PROFILES_TABLE_NAME: uniqueTableName("no-such-table") });
    let handler: typeof import("../../lambdas/profile/profile-bootstrap").handler | undefined;
    let logger: typeof import("../../lambdas/shared/logger").logger | undefined;
    jest.isolateModules(() => {
      ({ handler } = require("../../lambdas/profile/profile-bootstrap") as typeof import("../../lambdas/profile/profile-bootstrap"));
      ({ logger } = require("../../lambdas/shared/logger") as typeof import("../../lambdas/shared/logger"));
    });
    if (handler === undefined || logger === undefined) throw new Error("modules did not load");
    const logged = jest.spyOn(logger, "error");
    const context = lambdaContext("profile-bootstrap");

    await expect(handler(postConfirmationEvent({ sub: "u-boot-500", email: "b@example.com" }), context)).rejects.toMatchObject({
      name: "ResourceNotFoundException",
    });
    expect(logged).toHaveBeenCalledTimes(1);
    const [, details] = logged.mock.calls[0] as [string, { awsRequestId: string; error: Error }];
    expect(details.awsRequestId).toBe(context.awsRequestId);
    expect(details.error.name).toBe("ResourceNotFoundException");
  });
});
