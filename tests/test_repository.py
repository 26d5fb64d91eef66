"""How frontwatch is installed and shipped: production gets runtime dependencies at tested
versions, the container rebuilds only what changed and reports its health, and the
repository never takes in a secret or a store."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]


def pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            out[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return out


def requirements(extra: str | None = None) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = project["optional-dependencies"][extra] if extra else project["dependencies"]
    return [Requirement(r) for r in listed]


def test_constraints_pin_every_dependency_within_the_range_pyproject_allows():
    pinned = pins()
    for req in requirements() + requirements("test"):
        name = re.sub(r"[-_.]+", "-", req.name).lower()
        assert name in pinned, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pinned[name], prereleases=True), f"{req.name}=={pinned[name]} outside {req}"


@pytest.mark.skipif(shutil.which("make") is None, reason="make not installed")
def test_make_venv_installs_only_runtime_dependencies_at_the_pinned_versions():
    plan = subprocess.run(["make", "-n", "-B", "venv"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    installs = [line for line in plan.splitlines() if "pip install" in line and "--upgrade pip" not in line]
    assert installs and all("-c constraints.txt" in line for line in installs)
    assert not any("[test]" in line for line in installs)
    test_plan = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True, text=True,
                               check=True).stdout
    assert any("-c constraints.txt" in line and "[test]" in line for line in test_plan.splitlines())


def test_ci_runs_make_test_and_installs_the_old_telethon_with_the_other_pins():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test$", ci, re.M)
    assert re.search(r"pip install .*-c \"\$OLDEST/constraints.txt\".*telethon==1\.39\.0", ci)


def test_the_container_installs_pinned_dependencies_before_copying_the_code_and_checks_health():
    recipe = re.sub(r"\\\n\s*", " ", (ROOT / "deploy" / "Containerfile").read_text(encoding="utf-8"))
    steps = [line.split(None, 1) for line in recipe.splitlines() if line and not line.startswith("#")]
    copies = [rest for op, rest in steps if op == "COPY"]
    runs = [(i, rest) for i, (op, rest) in enumerate(steps) if op == "RUN"]
    code_at = next(i for i, (op, rest) in enumerate(steps) if op == "COPY" and rest.startswith("bot "))
    assert copies[0].split() == ["pyproject.toml", "constraints.txt", "./"]
    deps = [rest for i, rest in runs if i < code_at]
    assert deps and "-c constraints.txt" in deps[0] and "[test]" not in deps[0]
    assert any("--no-deps" in rest for i, rest in runs if i > code_at)
    health = [rest for op, rest in steps if op == "HEALTHCHECK"]
    assert health and '"frontwatch", "health"' in health[0]


@pytest.mark.skipif(not (ROOT / ".git").exists() or shutil.which("git") is None, reason="not a git checkout")
@pytest.mark.parametrize("path, ignored", [
    (".env", True), (".env.local", True), (".env.production", True), ("deploy/.env.staging", True),
    (".env.example", False), ("frontwatch.sqlite", True), ("state/frontwatch.sqlite-wal", True),
    ("state/frontwatch.sqlite-shm", True), ("state/frontwatch.sqlite.heartbeat", True),
    ("state/user.session", True), ("bot/cli.py", False),
])
def test_env_variants_stores_and_sessions_anywhere_are_ignored_but_the_template_is_not(path, ignored):
    found = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT).returncode == 0
    assert found is ignored
