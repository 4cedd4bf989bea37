import { HttpError, errorResponse, errorToResponse, getHeader, internalErrorResponse, jsonResponse, noContentResponse, requestPath } from "./http";

function recordingLogger(): { error: jest.Mock } {
  return { error: jest.fn() };
}

describe("http responses", () => {
  it("renders 4xx errors as { error: { code, message } } JSON", () => {
    const response = errorResponse(400, "ValidationFailed", "displayName: is required");
    expect(response.statusCode).toBe(400);
    expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(response.body ?? "")).toEqual({ error: { code: "ValidationFailed", message: "displayName: is required" } });
  });

  it("marks every response as not cacheable (per-user data behind CloudFront)", () => {
    expect(jsonResponse(200, {}).headers["cache-control"]).toBe("no-store");
    expect(noContentResponse().headers["cache-control"]).toBe("no-store");
    expect(noContentResponse().body).toBeUndefined();
  });

  it("maps an HttpError to its status, code and headers", () => {
    const response = errorToResponse(new HttpError(405, "MethodNotAllowed", "no", { allow: "GET" }), { awsRequestId: "r" }, recordingLogger());
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("GET");
    expect(JSON.parse(response.body ?? "")).toEqual({ error: { code: "MethodNotAllowed", message: "no" } });
  });

  it("answers an unexpected error with 500 and a reference, logs it with both request ids, and leaks nothing", () => {
    const log = recordingLogger();
    const error = new Error("ResourceNotFoundException: table arn:aws:dynamodb:us-east-1:123:table/secret-name");
    const response = internalErrorResponse(error, { awsRequestId: "lambda-req-1", apiRequestId: "api-req-1" }, log);
    expect(response.statusCode).toBe(500);
    const body = JSON.parse(response.body ?? "") as { error: { code: string; message: string } };
    expect(body.error.code).toBe("InternalError");
    expect(body.error.message).toContain("api-req-1");
    expect(response.body).not.toContain("secret-name");
    expect(response.body).not.toContain("at ");
    expect(log.error).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ awsRequestId: "lambda-req-1", apiRequestId: "api-req-1", error }));
  });

  it("treats a thrown non-Error as a 500 too", () => {
    const log = recordingLogger();
    expect(errorToResponse("boom", { awsRequestId: "lambda-req-2" }, log).statusCode).toBe(500);
    expect(log.error).toHaveBeenCalledTimes(1);
  });

  it("refuses to build an HttpError with a non-4xx status", () => {
    expect(() => new HttpError(500, "X", "y")).toThrow(/4xx/);
  });
});

describe("request helpers", () => {
  it("finds headers whatever their case", () => {
    expect(getHeader({ "If-Match": '"3"' }, "if-match")).toBe('"3"');
    expect(getHeader({ "if-match": '"3"' }, "If-Match")).toBe('"3"');
    expect(getHeader(undefined, "if-match")).toBeUndefined();
  });

  it("removes a named stage prefix and a trailing slash from the path", () => {
    expect(requestPath("/prod/profiles/me", "prod")).toBe("/profiles/me");
    expect(requestPath("/profiles/me/", "$default")).toBe("/profiles/me");
    expect(requestPath("/profiles/me", "$default")).toBe("/profiles/me");
    expect(requestPath("/production/profiles/me", "prod")).toBe("/production/profiles/me");
    expect(requestPath("", "$default")).toBe("/");
  });
});
