// CloudFront Function (runtime cloudfront-js-2.0), viewer-request of the `/api/*` behaviour.
//
// The HTTP API's routes have no `/api` prefix (`/profiles/me`, `/files`, `/events`, `/analytics/...`), while
// the browser calls them same-origin under `/api`. This strips the prefix before CloudFront forwards the
// request to the API origin: `/api/profiles/me` -> `/profiles/me`, `/api/` -> `/`. The query string and
// headers are left as they are (the origin request policy forwards them).
//
// The SAME file runs on the local platform: the local web server evaluates it with node's `vm` module
// (modules/cdn/functions/index.ts, loadViewerRequestFunction), so the rules cannot drift. Keep it
// self-contained: no imports, no exports, one top-level `function handler(event)`.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/api") {
    request.uri = "/";
  } else if (uri.indexOf("/api/") === 0) {
    request.uri = uri.substring(4);
  }
  return request;
}
