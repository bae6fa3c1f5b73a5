// Starts the vendored Swagger UI on the API docs page (a file, not inline: the CSP allows no inline script).
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  if (!node || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({
    url: node.getAttribute("data-spec"),
    domNode: node,
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false
  });
});
