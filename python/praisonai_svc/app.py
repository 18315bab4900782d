"""ServiceApp: what handlers.py creates. It only describes the service; the praisonai-svc CLI runs it."""

import asyncio
import inspect
from typing import Any, Callable, Optional

from .result import JobFile, to_job_file

_MISSING = object()


class JobDefinition:
    """The registered handler and how to call it."""

    def __init__(self, func: Callable, schema: Any, content_type: Optional[str], filename: Optional[str]):
        self.func = func
        self.schema = schema
        self.content_type = content_type
        self.filename = filename
        self.is_async = inspect.iscoroutinefunction(func)
        self.wants_context = _positional_count(func) >= 2

    def parse(self, payload: Any) -> Any:
        """The payload as the handler expects it: a model instance when it declared a Pydantic model."""
        if self.schema is None:
            return payload
        return self.schema.model_validate(payload)

    def call(self, payload: Any, ctx: Any) -> JobFile:
        args = (self.parse(payload), ctx) if self.wants_context else (self.parse(payload),)
        result = asyncio.run(self.func(*args)) if self.is_async else self.func(*args)
        if inspect.isawaitable(result):  # a sync function that returned a coroutine
            result = asyncio.run(_await(result))
        return to_job_file(result, self.content_type, self.filename)

    def json_schema(self) -> Optional[dict]:
        return None if self.schema is None else self.schema.model_json_schema(mode="validation")


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _positional_count(func: Callable) -> int:
    params = inspect.signature(func).parameters.values()
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return 2
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def _is_pydantic_model(value: Any) -> bool:
    return inspect.isclass(value) and hasattr(value, "model_json_schema") and hasattr(value, "model_validate")


def _schema_from_annotation(func: Callable) -> Any:
    """The Pydantic v2 model the payload parameter is annotated with, or None for dict/untyped."""
    params = [p for p in inspect.signature(func).parameters.values()]
    if not params:
        raise TypeError(f"the job handler {func.__name__}() must accept the payload as its first argument")
    try:
        hints = __import__("typing").get_type_hints(func)
    except Exception:  # unresolvable string annotations: treat as untyped
        hints = {}
    annotation = hints.get(params[0].name, params[0].annotation)
    if isinstance(annotation, str):
        raise TypeError(
            f"could not resolve the annotation {annotation!r} of {func.__name__}()'s payload: "
            "define or import it before the handler"
        )
    if _is_pydantic_model(annotation):
        return annotation
    if inspect.isclass(annotation) and annotation.__name__ == "BaseModel":
        raise TypeError("annotate the payload with a subclass of pydantic.BaseModel, not BaseModel itself")
    if inspect.isclass(annotation) and any(c.__name__ == "BaseModel" for c in annotation.__mro__[1:]):
        raise TypeError(
            f"{annotation.__name__} looks like a Pydantic v1 model; praisonai-svc needs Pydantic v2 "
            "(pip install 'pydantic>=2')"
        )
    if not _is_untyped(annotation):
        raise TypeError(
            f"the payload of {func.__name__}() is annotated as {getattr(annotation, '__name__', annotation)!r}: "
            "annotate it with dict (untyped) or a Pydantic v2 model (pip install 'pydantic>=2'), "
            "or pass @app.job(schema=Model)"
        )
    return None


def _is_untyped(annotation: Any) -> bool:
    """dict, Dict[str, Any], Mapping, Any, object, or no annotation: the payload is passed as parsed."""
    import collections.abc
    import typing

    if annotation is inspect.Parameter.empty or annotation in (dict, object, typing.Any):
        return True
    origin = typing.get_origin(annotation) or annotation
    return origin in (dict, typing.Dict, collections.abc.Mapping, typing.Mapping)


class ServiceApp:
    """A job service defined by one handler.

    app = ServiceApp("PraisonAI PPT", example={"presentation_title": "Hello"})

    @app.job
    def generate(payload: dict): ...
    """

    def __init__(
        self,
        name: str,
        version: Optional[str] = None,
        description: Optional[str] = None,
        example: Any = None,
    ):
        if not isinstance(name, str) or not name.strip():
            raise TypeError("ServiceApp needs a name")
        self.name = name
        self.version = version
        self.description = description
        self.example = example
        self._definition: Optional[JobDefinition] = None

    def job(
        self,
        func: Optional[Callable] = None,
        *,
        schema: Any = None,
        content_type: Optional[str] = None,
        filename: Optional[str] = None,
    ):
        """Registers the job handler: `@app.job`, or `@app.job(schema=Deck, content_type=..., filename=...)`.

        The handler takes the payload (a dict, or an instance of the Pydantic model it is annotated
        with) and optionally a JobContext; it returns (bytes, content_type, filename), a dict with
        those keys, or bytes/str when content_type and filename are given here.
        """

        def register(f: Callable) -> Callable:
            if not callable(f):
                raise TypeError("@app.job decorates a function")
            if self._definition is not None:
                raise TypeError(f'ServiceApp "{self.name}" already has a job handler')
            if schema is not None and not _is_pydantic_model(schema):
                raise TypeError(
                    "@app.job(schema=...) takes a Pydantic v2 model class (pip install 'pydantic>=2')"
                )
            model = schema if schema is not None else _schema_from_annotation(f)
            self._definition = JobDefinition(f, model, content_type, filename)
            return f

        return register(func) if func is not None else register

    @property
    def definition(self) -> JobDefinition:
        if self._definition is None:
            raise TypeError(
                f'ServiceApp "{self.name}" has no job handler: decorate a function with @app.job'
            )
        return self._definition
