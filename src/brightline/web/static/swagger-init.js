// Starts Swagger UI on /api/v1/docs (a file, not an inline script, so the page keeps its strict
// Content-Security-Policy). The spec is this server's own; no validator badge is fetched.
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
