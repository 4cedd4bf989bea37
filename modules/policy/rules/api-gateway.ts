/** Policy rules of API Gateway (HTTP APIs) (PLT-APIGW-*). */
import { block, display, isExpression, isSet, refersTo, violation } from "./helpers";
import type { PolicyRule } from "./types";

export const API_GATEWAY_RULES: readonly PolicyRule[] = [
  {
    id: "PLT-APIGW-001",
    severity: "error",
    title: "API Gateway routes require authorization unless explicitly public",
    why: "A route without an authorizer is open to the internet; a public route is a decision that must be written down.",
    fix: 'Attach an authorizer (HttpApi.addRoute with an authorizer or the API\'s defaultAuthorizer; authorization_type JWT/CUSTOM with authorizer_id, or AWS_IAM). A route that must be public keeps authorization "NONE" and gets suppressPolicy(route, "PLT-APIGW-001", "<why it is public>").',
    resourceTypes: ["aws_apigatewayv2_route"],
    check(r, ctx) {
      const api = ctx.resources("aws_apigatewayv2_api").find((a) => refersTo(r.config.api_id, a, "id"));
      // WebSocket APIs authorize on $connect only.
      if (api?.config.protocol_type === "WEBSOCKET" && r.config.route_key !== "$connect") return [];
      const type = r.config.authorization_type;
      if (isExpression(type)) return [];
      if (type === undefined || type === "NONE") return [violation(`Route "${r.config.route_key}" is public (authorization_type ${type ?? "unset"}).`)];
      if ((type === "JWT" || type === "CUSTOM") && !isSet(r.config.authorizer_id)) {
        return [violation(`Route "${r.config.route_key}" has authorization_type ${type} but no authorizer_id.`)];
      }
      return [];
    },
  },
  {
    id: "PLT-APIGW-002",
    severity: "warning",
    title: "API Gateway stages write access logs",
    why: "Access logs are the only record of who called what, with status and authorizer errors, when a request is disputed or debugged.",
    fix: "Use the HttpApi module, or set access_log_settings { destination_arn, format } on the stage to a log group with retention.",
    resourceTypes: ["aws_apigatewayv2_stage"],
    check(r) {
      return isSet(block(r.config.access_log_settings)?.destination_arn) ? [] : [violation(`Stage ${display(r, "name")} writes no access logs.`)];
    },
  },
];
