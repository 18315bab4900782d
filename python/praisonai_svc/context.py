"""What a handler that accepts a second argument gets beside the payload."""

import logging
import math
import threading
from dataclasses import dataclass, field
from typing import Callable, Optional


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
    _report: Optional[Callable[[float, Optional[str]], None]] = field(default=None, repr=False)

    def progress(self, fraction: float, message: Optional[str] = None) -> None:
        """Reports how far the job is (0 to 1), shown as `progress` by GET /jobs/{id} and its event stream.
        Cheap to call often (under a microsecond): at most one report per 0.2 s leaves the process, the job
        row is written at most once a second, and the last report always lands.
        """
        if isinstance(fraction, bool) or not isinstance(fraction, (int, float)) or not math.isfinite(fraction):
            raise TypeError(f"ctx.progress(fraction): fraction must be a number from 0 to 1, got {fraction!r}")
        if fraction < 0 or fraction > 1:
            raise ValueError(f"ctx.progress(fraction): fraction must be from 0 to 1, got {fraction!r}")
        if message is not None and not isinstance(message, str):
            raise TypeError("ctx.progress(fraction, message): message must be a string")
        if self._report is not None:
            self._report(float(fraction), message)
