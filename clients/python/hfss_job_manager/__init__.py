"""Python client of the hfss-job-manager service, with the surface of PyEDB's job manager.

    from hfss_job_manager import JobManagerHandler

    handler = JobManagerHandler(host="localhost", port=8080)
    handler.start_service()
    cfg = handler.create_simulation_config(project_path="/projects/antenna.aedt", jobid="antenna_001")
    print(handler.submit_jobs_and_wait([cfg], timeout=3600))
"""

from .config import HFSS3DLayoutBatchOptions, HFSSSimulationConfig, MachineNode, SchedulerOptions, SchedulerType
from .errors import (
    AuthenticationError,
    JobManagerError,
    JobManagerTimeoutError,
    JobNotFoundError,
    JobStateConflictError,
    ProjectFileNotFoundError,
    SchedulerFailureError,
    ServiceUnavailableError,
    StorageFailureError,
    ValidationFailedError,
)
from .handler import JobManagerHandler


def create_hfss_config(project_path: str, **fields: object) -> HFSSSimulationConfig:
    """PyEDB's convenience factory: an ``HFSSSimulationConfig`` from keyword fields."""
    return HFSSSimulationConfig(project_path=project_path, **fields)  # type: ignore[arg-type]


__all__ = [
    "AuthenticationError",
    "HFSS3DLayoutBatchOptions",
    "HFSSSimulationConfig",
    "JobManagerError",
    "JobManagerHandler",
    "JobManagerTimeoutError",
    "JobNotFoundError",
    "JobStateConflictError",
    "MachineNode",
    "ProjectFileNotFoundError",
    "SchedulerFailureError",
    "SchedulerOptions",
    "SchedulerType",
    "ServiceUnavailableError",
    "StorageFailureError",
    "ValidationFailedError",
    "create_hfss_config",
]
__version__ = "0.1.0"
