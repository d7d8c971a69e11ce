// Starts the API viewer at /schema (market/web/openapi.py) from our own copy of Swagger UI,
// so that the page needs no inline script and nothing from another site.
window.addEventListener('load', function () {
  var root = document.getElementById('swagger-ui')
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute('data-url'),
    domNode: root,
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    // Nothing is sent to Swagger's online validator.
    validatorUrl: null
  })
})
