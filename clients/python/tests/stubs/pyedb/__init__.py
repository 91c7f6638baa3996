"""Test stand-in for PyEDB, which is not installed here: only what the quick-start needs.

``Edb(path).base_path`` is the directory holding ``ansysedt`` (in real PyEDB, the AEDT installation); here it is
the fake solver's directory, taken from ``PYEDB_STUB_ANSYS_DIR``.
"""

import os
from typing import Any, Optional


class Edb:
    def __init__(self, edbpath: Optional[str] = None, version: Optional[str] = None, **_: Any) -> None:
        self.edbpath = edbpath
        self.version = version
        self.base_path = os.environ["PYEDB_STUB_ANSYS_DIR"]
