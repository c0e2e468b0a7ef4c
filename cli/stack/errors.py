"""The errors `strangler up`/`down` report: each names the component and the way out."""

from __future__ import annotations


class StackError(Exception):
    """Base of every error raised while supervising the local stack."""


class MissingPackagesError(StackError):
    """System packages are missing and cannot be installed from here (not root)."""


class PortInUseError(StackError):
    def __init__(self, component: str, port: int, variable: str) -> None:
        super().__init__(
            f"port {port} needed by {component} is already in use; stop what listens there or choose "
            f"another port with {variable}=<port>"
        )
        self.component = component
        self.port = port


class IncompatibleStateError(StackError):
    """STRANGLER_HOME holds state this version cannot use."""


class ComponentFailedError(StackError):
    """A component did not become ready; the message names it and its log file."""
