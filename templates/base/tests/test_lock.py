"""The locks: each matches its requirements file, and every environment shares the model's stack."""

import re
import shutil
from pathlib import Path

import pytest

import lock

# What a trained model's behaviour depends on: training and serving must resolve the same versions.
NUMERICAL_STACK = ("scikit-learn", "numpy", "scipy")


def test_every_lock_matches_its_requirements_file():
    assert lock.problems() == []


def test_every_lock_pins_the_model_stack_at_one_version():
    locks = sorted(lock.ROOT.glob("requirements*.lock"))
    assert "requirements.lock" in [p.name for p in locks]
    for name in NUMERICAL_STACK:
        found = {p.name: lock.read_lock(p)[1].get(name) for p in locks}
        assert found["requirements.lock"], f"requirements.lock does not lock {name}"
        versions = {frozenset(v) for v in found.values() if v}
        assert len(versions) == 1, f"{name} differs between the locks: {found}"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for path in [*lock.ROOT.glob("requirements*"), lock.ROOT / "pyproject.toml"]:
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def test_a_bumped_pin_is_caught_with_the_fix(project: Path):
    # What a Dependabot pull request does: one pin in requirements.txt moves, the locks stay.
    requirements = project / "requirements.txt"
    text = requirements.read_text(encoding="utf-8")
    requirements.write_text(re.sub(r"^numpy==\S+", "numpy==0.0.1", text, flags=re.M), encoding="utf-8")
    found = lock.problems(project)
    assert found
    assert found[0].startswith("requirements-dev.lock does not match requirements-dev.txt (numpy ")
    assert any(line.startswith("requirements.lock does not match requirements.txt (numpy ") for line in found)
    assert all(line.endswith("run `python src/lock.py refresh`.") for line in found)


def test_a_missing_lock_is_caught(project: Path):
    (project / "requirements.lock").unlink()
    fix = "run `python src/lock.py refresh`."
    assert lock.problems(project) == [f"requirements.lock is missing (requirements.txt has no lock): {fix}"]
