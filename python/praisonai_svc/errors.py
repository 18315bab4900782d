"""Errors a handler raises to steer the worker."""


class NonRetriableError(Exception):
    """Raise from a handler to fail the job at once, without retries.

    raise NonRetriableError("presentation_title is empty")
    """
