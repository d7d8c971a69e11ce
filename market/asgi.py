"""The ASGI entry point for servers: ``uvicorn market.asgi:app``."""

import sys

from market.app import create_app
from market.settings import ConfigError, load_settings

try:
    app = create_app(load_settings())
except ConfigError as error:
    print(f"market: {error}", file=sys.stderr)
    raise SystemExit(2) from None
