"""Native supervision of the local stack: MariaDB, WordPress (PHP-FPM + nginx), Kafka and our components.

One module per component; ``Stack`` composes them. State lives under STRANGLER_HOME.
"""

from cli.stack.errors import (
    ComponentFailedError,
    IncompatibleStateError,
    MissingPackagesError,
    PortInUseError,
    StackError,
)
from cli.stack.settings import StackSettings, default_home, load_settings
from cli.stack.stack import Stack, UpReport

__all__ = [
    "ComponentFailedError",
    "IncompatibleStateError",
    "MissingPackagesError",
    "PortInUseError",
    "Stack",
    "StackError",
    "StackSettings",
    "UpReport",
    "default_home",
    "load_settings",
]
