"""What a handler that accepts a second argument gets beside the payload."""

import logging
import threading
from dataclasses import dataclass, field


@dataclass
class JobContext:
    job_id: str
    #: 1 on the first delivery, 2 on the first retry, and so on.
    attempt: int
    #: Set when the job times out or is cancelled; a long loop can check `ctx.cancelled.is_set()`.
    #: The handler is also interrupted (KeyboardInterrupt) and, if it keeps running, its process is killed.
    cancelled: threading.Event = field(default_factory=threading.Event)
    #: Lines logged here become structured log lines of the job (with its id) in the worker's log.
    logger: logging.Logger = field(default_factory=lambda: logging.getLogger("praisonai_svc.job"))
