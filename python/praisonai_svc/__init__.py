"""praisonai_svc: serve one Python handler as a job service with the praisonai-svc CLI (npm).

    from praisonai_svc import ServiceApp
    app = ServiceApp("PraisonAI PPT")

    @app.job
    def generate_ppt(payload: dict) -> tuple[bytes, str, str]:
        return data, "application/vnd.openxmlformats-officedocument.presentationml.presentation", "slides.pptx"

Run it with `praisonai-svc run handlers.py`; this module is shipped inside the npm package and put on
the interpreter's path by the CLI, so there is nothing to pip-install for the framework itself.
"""

from .app import ServiceApp
from .context import JobContext
from .errors import NonRetriableError

__all__ = ["JobContext", "NonRetriableError", "ServiceApp"]
__version__ = "1"
