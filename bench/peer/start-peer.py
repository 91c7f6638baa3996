"""Starts the peer this project replaces, PyEDB's job manager service (ansys/pyedb at 857204f58,
src/pyedb/workflows/job_manager), for bench/peer-comparison.bench.ts. None of PyEDB's code is kept here: give the
`src` directory of a PyEDB checkout as the first argument.

Usage: /usr/bin/python3 bench/peer/start-peer.py <pyedb>/src <port>

What this harness changes, and why (everything else runs as shipped, like its own start_service.py):
* `pyedb/__init__.py` is not executed: it imports the EDB API (pyedb.generic.design_types and .NET/gRPC layers),
  which the job manager does not use and which cannot be installed here. The three package modules above the
  job manager are registered as plain namespace packages instead.
* Debian 12 ships pydantic 1.10 (PyPI is not reachable here) while the job manager calls pydantic 2's
  `BaseModel.model_dump`; it is mapped onto 1.10's `BaseModel.dict`. pydantic 1 validates more slowly than 2, so
  the peer's submit figures are, if anything, understated.
* The scheduler is forced to "none" (local runs): its auto-detection picks SLURM whenever `sbatch` is on PATH, as
  on this machine.
* Resource gates off (min disk and memory 0 GB) and `PEER_MAX_CONCURRENT` jobs at once (default 1), like the
  job manager it is compared with in the same run.
The solver is whatever `ansysedt` sits under $ANSYSEM_ROOT<version> (the bench sets the fake solver's directory).
"""

import os
import signal
import sys
import threading
import types

source, port = sys.argv[1], int(sys.argv[2])
for name in ("pyedb", "pyedb.workflows", "pyedb.workflows.job_manager"):
    package = types.ModuleType(name)
    package.__path__ = [os.path.join(source, *name.split("."))]
    sys.modules[name] = package

import pydantic  # noqa: E402

if not hasattr(pydantic.BaseModel, "model_dump"):
    pydantic.BaseModel.model_dump = pydantic.BaseModel.dict

from pyedb.workflows.job_manager.backend.job_manager_handler import JobManagerHandler  # noqa: E402
from pyedb.workflows.job_manager.backend.job_submission import SchedulerType  # noqa: E402

JobManagerHandler._detect_scheduler = staticmethod(lambda: SchedulerType.NONE)

handler = JobManagerHandler(host="127.0.0.1", port=port)
limits = handler.manager.resource_limits
limits.max_concurrent_jobs = int(os.environ.get("PEER_MAX_CONCURRENT", "1"))
limits.min_disk_gb = 0
limits.min_memory_gb = 0
handler.manager.job_pool.resource_limits = limits
handler.start_service()
print(f"peer listening on 127.0.0.1:{port} (solver {handler.ansys_path})", flush=True)

stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
handler.close()
