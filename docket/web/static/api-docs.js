// Starts Swagger UI on /api/docs from the package's own copy (no CDN; the site's CSP allows
// scripts from this origin only, so the start-up cannot be an inline script).
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/api/v1/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
