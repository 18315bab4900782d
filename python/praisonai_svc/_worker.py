"""The long-lived process praisonai-svc starts for handlers.py: imports it once, then runs one job at a time.

    python -m praisonai_svc._worker /path/to/handlers.py     (fd 3: frames in, fd 4: frames out)

It moves the frame pipes to high, close-on-exec descriptors at once (fds 3 and 4 become /dev/null), and
the handler's stdout/stderr (fds 1 and 2, whoever writes them) become log lines of the job.

Cancellation (timeout, shutdown) arrives as SIGINT: the job's `cancelled` event is set and the handler
gets a KeyboardInterrupt; if it does not stop within the grace period, Node kills this process.
"""

import importlib.util
import logging
import os
import signal
import sys
import traceback
from typing import Any, Callable, Optional

MIN_PYTHON = (3, 9)
IN_FD, OUT_FD = 3, 4
TRACEBACK_LIMIT = 20_000
OUTPUT_END = "\x00praisonai-svc:end:"


class _State:
    running: Optional[Any] = None  # the JobContext of the job in progress
    seq: int = 0
    pid: int = 0  # this worker's; a process the handler forked has another


state = _State()


def _after_fork_in_child() -> None:
    """A process the handler forks (os.fork, multiprocessing) inherits the frame pipes: put /dev/null in
    their place, so it can neither answer for the job nor read the next one. (Numbers kept, not closed: the
    inherited file objects still hold them.) _run_job ends a child that returns from the handler."""
    try:
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (IN_FD, OUT_FD):
            os.dup2(null, fd, inheritable=False)
        os.close(null)
    except OSError:
        pass


def _on_interrupt(_sig: int, _frame: Any) -> None:
    # Between jobs an interrupt is stale (the job it meant has already answered): ignore it.
    ctx = state.running
    if ctx is None:
        return
    ctx.cancelled.set()
    raise KeyboardInterrupt("the job was cancelled (timeout or shutdown)")


_LOG_LEVELS = {logging.DEBUG: "debug", logging.WARNING: "warn", logging.ERROR: "error", logging.CRITICAL: "error"}


class _FrameLogHandler(logging.Handler):
    """Turns records of the job's logger into log frames, so they become the job's structured log lines."""

    def emit(self, record: logging.LogRecord) -> None:
        from ._protocol import cut, write_frame

        try:
            message = self.format(record)
        except Exception:
            message = str(record.msg)
        level = _LOG_LEVELS.get(record.levelno, "info")
        write_frame(OUT_FD, {"type": "log", "seq": state.seq, "level": level, "msg": cut(message)})


def _fatal(kind: str, message: str, detail: str = "") -> None:
    from ._protocol import cut, write_frame

    write_frame(OUT_FD, {"type": "fatal", "kind": kind, "message": cut(message), "detail": detail[-TRACEBACK_LIMIT:]})
    sys.exit(3)


def _load(path: str) -> Any:
    from .app import ServiceApp

    folder = os.path.dirname(os.path.abspath(path))
    if folder not in sys.path:
        sys.path.insert(0, folder)  # so handlers.py can import its neighbours, as `python handlers.py` would
    spec = importlib.util.spec_from_file_location("handlers", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["handlers"] = module
    spec.loader.exec_module(module)
    apps = [v for v in vars(module).values() if isinstance(v, ServiceApp)]
    named = getattr(module, "app", None)
    app = named if isinstance(named, ServiceApp) else (apps[0] if len(apps) == 1 else None)
    if app is None:
        raise LookupError(
            f"{path} defines {'no' if not apps else 'several'} ServiceApp: create one, app = ServiceApp(\"My service\")"
        )
    app.definition  # raises when no @app.job was registered
    return app


def _describe(app: Any) -> dict:
    definition = app.definition
    schema = definition.json_schema()
    example = app.example
    if example is None and schema is not None:
        examples = schema.get("examples")
        example = examples[0] if isinstance(examples, list) and examples else None
    return {
        "type": "ready",
        "name": app.name,
        "version": app.version,
        "description": app.description,
        "example": example,
        "schema": schema,
        "handler": definition.func.__name__,
        "python": ".".join(map(str, sys.version_info[:3])),
        "pid": os.getpid(),
    }


def _run_job(app: Any, header: dict, body: bytes) -> None:
    import json

    from ._protocol import cut, write_frame
    from ._throttle import ProgressThrottle
    from .context import JobContext
    from .errors import NonRetriableError
    from .result import ResultTypeError

    seq = header["seq"]
    state.seq = seq
    for tracked, _fd in _streams.values():
        tracked.used = False  # output between jobs (a thread of the last one) is not this job's
    # At most one frame per 0.2 s (Node's worker writes the newest of each second to the row); the last
    # report is flushed before the answer.
    def send_progress(fraction: float, message: Optional[str]) -> None:
        text = None if message is None else cut(message)
        write_frame(OUT_FD, {"type": "progress", "seq": seq, "fraction": fraction, "message": text})

    throttle = ProgressThrottle(send_progress)
    ctx = JobContext(
        job_id=header["job_id"],
        attempt=header["attempt"],
        logger=logging.getLogger("praisonai_svc.job"),
        _report=throttle.report,
    )
    reply: dict = {}
    data = b""
    try:
        payload = json.loads(body.decode("utf-8"))
        state.running = ctx
        try:
            file = app.definition.call(payload, ctx)
        except BaseException as error:  # noqa: BLE001 - re-raised below, in the worker only
            state.running = None
            _end_if_forked(error)
            raise
        state.running = None
        _end_if_forked(None)
        reply = {"type": "result", "seq": seq, "content_type": file.content_type, "filename": file.filename}
        data = file.data
    except KeyboardInterrupt:
        reply = {"type": "cancelled", "seq": seq}
    except BaseException as error:  # noqa: BLE001 - SystemExit from a handler is its failure too
        reply = {
            "type": "error",
            "seq": seq,
            "message": cut(_message(error)),
            "non_retriable": isinstance(error, (NonRetriableError, ResultTypeError)) or _is_validation_error(error),
            "traceback": traceback.format_exc()[-TRACEBACK_LIMIT:],
        }
    throttle.flush()
    broken = _broken_streams()
    if broken:
        # Its output would be lost or land in whatever file took the descriptor: this process cannot serve
        # another job. Node replaces it; the job fails, since a retry would do the same.
        reply = {
            "type": "error",
            "seq": seq,
            "message": f"{broken}: its output can no longer be logged, so the process was replaced "
            "(to silence output, redirect sys.stdout/sys.stderr instead of closing them)",
            "non_retriable": True,
            "replace": True,
        }
        data = b""
    reply["output"] = _mark_output_end(header.get("end", ""), skip=bool(broken))
    write_frame(OUT_FD, reply, data)


def _end_if_forked(error: Optional[BaseException]) -> None:
    """A process the handler forked that returns from (or raises out of) the handler ends here, with the exit
    code it would have had: only the worker answers for the job."""
    if os.getpid() == state.pid:
        return
    code = 0
    if isinstance(error, SystemExit):
        code = error.code if isinstance(error.code, int) else (0 if error.code is None else 1)
    elif error is not None:
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    os._exit(code)


def _stream_identity(fd: int) -> Optional[tuple]:
    try:
        st = os.fstat(fd)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


#: What fds 1 and 2 were when the worker started (the pipes Node reads); filled in by main().
_ORIGINAL_STREAMS: dict = {}


def _broken_streams() -> str:
    """Says what the handler did to its stdout/stderr, or "" when both are still the pipes Node reads."""
    for name, (tracked, fd) in _streams.items():
        if _stream_identity(fd) != _ORIGINAL_STREAMS.get(fd):
            return f"the handler closed or replaced its {name} (fd {fd})"
        if getattr(tracked._stream, "closed", False):
            return f"the handler closed sys.{name}"
    return ""


class _Tracked:
    """sys.stdout/sys.stderr as the handler sees them: the real stream, noting whether the job wrote to it."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.used = False

    def write(self, text: Any) -> Any:
        self.used = True
        return self._stream.write(text)

    def writelines(self, lines: Any) -> Any:
        self.used = True
        return self._stream.writelines(lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


_streams = {"stdout": (_Tracked(sys.stdout), 1), "stderr": (_Tracked(sys.stderr), 2)}


def _unread(fd: int) -> bool:
    """Whether the pipe still holds bytes Node has not read: output written below sys.stdout (os.write, a C
    library, a child process) that Node might otherwise read after the answer. What Node has read, it has
    already logged under the job. Linux answers FIONREAD on a pipe's write end; elsewhere assume there is."""
    if _fionread is None:
        return True
    try:
        return _fionread(fd) > 0
    except OSError:
        return False  # not a pipe any more (the handler closed or replaced it): nothing to wait for


def _make_fionread() -> Optional[Callable[[int], int]]:
    if not sys.platform.startswith("linux"):
        return None
    import array
    import fcntl
    import termios

    def fionread(fd: int) -> int:
        count = array.array("i", [0])
        fcntl.ioctl(fd, termios.FIONREAD, count, True)
        return count[0]

    return fionread


_fionread = _make_fionread()


def _mark_output_end(token: str, skip: bool = False) -> list:
    """Ends the job's output on the streams it wrote to, so Node logs every line under the job before it
    answers; a job whose output Node has already read costs two ioctl calls. Returns the streams Node
    should wait for. The token is the job's own, random, from Node: a handler that prints a marker (it
    cannot know the token) does not end its job's output early. `skip`: a stream was closed or replaced,
    and a marker might land in a file that took its descriptor."""
    marked: list = []
    if skip:
        return marked
    for name, (tracked, fd) in _streams.items():
        if not tracked.used and not _unread(fd):
            continue
        tracked.used = False
        try:
            tracked.flush()
            os.write(fd, f"\n{OUTPUT_END}{token}\n".encode())
            marked.append(name)
        except (OSError, ValueError, AttributeError):
            pass  # a handler that closed its stdout: nothing more will come from it
    return marked


def _message(error: BaseException) -> str:
    from .errors import NonRetriableError
    from .result import ResultTypeError

    text = str(error)
    if isinstance(error, NonRetriableError):
        return text or "NonRetriableError"
    kind = "TypeError" if isinstance(error, ResultTypeError) else type(error).__name__
    return f"{kind}: {text}" if text else kind


def _is_validation_error(error: BaseException) -> bool:
    return type(error).__name__ == "ValidationError" and type(error).__module__.startswith("pydantic")


def _exit_with_parent() -> None:
    """Ends this process when praisonai-svc is gone (even killed -9), also while a handler is busy."""
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="praisonai-svc-parent-watch", daemon=True).start()


def _hide_frame_pipes() -> None:
    """Moves the frame pipes off fds 3 and 4 to close-on-exec descriptors, with /dev/null in their place: a
    handler or a child process (os.system, a shell script using fd 4) that writes there cannot tear a frame."""
    global IN_FD, OUT_FD
    import fcntl

    def move(fd: int) -> int:
        try:
            high = fcntl.fcntl(fd, fcntl.F_DUPFD, 100)
        except OSError:  # a limit of open files at 100 or below: any free descriptor will do
            return os.dup(fd)  # non-inheritable, as every descriptor Python creates
        os.set_inheritable(high, False)
        return high

    moved = [move(fd) for fd in (IN_FD, OUT_FD)]
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (IN_FD, OUT_FD):
        os.dup2(null, fd)
    os.close(null)
    IN_FD, OUT_FD = moved


def main(argv: list) -> None:
    _hide_frame_pipes()
    state.pid = os.getpid()
    os.register_at_fork(after_in_child=_after_fork_in_child)
    for fd in (1, 2):
        _ORIGINAL_STREAMS[fd] = _stream_identity(fd)
    _exit_with_parent()
    if sys.version_info < MIN_PYTHON:
        found = sys.version.split()[0]
        _fatal("version", f"it is Python {found}, and praisonai-svc needs {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer")
    from ._protocol import read_frame, write_frame

    signal.signal(signal.SIGINT, _on_interrupt)
    sys.stdout, sys.stderr = _streams["stdout"][0], _streams["stderr"][0]
    job_logger = logging.getLogger("praisonai_svc.job")
    job_logger.setLevel(logging.DEBUG)
    job_logger.propagate = False
    job_logger.addHandler(_FrameLogHandler())
    # From here on, an exit is handlers.py's doing (os._exit at import time, a crash in a C extension), not
    # the interpreter's: Node says so.
    write_frame(OUT_FD, {"type": "loading"})
    try:
        app = _load(argv[1])
        ready = _describe(app)
    except SystemExit as error:
        _fatal(
            "import",
            f"it called sys.exit({error.code!r}) while it was being imported; a handlers file must define the "
            "service, not exit",
            traceback.format_exc(),
        )
    except BaseException as error:  # noqa: BLE001 - the author needs to see any failure of the import
        _fatal("import", _message(error), traceback.format_exc())
    write_frame(OUT_FD, ready)
    stream = os.fdopen(IN_FD, "rb")
    while True:
        frame = read_frame(stream)
        if frame is None:
            return  # Node closed the pipe: recycle or shutdown
        header, body = frame
        if header.get("type") == "job":
            _run_job(app, header, body)


if __name__ == "__main__":
    main(sys.argv)
