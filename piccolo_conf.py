"""So that the ``piccolo`` command line works from the project root."""

from market.piccolo_conf import *  # noqa: F403
from market.piccolo_conf import APP_REGISTRY, __getattr__  # noqa: F401
