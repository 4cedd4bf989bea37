// CloudFront Function (runtime cloudfront-js-2.0), viewer-request of the default behaviour (the site bucket).
//
// Single-page-app fallback: a client-side route such as `/profile` or `/auth/callback` has no object in the
// bucket, so it is served `/index.html` (with 200) and the app's router takes over. Only paths whose last
// segment has no file extension are rewritten; `/assets/main-ABCD1234.js` or `/config.json` go to the bucket
// unchanged, so a missing asset is still an error rather than HTML with a 200.
//
// Why a function and not custom_error_response: CloudFront's error responses are distribution-wide, so mapping
// 403/404 to `/index.html` would also turn the API's own 403/404 (`/api/*`) into HTML with 200. `/api` paths
// never reach this behaviour (the `/api/*` behaviour takes them), but the check below keeps the rule true on
// its own (and for the local server, which runs this same file through node's `vm`).
//
// Keep it self-contained: no imports, no exports, one top-level `function handler(event)`.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === "/api" || uri.indexOf("/api/") === 0) {
    return request;
  }
  var lastSlash = uri.lastIndexOf("/");
  var last = uri.substring(lastSlash + 1);
  if (last.indexOf(".") === -1) {
    request.uri = "/index.html";
  }
  return request;
}
