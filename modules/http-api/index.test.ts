import { TerraformOutput } from "cdktf";
import { LambdaFunction } from "../lambda-function";
import { synthStack, warnings } from "../../test/support/synth";
import { HttpApi, HttpApiProps, HttpJwtAuthorizer } from "./index";

const ENTRY = `${__dirname}/../../test/fixtures/handler.ts`;
const ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123";
const JWT = { issuer: ISSUER, audience: ["client-1"] };

function routesByKey(out: ReturnType<typeof synthStack>): Record<string, any> {
  return Object.fromEntries(Object.values(out.resources("aws_apigatewayv2_route")).map((r: any) => [r.route_key, r]));
}

function permissionsBySource(out: ReturnType<typeof synthStack>): Record<string, any> {
  return Object.fromEntries(Object.values(out.resources("aws_lambda_permission")).map((p: any) => [p.source_arn, p]));
}

describe("HttpApi", () => {
  it("defaults to an HTTP API named <app>-<env>-<name> with the execute-api endpoint on and no CORS", () => {
    const out = synthStack((s) => new HttpApi(s, "Api", { name: "api" }));
    const api = out.only("aws_apigatewayv2_api");
    expect(api.name).toBe("test-dev-api");
    expect(api.protocol_type).toBe("HTTP");
    expect(api.disable_execute_api_endpoint).toBe(false);
    expect(api.cors_configuration).toBeUndefined();
  });

  it("creates an auto-deployed $default stage throttled at burst 100 / rate 50 without per-route metrics", () => {
    const out = synthStack((s) => new HttpApi(s, "Api", { name: "api" }));
    const stage = out.only("aws_apigatewayv2_stage");
    expect(stage.name).toBe("$default");
    expect(stage.auto_deploy).toBe(true);
    expect(stage.api_id).toBe(out.ref("aws_apigatewayv2_api", "id"));
    expect(stage.default_route_settings).toEqual({ throttling_burst_limit: 100, throttling_rate_limit: 50, detailed_metrics_enabled: false });
  });

  it("writes JSON access logs with the request, route, status, error and latency fields to a 30-day log group", () => {
    const out = synthStack((s) => new HttpApi(s, "Api", { name: "api" }));
    const group = out.only("aws_cloudwatch_log_group");
    expect(group.name).toBe("/aws/apigateway/test-dev-api/access");
    expect(group.retention_in_days).toBe(30);
    const settings = out.only("aws_apigatewayv2_stage").access_log_settings;
    expect(settings.destination_arn).toBe(out.ref("aws_cloudwatch_log_group", "arn"));
    const format = JSON.parse(settings.format);
    expect(format).toEqual({
      requestId: "$context.requestId",
      ip: "$context.identity.sourceIp",
      requestTime: "$context.requestTime",
      httpMethod: "$context.httpMethod",
      routeKey: "$context.routeKey",
      status: "$context.status",
      protocol: "$context.protocol",
      responseLength: "$context.responseLength",
      integrationErrorMessage: "$context.integrationErrorMessage",
      authorizerError: "$context.authorizer.error",
      latency: "$context.responseLatency",
    });
  });

  it("applies throttling, log retention, detailed metrics and disableExecuteApiEndpoint from props", () => {
    const out = synthStack(
      (s) =>
        new HttpApi(s, "Api", { name: "api", throttlingBurstLimit: 20, throttlingRateLimit: 10.5, logRetentionDays: 90, detailedMetrics: true, disableExecuteApiEndpoint: true }),
    );
    expect(out.only("aws_apigatewayv2_stage").default_route_settings).toEqual({ throttling_burst_limit: 20, throttling_rate_limit: 10.5, detailed_metrics_enabled: true });
    expect(out.only("aws_cloudwatch_log_group").retention_in_days).toBe(90);
    expect(out.only("aws_apigatewayv2_api").disable_execute_api_endpoint).toBe(true);
  });

  it("exposes apiId, apiEndpoint, executionArn and the log group as references to the API's attributes, and the literal $default stage name", () => {
    let api!: HttpApi;
    const out = synthStack((s) => {
      api = new HttpApi(s, "Api", { name: "api" });
      new TerraformOutput(s, "api_id", { value: api.apiId });
      new TerraformOutput(s, "api_endpoint", { value: api.apiEndpoint });
      new TerraformOutput(s, "execution_arn", { value: api.executionArn });
      new TerraformOutput(s, "log_group", { value: api.logGroup.name });
    });
    expect(api.stageName).toBe("$default");
    expect(out.json.output.api_id.value).toBe(out.ref("aws_apigatewayv2_api", "id"));
    expect(out.json.output.api_endpoint.value).toBe(out.ref("aws_apigatewayv2_api", "api_endpoint"));
    expect(out.json.output.execution_arn.value).toBe(out.ref("aws_apigatewayv2_api", "execution_arn"));
    expect(out.json.output.log_group.value).toBe(out.ref("aws_cloudwatch_log_group", "name"));
  });

  describe("CORS", () => {
    it("defaults methods, headers (authorization, content-type, if-match), exposes etag, caches preflight 1 h, no credentials", () => {
      const out = synthStack((s) => new HttpApi(s, "Api", { name: "api", cors: { allowOrigins: ["https://app.example.com"] } }));
      expect(out.only("aws_apigatewayv2_api").cors_configuration).toEqual({
        allow_origins: ["https://app.example.com"],
        allow_methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers: ["authorization", "content-type", "if-match"],
        expose_headers: ["etag"],
        max_age: 3600,
        allow_credentials: false,
      });
    });

    it("uses the caller's methods, headers, max age and credentials", () => {
      const out = synthStack(
        (s) =>
          new HttpApi(s, "Api", {
            name: "api",
            cors: {
              allowOrigins: ["https://a.example.com", "http://localhost:5173"],
              allowMethods: ["GET"],
              allowHeaders: ["x-trace"],
              exposeHeaders: [],
              maxAgeSeconds: 60,
              allowCredentials: true,
            },
          }),
      );
      expect(out.only("aws_apigatewayv2_api").cors_configuration).toMatchObject({ allow_methods: ["GET"], allow_headers: ["x-trace"], max_age: 60, allow_credentials: true });
    });

    it("rejects origin * together with allowCredentials", () => {
      expect(() => synthStack((s) => new HttpApi(s, "Api", { name: "api", cors: { allowOrigins: ["*"], allowCredentials: true } }))).toThrow(
        /cors\.allowCredentials: received true; allowed: false when allowOrigins contains "\*".*Fix: list the exact origins/,
      );
    });

    it("rejects an empty origin list and origins with a path or trailing slash", () => {
      expect(() => synthStack((s) => new HttpApi(s, "Api", { name: "api", cors: { allowOrigins: [] } }))).toThrow(/cors\.allowOrigins: received \[\]; allowed: a non-empty list/);
      expect(() => synthStack((s) => new HttpApi(s, "Api", { name: "api", cors: { allowOrigins: ["https://app.example.com/"] } }))).toThrow(
        /cors\.allowOrigins\[0\]: received "https:\/\/app\.example\.com\/"/,
      );
    });

    it("warns about a plain-http origin other than localhost", () => {
      let api!: HttpApi;
      synthStack((s) => {
        api = new HttpApi(s, "Api", { name: "api", cors: { allowOrigins: ["http://app.example.com", "http://localhost:3000"] } });
      });
      const w = warnings(api);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/CORS origin "http:\/\/app\.example\.com" is plain http/);
    });
  });

  it("collects every invalid prop (name, throttling, retention, CORS methods and max age) into one error", () => {
    const props: HttpApiProps = {
      name: "bad name",
      throttlingBurstLimit: 0,
      throttlingRateLimit: 0,
      logRetentionDays: 8,
      cors: { allowOrigins: ["https://a.example.com"], allowMethods: ["FETCH"], maxAgeSeconds: 100000 },
    };
    expect(() => synthStack((s) => new HttpApi(s, "Bad", props))).toThrow(
      /HttpApi "test\/Bad": invalid props \(6 problems\)[\s\S]*name: received "bad name"[\s\S]*logRetentionDays: received 8[\s\S]*throttlingBurstLimit: received 0[\s\S]*throttlingRateLimit: received 0[\s\S]*cors\.allowMethods\[0\]: received "FETCH"[\s\S]*cors\.maxAgeSeconds: received 100000/,
    );
  });

  describe("JWT authorizers", () => {
    it("addJwtAuthorizer creates a JWT authorizer reading the Authorization header by default", () => {
      let auth!: HttpJwtAuthorizer;
      const out = synthStack((s) => {
        auth = new HttpApi(s, "Api", { name: "api" }).addJwtAuthorizer("Cognito", JWT);
      });
      const a = out.only("aws_apigatewayv2_authorizer");
      expect(a.api_id).toBe(out.ref("aws_apigatewayv2_api", "id"));
      expect(a.authorizer_type).toBe("JWT");
      expect(a.name).toBe("test-dev-Cognito");
      expect(a.identity_sources).toEqual(["$request.header.Authorization"]);
      expect(a.jwt_configuration).toEqual({ issuer: ISSUER, audience: ["client-1"] });
      expect(auth.authorizerId).toMatch(/TfToken/);
    });

    it("takes identitySource and name from options", () => {
      const out = synthStack((s) => new HttpApi(s, "Api", { name: "api" }).addJwtAuthorizer("A", { ...JWT, identitySource: "$request.header.X-Token", name: "tokens" }));
      const a = out.only("aws_apigatewayv2_authorizer");
      expect(a.identity_sources).toEqual(["$request.header.X-Token"]);
      expect(a.name).toBe("test-dev-tokens");
    });

    it("rejects a non-https issuer, an empty audience and a bad identity source in one error", () => {
      expect(() =>
        synthStack((s) => new HttpApi(s, "Api", { name: "api" }).addJwtAuthorizer("A", { issuer: "http://issuer", audience: [], identitySource: "Authorization" })),
      ).toThrow(
        /HttpApi\.addJwtAuthorizer\("A"\) "test\/Api": invalid props \(3 problems\)[\s\S]*issuer: received "http:\/\/issuer"[\s\S]*audience: received \[\][\s\S]*identitySource/,
      );
    });

    it("validates defaultAuthorizer with the HttpApi props", () => {
      expect(() => synthStack((s) => new HttpApi(s, "Api", { name: "api", defaultAuthorizer: { issuer: "nope", audience: ["c"] } }))).toThrow(
        /HttpApi "test\/Api"[\s\S]*defaultAuthorizer\.issuer: received "nope"/,
      );
    });
  });

  describe("routes", () => {
    it("authorizes a route with the defaultAuthorizer when it names none", () => {
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        api.addRoute("GET /profiles/me", new LambdaFunction(s, "Profile", { name: "profile", entry: ENTRY }));
      });
      const route = out.only("aws_apigatewayv2_route");
      expect(route.authorization_type).toBe("JWT");
      expect(route.authorizer_id).toBe(out.ref("aws_apigatewayv2_authorizer", "id"));
    });

    it("uses the route's own authorizer and scopes over the default", () => {
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        const admin = api.addJwtAuthorizer("Admin", { issuer: ISSUER, audience: ["admin-client"] });
        api.addRoute("GET /analytics/{report}", new LambdaFunction(s, "Q", { name: "q", entry: ENTRY }), { authorizer: admin, authorizationScopes: ["analytics/read"] });
      });
      const adminKey = Object.entries(out.resources("aws_apigatewayv2_authorizer")).find(([, a]: [string, any]) => a.jwt_configuration.audience[0] === "admin-client")![0];
      const route = out.only("aws_apigatewayv2_route");
      expect(route.authorizer_id).toBe(`\${aws_apigatewayv2_authorizer.${adminKey}.id}`);
      expect(route.authorization_scopes).toEqual(["analytics/read"]);
    });

    it("throws at synth for a route with no authorizer and no explicit NONE, naming the route and the fix", () => {
      expect(() =>
        synthStack((s) => {
          const api = new HttpApi(s, "Api", { name: "api" });
          api.addRoute("POST /events", new LambdaFunction(s, "F", { name: "f", entry: ENTRY }));
        }),
      ).toThrow(
        /HttpApi\.addRoute\("POST \/events"\)[\s\S]*authorizer: received undefined[\s\S]*Fix: pass \{ authorizer: api\.addJwtAuthorizer\(\.\.\.\) \}.*defaultAuthorizer.*authorization: "NONE" \}/,
      );
    });

    it("makes a route public only with authorization NONE, even when a defaultAuthorizer exists", () => {
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        api.addRoute("GET /health", new LambdaFunction(s, "H", { name: "h", entry: ENTRY }), { authorization: "NONE" });
      });
      const route = out.only("aws_apigatewayv2_route");
      expect(route.authorization_type).toBe("NONE");
      expect(route.authorizer_id).toBeUndefined();
    });

    it("rejects authorization NONE combined with an authorizer or scopes", () => {
      expect(() =>
        synthStack((s) => {
          const api = new HttpApi(s, "Api", { name: "api" });
          const auth = api.addJwtAuthorizer("A", JWT);
          api.addRoute("GET /x", new LambdaFunction(s, "F", { name: "f", entry: ENTRY }), { authorization: "NONE", authorizer: auth, authorizationScopes: ["s"] });
        }),
      ).toThrow(/\(2 problems\)[\s\S]*authorization: received "NONE"; allowed: omitted when an authorizer is passed[\s\S]*authorizationScopes: received \["s"\]/);
    });

    it("rejects an authorizer that belongs to another API", () => {
      expect(() =>
        synthStack((s) => {
          const other = new HttpApi(s, "Other", { name: "other" }).addJwtAuthorizer("A", JWT);
          new HttpApi(s, "Api", { name: "api" }).addRoute("GET /x", new LambdaFunction(s, "F", { name: "f", entry: ENTRY }), { authorizer: other });
        }),
      ).toThrow(/uses authorizer "test\/Other\/A" of another API\. Fix: create the authorizer with this API's addJwtAuthorizer/);
    });

    it("integrates each function once (AWS_PROXY, payload 2.0) and points every route at its function's integration", () => {
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        const profile = new LambdaFunction(s, "Profile", { name: "profile", entry: ENTRY });
        const upload = new LambdaFunction(s, "Upload", { name: "upload", entry: ENTRY });
        api.addRoute("GET /profiles/me", profile);
        api.addRoute("PUT /profiles/me", profile);
        api.addRoute("DELETE /profiles/me", profile);
        api.addRoute("POST /uploads", upload);
      });
      const integrations = out.resources("aws_apigatewayv2_integration");
      expect(Object.keys(integrations)).toHaveLength(2);
      for (const i of Object.values(integrations) as any[]) {
        expect(i).toMatchObject({ integration_type: "AWS_PROXY", integration_method: "POST", payload_format_version: "2.0" });
      }
      const byUri = Object.fromEntries(Object.entries(integrations).map(([key, i]: [string, any]) => [i.integration_uri, key]));
      const profileFn = Object.keys(out.resources("aws_lambda_function")).find((k) => k.includes("Profile"))!;
      const uploadFn = Object.keys(out.resources("aws_lambda_function")).find((k) => k.includes("Upload"))!;
      const profileIntegration = byUri[`\${aws_lambda_function.${profileFn}.arn}`];
      const uploadIntegration = byUri[`\${aws_lambda_function.${uploadFn}.arn}`];
      const routes = routesByKey(out);
      for (const key of ["GET /profiles/me", "PUT /profiles/me", "DELETE /profiles/me"]) {
        expect(routes[key].target).toBe(`integrations/\${aws_apigatewayv2_integration.${profileIntegration}.id}`);
      }
      expect(routes["POST /uploads"].target).toBe(`integrations/\${aws_apigatewayv2_integration.${uploadIntegration}.id}`);
    });

    it("adds one invoke permission per route, scoped to the route's method and path (* for ANY, /*/$default for $default)", () => {
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        const fn = new LambdaFunction(s, "Fn", { name: "fn", entry: ENTRY });
        api.addRoute("GET /profiles/me", fn);
        api.addRoute("PUT /profiles/{id}", fn);
        api.addRoute("ANY /analytics/{proxy+}", fn);
        api.addRoute("$default", fn);
      });
      const exec = out.ref("aws_apigatewayv2_api", "execution_arn");
      const perms = permissionsBySource(out);
      expect(Object.keys(perms).sort()).toEqual([`${exec}/*/GET/profiles/me`, `${exec}/*/PUT/profiles/*`, `${exec}/*/*/analytics/*`, `${exec}/*/$default`].sort());
      for (const p of Object.values(perms)) {
        expect(p.principal).toBe("apigateway.amazonaws.com");
        expect(p.action).toBe("lambda:InvokeFunction");
        expect(p.function_name).toBe(out.ref("aws_lambda_function", "function_name"));
        expect(p.statement_id).toMatch(/^AllowApi-[A-Za-z0-9_-]+$/);
      }
      expect(perms[`${exec}/*/GET/profiles/me`].statement_id).toBe("AllowApi-GET-profiles-me");
    });

    it("grants an imported function (fromArn) its route permission from the API's scope", () => {
      const arn = "arn:aws:lambda:eu-west-1:123456789012:function:shared-fn";
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        api.addRoute("GET /shared", LambdaFunction.fromArn(s, "Shared", arn));
      });
      const p = out.only("aws_lambda_permission");
      expect(p.function_name).toBe(arn);
      expect(p.source_arn).toBe(`${out.ref("aws_apigatewayv2_api", "execution_arn")}/*/GET/shared`);
      expect(out.only("aws_apigatewayv2_integration").integration_uri).toBe(arn);
    });

    it.each([
      ["GET profiles", "no leading slash"],
      ["FETCH /x", "unknown method"],
      ["get /x", "lower-case method"],
      ["GET /a/", "trailing slash"],
      ["GET /a/{proxy+}/b", "greedy parameter not last"],
      ["GET /a b", "space in path"],
      ["GET /{bad-name}", "parameter name with a dash"],
    ])("rejects route key %p (%s)", (routeKey) => {
      expect(() =>
        synthStack((s) => new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT }).addRoute(routeKey, new LambdaFunction(s, "F", { name: "f", entry: ENTRY }))),
      ).toThrow(/routeKey: received .*allowed: "\$default" or "METHOD \/path"/);
    });

    it("accepts the root path, parameters, a final greedy parameter and $default", () => {
      const out = synthStack((s) => {
        const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        const fn = new LambdaFunction(s, "F", { name: "f", entry: ENTRY });
        for (const key of ["GET /", "GET /users/{userId}/files/{fileId}", "ANY /{proxy+}", "$default"]) api.addRoute(key, fn);
      });
      expect(Object.keys(routesByKey(out)).sort()).toEqual(["$default", "ANY /{proxy+}", "GET /", "GET /users/{userId}/files/{fileId}"]);
    });

    it("rejects a duplicate route key", () => {
      expect(() =>
        synthStack((s) => {
          const api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
          const fn = new LambdaFunction(s, "F", { name: "f", entry: ENTRY });
          api.addRoute("GET /x", fn);
          api.addRoute("GET /x", new LambdaFunction(s, "G", { name: "g", entry: ENTRY }));
        }),
      ).toThrow(/routeKey: received "GET \/x"; allowed: a route key not yet added to this API/);
    });

    it("warns when a function's timeout exceeds the 30 s integration timeout", () => {
      let api!: HttpApi;
      synthStack((s) => {
        api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        api.addRoute("GET /slow", new LambdaFunction(s, "Slow", { name: "slow", entry: ENTRY, timeoutSeconds: 60 }));
        api.addRoute("GET /fast", new LambdaFunction(s, "Fast", { name: "fast", entry: ENTRY, timeoutSeconds: 10 }));
      });
      const w = warnings(api);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/route "GET \/slow".*timeout is 60 s.*time out after 30 s/);
    });

    it("warns when CORS is on and an authorized ANY route would swallow preflight requests", () => {
      let api!: HttpApi;
      synthStack((s) => {
        api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT, cors: { allowOrigins: ["https://app.example.com"] } });
        const fn = new LambdaFunction(s, "F", { name: "f", entry: ENTRY });
        api.addRoute("ANY /{proxy+}", fn);
        api.addRoute("GET /ok", fn);
      });
      const w = warnings(api);
      expect(w).toHaveLength(1);
      expect(w[0]).toMatch(/route "ANY \/\{proxy\+\}" is authorized and matches OPTIONS.*add a public "OPTIONS \/\{proxy\+\}" route/);
    });

    it("lists added routes by key with their permission's source ARN", () => {
      let api!: HttpApi;
      synthStack((s) => {
        api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        api.addRoute("POST /events", new LambdaFunction(s, "F", { name: "f", entry: ENTRY }));
      });
      expect([...api.routes.keys()]).toEqual(["POST /events"]);
      expect(api.routes.get("POST /events")!.sourceArn).toBe(`${api.executionArn}/*/POST/events`);
    });

    it("allows any value of a path parameter in the permission's source ARN (API Gateway checks the requested path)", () => {
      let api!: HttpApi;
      synthStack((s) => {
        api = new HttpApi(s, "Api", { name: "api", defaultAuthorizer: JWT });
        const fn = new LambdaFunction(s, "F", { name: "f", entry: ENTRY });
        api.addRoute("GET /files/{id}", fn);
        api.addRoute("ANY /items/{category}/{proxy+}", fn);
      });
      expect(api.routes.get("GET /files/{id}")!.sourceArn).toBe(`${api.executionArn}/*/GET/files/*`);
      expect(api.routes.get("ANY /items/{category}/{proxy+}")!.sourceArn).toBe(`${api.executionArn}/*/*/items/*/*`);
    });
  });
});
