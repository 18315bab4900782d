"""Normalizes what a handler returned into (bytes, content type, filename), or says what was wrong."""

import reprlib
from typing import Any, NamedTuple, Optional


class JobFile(NamedTuple):
    data: bytes
    content_type: str
    filename: str


EXPECTED = (
    "(bytes, content_type, filename), a dict {data, content_type, filename}, "
    "or bytes/str with @app.job(content_type=..., filename=...)"
)


#: The longest content type or filename a result may have.
MAX_NAME = 1000


class ResultTypeError(TypeError):
    """The handler returned something that is not a file: a bug a retry would repeat, so the job fails at once."""


#: Shows the start of a value: repr() of a list of millions of items would take seconds and gigabytes.
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = _SHORT.maxlong = 80


def _describe(value: Any) -> str:
    try:
        text = _SHORT.repr(value)
    except Exception:  # a __repr__ that raises must not hide what went wrong
        return f"{type(value).__name__} (its repr() failed)"
    return f"{type(value).__name__} {text[:80]}{'...' if len(text) > 80 else ''}"


def to_job_file(result: Any, content_type: Optional[str], filename: Optional[str]) -> JobFile:
    if isinstance(result, (tuple, list)) and len(result) == 3:
        data, ctype, name = result
    elif isinstance(result, dict) and "data" in result:
        data = result["data"]
        ctype = result.get("content_type", content_type)
        name = result.get("filename", filename)
    elif isinstance(result, (bytes, bytearray, memoryview, str)):
        data, ctype, name = result, content_type, filename
        if ctype is None or name is None:
            raise ResultTypeError(
                f"the handler returned {type(result).__name__} without a content type and filename: "
                f"return {EXPECTED}"
            )
    else:
        raise ResultTypeError(f"the handler returned {_describe(result)}; expected {EXPECTED}")
    if isinstance(data, str):
        data = data.encode("utf-8")
    elif isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    elif not isinstance(data, bytes):
        raise ResultTypeError(f"the handler's result data is {_describe(data)}; expected bytes or str")
    if not isinstance(ctype, str) or not ctype:
        raise ResultTypeError(f"the handler's result content_type is {_describe(ctype)}; expected a non-empty str")
    if not isinstance(name, str) or not name:
        raise ResultTypeError(f"the handler's result filename is {_describe(name)}; expected a non-empty str")
    # Both travel in the answer's header, which Node refuses over 1 MiB (as a corrupt frame, killing the process).
    for what, text in (("content_type", ctype), ("filename", name)):
        if len(text) > MAX_NAME:
            raise ResultTypeError(
                f"the handler's result {what} is {len(text)} characters long; expected at most {MAX_NAME}"
            )
    return JobFile(data, ctype, name)
