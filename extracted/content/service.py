"""The content service as the runtime kit runs it (``extracted.runtime.service``).

Per process, a :class:`~extracted.content.app.Generation` counts committed batches: the consumer
bumps it after each one (``on_commit``) and the app drops its response cache when it changed.
"""

from __future__ import annotations

from extracted.runtime.service import ServiceDefinition

from .app import Generation, create_app
from .errors import ContentError
from .projection import ContentProjection

DEFINITION: ServiceDefinition[Generation] = ServiceDefinition(
    name="content",
    description="WordPress content REST API",
    projection=ContentProjection,
    app=create_app,
    context=Generation,
    on_commit=Generation.bump,
    errors=(ContentError,),
)
