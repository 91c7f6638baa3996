"""``pip install ./clients/python`` gives an importable, typed package that finds the service it should start."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PACKAGE_ROOT


def test_pip_installs_a_typed_package_that_locates_the_service(tmp_path: Path) -> None:
    if subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, check=False).returncode != 0:
        if os.environ.get("CI"):
            pytest.fail("pip is missing: .ci/run installs python3-pip, python3-setuptools and python3-wheel")
        pytest.skip("needs pip, setuptools and wheel (apt install python3-pip python3-setuptools python3-wheel)")
    source = tmp_path / "source"
    shutil.copytree(PACKAGE_ROOT, source, ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-index", "--no-build-isolation", "--no-deps", "--target", str(target), str(source)],
        capture_output=True, text=True, check=False,
    )
    assert install.returncode == 0, install.stderr
    assert (target / "hfss_job_manager" / "py.typed").is_file()
    probe = (
        "import hfss_job_manager, hfss_job_manager._service as s\n"
        "print(hfss_job_manager.__file__)\n"
        "try:\n    s.service_command(environ={'PATH': ''})\nexcept FileNotFoundError as e:\n    print('not found:', e)\n"
        "print(s.service_command(environ={'HFSS_JM_NODE': 'node', 'HFSS_JM_SERVICE_MAIN': '/srv/jm/dist/main.js'}))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    run = subprocess.run([sys.executable, "-c", probe], cwd=str(tmp_path), env=env, capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith(str(target))
    assert lines[1].startswith("not found: hfss-job-manager service not found")
    assert lines[2] == "['node', '/srv/jm/dist/main.js']"
