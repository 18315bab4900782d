"""The frames the runner and praisonai-svc (Node) exchange over fd 3 (in) and fd 4 (out).

A frame is two big-endian uint32 lengths (JSON header, raw body), the UTF-8 JSON header, then the body:
results travel as raw bytes (no base64), and the handler's prints on stdout/stderr never touch these pipes.
"""

import json
import os
import signal
import struct
import threading
from typing import Any, BinaryIO, Optional, Tuple

_LENGTHS = struct.Struct(">II")
_write_lock = threading.Lock()
#: The longest text (log line, error message, traceback) a frame carries; Node cuts at the same length.
MAX_TEXT = 64 * 1024


def cut(text: str, limit: int = MAX_TEXT) -> str:
    """The text, or its start with a note of its full length: a handler may log or raise megabytes, and a frame
    header must stay far below the 1 MiB Node accepts."""
    if len(text) <= limit:
        return text
    note = f"… (cut: {len(text)} characters in all)"
    return text[: limit - len(note)] + note


def read_frame(stream: BinaryIO) -> Optional[Tuple[dict, bytes]]:
    """The next frame, or None when Node closed the pipe."""
    head = stream.read(_LENGTHS.size)
    if len(head) < _LENGTHS.size:
        return None
    header_len, body_len = _LENGTHS.unpack(head)
    header = stream.read(header_len)
    body = stream.read(body_len) if body_len else b""
    if len(header) < header_len or len(body) < body_len:
        return None
    return json.loads(header.decode("utf-8")), body


def write_frame(fd: int, header: Any, body: bytes = b"") -> None:
    """Writes one whole frame; an interrupt (SIGINT) is held back until it is written, so frames never tear."""
    encoded = json.dumps(header, default=str).encode("utf-8")
    view = memoryview(_LENGTHS.pack(len(encoded), len(body)) + encoded)
    with _write_lock:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            _write_all(fd, view)
            if body:
                _write_all(fd, memoryview(body))
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _write_all(fd: int, view: memoryview) -> None:
    while len(view):
        written = os.write(fd, view)
        view = view[written:]
