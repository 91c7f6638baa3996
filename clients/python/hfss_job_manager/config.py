"""The configuration model of PyEDB's job manager as plain dataclasses, serialised as the service's snake_case JSON.

Field names and meanings follow PyEDB's ``HFSSSimulationConfig``, ``SchedulerOptions``, ``MachineNode`` and
``HFSS3DLayoutBatchOptions``. Values left at ``None`` are not sent, so the service's own defaults apply (its
``ansysedt``, its temp directory, its default scheduler). The service validates everything; the checks here only
catch mistakes early, with ``ValueError`` as in PyEDB.
"""

import enum
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, List, Mapping, Optional, Type, TypeVar, Union

# Not a Windows device name (CON, NUL, COM1...), like the service's JOB_ID_PATTERN.
_JOB_ID = re.compile(r"^(?!(?:con|prn|aux|nul|com\d|lpt\d)$)[A-Za-z0-9_-]{1,64}$", re.IGNORECASE)
_T = TypeVar("_T")


class SchedulerType(str, enum.Enum):
    """Where a job runs: ``NONE`` is a local subprocess on the service's host, the others are batch schedulers."""

    NONE = "none"
    SLURM = "slurm"
    LSF = "lsf"
    PBS = "pbs"
    WINDOWS_HPC = "windows_hpc"
    GRID_ENGINE = "grid_engine"

    def __str__(self) -> str:
        return self.value


@dataclass
class MachineNode:
    """One ``-machinelist`` entry: ``hostname:cores:max_cores:utilization%``."""

    hostname: str = "localhost"
    cores: int = -1
    max_cores: int = 20
    utilization: int = 90

    def __post_init__(self) -> None:
        if not self.hostname:
            raise ValueError("Hostname cannot be empty")
        if not 1 <= self.utilization <= 100:
            raise ValueError("Utilization must be between 1 and 100")
        if self.max_cores < 1:
            raise ValueError("Max cores must be at least 1")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.cores}:{self.max_cores}:{self.utilization}%"


@dataclass
class HFSS3DLayoutBatchOptions:
    """Solver flags for ``-batchoptions``; ``temp_directory=None`` means the service's temp directory."""

    create_starting_mesh: bool = False
    default_process_priority: str = "Normal"
    enable_gpu: bool = False
    mpi_vendor: str = "Intel"
    mpi_version: str = "Default"
    remote_spawn_command: str = "Scheduler"
    solve_adaptive_only: bool = False
    validate_only: bool = False
    temp_directory: Optional[str] = None
    hpc_license_type: Optional[str] = None
    num_cores_per_distributed_task: Optional[int] = None


@dataclass
class SchedulerOptions:
    """Resource requests and directives for cluster runs; ``None`` leaves the scheduler's default."""

    queue: Optional[str] = None
    time: str = "24:00:00"
    nodes: int = 1
    tasks_per_node: int = 1
    cores_per_node: int = 0
    memory: Optional[str] = None
    account: Optional[str] = None
    reservation: Optional[str] = None
    qos: Optional[str] = None
    constraints: Optional[str] = None
    exclusive: bool = False
    gpus: int = 0
    gpu_type: Optional[str] = None
    priority: str = "Normal"
    email_notification: Optional[str] = None
    run_as_administrator: bool = False
    extra_directives: Optional[List[str]] = None

    def __post_init__(self) -> None:
        if self.nodes < 1:
            raise ValueError("Number of nodes must be at least 1")
        if self.tasks_per_node < 1:
            raise ValueError("Tasks per node must be at least 1")
        if self.gpus < 0:
            raise ValueError("GPU count cannot be negative")
        if self.cores_per_node < 0:
            raise ValueError("cores_per_node must be non-negative")


@dataclass
class HFSSSimulationConfig:
    """One solve request. ``scheduler_type=None`` lets the service choose (its ``HFSS_JM_DEFAULT_SCHEDULER``)."""

    project_path: str
    jobid: Optional[str] = None
    ansys_edt_path: Optional[str] = None
    solver: str = "Hfss3DLayout"
    user: Optional[str] = None
    design_name: str = ""
    design_mode: str = ""
    setup_name: str = ""
    distributed: bool = True
    machine_nodes: List[MachineNode] = field(default_factory=lambda: [MachineNode()])
    auto: bool = True
    non_graphical: bool = True
    monitor: bool = True
    wait_for_license: bool = True
    layout_options: HFSS3DLayoutBatchOptions = field(default_factory=HFSS3DLayoutBatchOptions)
    scheduler_type: Optional[SchedulerType] = None
    scheduler_options: SchedulerOptions = field(default_factory=SchedulerOptions)
    priority: int = 0
    timeout: Optional[int] = None

    def __post_init__(self) -> None:
        if not self.project_path:
            raise ValueError("Project path must be provided")
        if not self.project_path.lower().endswith((".aedt", ".aedb")):
            raise ValueError("Project path must be a .aedt or .aedb file")
        if self.jobid is not None and not _JOB_ID.match(self.jobid):
            raise ValueError("Job ID can only contain letters, numbers, underscores, and hyphens (1-64), and may not be a Windows device name (CON, NUL, COM1...)")
        if self.scheduler_type is not None:
            self.scheduler_type = SchedulerType(self.scheduler_type)
        self.machine_nodes = [_build(MachineNode, node) for node in self.machine_nodes]
        self.layout_options = _build(HFSS3DLayoutBatchOptions, self.layout_options)
        self.scheduler_options = _build(SchedulerOptions, self.scheduler_options)

    def to_dict(self) -> Dict[str, Any]:
        """The JSON body ``POST /jobs/submit`` takes; ``None`` values are left out."""
        return _without_none(asdict(self))

    model_dump = to_dict  # PyEDB's pydantic spelling

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "HFSSSimulationConfig":
        """Reads this service's JSON, or a config saved from PyEDB (``platform``, ``timestamp``, ``version`` ignored)."""
        known = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known and value is not None})


def _build(kind: Type[_T], value: Union[_T, Mapping[str, Any]]) -> _T:
    if isinstance(value, kind):
        return value
    if isinstance(value, Mapping):
        known = {f.name for f in fields(kind)}  # type: ignore[arg-type]
        return kind(**{key: item for key, item in value.items() if key in known and item is not None})
    raise ValueError(f"{kind.__name__} expected, got {type(value).__name__}")


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_none(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value
