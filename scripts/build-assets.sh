#!/usr/bin/env bash
# Builds market/static from the npm packages pinned in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
out=market/static
rm -rf "$out.tmp" && mkdir -p "$out.tmp"
node_modules/.bin/sass --quiet-deps --silence-deprecation=import --no-source-map --style=compressed \
  --load-path=node_modules assets/app.scss "$out.tmp/app.css"
cp assets/print.css assets/app.js assets/api-docs.js "$out.tmp/"
cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js "$out.tmp/"
cp -r node_modules/govuk-frontend/dist/govuk/assets/images "$out.tmp/images"
cp node_modules/govuk-frontend/dist/govuk/assets/manifest.json "$out.tmp/"
cp node_modules/htmx.org/dist/htmx.min.js "$out.tmp/"
# The API viewer at /schema (development, or MARKET_API_DOCS=true), served from here, not a CDN.
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "Built $out ($(du -sh "$out" | cut -f1))."
