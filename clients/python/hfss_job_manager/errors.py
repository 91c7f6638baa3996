"""The exception contract of PyEDB's job manager, mapped from the service's error envelope.

``{"success": false, "error": "<msg>", "code": "<CODE>"}`` becomes one exception whose type says what
happened: ``ValueError`` (400 validation), ``FileNotFoundError`` (400 missing file), ``RuntimeError`` (502 scheduler
failure), ``TimeoutError`` / ``asyncio.TimeoutError`` (504 and timed-out jobs). Every one is also a
:class:`JobManagerError`, which carries the HTTP status and the service's code.
"""

import asyncio
from typing import Any, Dict, Optional, Tuple, Type


class JobManagerError(Exception):
    """Base of every error the service reports; ``status`` is the HTTP status, ``code`` the service's code."""

    def __init__(self, message: str, status: Optional[int] = None, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code


class ValidationFailedError(JobManagerError, ValueError):
    """400 ``VALIDATION_FAILED``: the configuration or request is invalid."""


class ProjectFileNotFoundError(JobManagerError, FileNotFoundError):
    """400 ``FILE_NOT_FOUND``: the project, the executable or a directory does not exist on the service's host."""

    def __str__(self) -> str:
        return self.message


class SchedulerFailureError(JobManagerError, RuntimeError):
    """502 ``SCHEDULER_FAILURE``: the cluster scheduler rejected the job or could not be reached."""


# asyncio.TimeoutError is the built-in TimeoutError from Python 3.11 on, a distinct class before.
_TIMEOUT_BASES: Tuple[Type[BaseException], ...] = (
    (TimeoutError,) if asyncio.TimeoutError is TimeoutError else (asyncio.TimeoutError, TimeoutError)
)


class JobManagerTimeoutError(JobManagerError, *_TIMEOUT_BASES):  # type: ignore[misc]
    """504 ``TIMEOUT``, a wait that ran out, or a job that exceeded its own ``timeout``."""


class AuthenticationError(JobManagerError, PermissionError):
    """401: the service wants ``Authorization: Bearer <HFSS_JM_API_TOKEN>``."""


class JobNotFoundError(JobManagerError, LookupError):
    """404: no job with that id."""


class JobStateConflictError(JobManagerError):
    """409: the job's state does not allow the request, or the jobid exists with another configuration."""


class ServiceUnavailableError(JobManagerError, ConnectionError):
    """503: the service is shutting down; also raised when it cannot be reached at all."""


class StorageFailureError(JobManagerError, OSError):
    """507: the service could not write its job store (disk full); nothing was acknowledged."""


_BY_CODE: Dict[str, Type[JobManagerError]] = {
    "VALIDATION_FAILED": ValidationFailedError,
    "FILE_NOT_FOUND": ProjectFileNotFoundError,
    "SCHEDULER_FAILURE": SchedulerFailureError,
    "TIMEOUT": JobManagerTimeoutError,
    "UNAUTHORIZED": AuthenticationError,
    "JOB_NOT_FOUND": JobNotFoundError,
    "JOB_STATE_CONFLICT": JobStateConflictError,
    "DUPLICATE_JOB_ID": JobStateConflictError,
    "SHUTTING_DOWN": ServiceUnavailableError,
    "STORAGE_FAILURE": StorageFailureError,
}
_BY_STATUS: Dict[int, Type[JobManagerError]] = {
    400: ValidationFailedError,
    401: AuthenticationError,
    404: JobNotFoundError,
    409: JobStateConflictError,
    413: ValidationFailedError,
    415: ValidationFailedError,
    502: SchedulerFailureError,
    503: ServiceUnavailableError,
    504: JobManagerTimeoutError,
    507: StorageFailureError,
}


def error_from_response(status: int, body: Any) -> JobManagerError:
    """The exception for an error answer; the code decides, the status is the fallback."""
    message = body.get("error") if isinstance(body, dict) else None
    code = body.get("code") if isinstance(body, dict) else None
    kind = _BY_CODE.get(code or "") or _BY_STATUS.get(status, JobManagerError)
    return kind(str(message or body or f"HTTP {status}"), status=status, code=code)
