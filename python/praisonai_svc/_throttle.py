"""ctx.progress() throttled: a handler may report in a tight loop, but one frame costs a JSON encoding and a
write (~13 µs); the job row shows at most one value a second anyway."""

import threading
import time
from typing import Callable, Optional, Tuple

#: Seconds between two progress frames.
INTERVAL = 0.2

Report = Tuple[float, Optional[str]]


class ProgressThrottle:
    """Sends the first report at once, then at most one per INTERVAL. A report held back is sent by a timer
    when the interval is over (a handler that reports and then works for a minute is shown the value it
    reported), or by flush() when the job ends, whichever comes first: the last value always arrives."""

    def __init__(self, send: Callable[[float, Optional[str]], None], interval: float = INTERVAL) -> None:
        self._send = send
        self._interval = interval
        self._lock = threading.Lock()
        self._last = float("-inf")  # when the last frame went
        self._pending: Optional[Report] = None
        self._timer: Optional[threading.Timer] = None
        self._closed = False

    def report(self, fraction: float, message: Optional[str]) -> None:
        with self._lock:
            if self._closed:
                return  # a thread of a job that has answered: its progress no longer shows anywhere
            now = time.monotonic()
            if now - self._last >= self._interval and self._timer is None:
                self._last = now
                self._send(fraction, message)
                return
            self._pending = (fraction, message)
            if self._timer is None:
                self._timer = threading.Timer(max(0.0, self._last + self._interval - now), self._on_timer)
                self._timer.daemon = True
                self._timer.start()

    def flush(self) -> None:
        """Sends the report held back, if any, and sends nothing after: called before the job's answer."""
        with self._lock:
            self._closed = True
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._send_pending()

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
            if not self._closed:
                self._send_pending()

    def _send_pending(self) -> None:
        # Under the lock, so a timer's frame and flush()'s cannot swap places.
        if self._pending is not None:
            fraction, message = self._pending
            self._pending = None
            self._last = time.monotonic()
            self._send(fraction, message)
