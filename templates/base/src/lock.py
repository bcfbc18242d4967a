"""Keeps each requirements*.lock in step with its requirements*.txt.

The .txt files say what the project asks for (a pin per direct dependency: edit these, or let
Dependabot bump them); each .lock says everything that installs, transitive packages included,
each with the sha256 of its files. CI, `--install` and the Dockerfile install only the locks.

    python src/lock.py check     exit 1, one line per file, when a lock no longer matches its pins
    python src/lock.py refresh   re-resolve every lock from the .txt files (uv; pip-tools without uv)

Refresh resolves all the .txt files together first, then each lock within that resolution, so
training, development and serving get the same version of every package they share.
"""

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")
LOCKED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
FIX = "python src/lock.py refresh"


def normalize(name: str) -> str:
    """PEP 503 name, as pip and uv compare them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_files(root: Path = ROOT) -> list[str]:
    return sorted(p.name for p in root.glob("requirements*.txt"))


def lock_name(requirements: str) -> str:
    return re.sub(r"\.txt$", ".lock", requirements)


def pins(file: str, root: Path = ROOT, seen: set[str] | None = None) -> dict[str, str]:
    """The name==version pins of a requirements file, following `-r other.txt`."""
    seen = seen if seen is not None else set()
    seen.add(file)
    found: dict[str, str] = {}
    for raw in (root / file).read_text(encoding="utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        if line.startswith("-r "):
            included = line[3:].strip()
            if included not in seen:
                found.update(pins(included, root, seen))
            continue
        match = PIN.match(line)
        if not match:
            raise SystemExit(f'{file}: "{line}" is not a name==version pin; the locks need exact pins.')
        found[normalize(match[1])] = match[2]
    return found


def header(file: str, locked_from: dict[str, str]) -> list[str]:
    """The lock's first lines (the same the generator writes): how to use it, and its pins."""
    lock = lock_name(file)
    return [
        f"# {lock}: every package {file} installs, pinned with hashes. Written by create-ml-ci-cd;",
        f"# after editing {file}, `{FIX}` rewrites it (`python src/lock.py check` says when).",
        f"# Install: uv pip sync --require-hashes {lock}",
        f"#      or: python -m pip install --require-hashes --no-deps -r {lock}",
        f"# Locked from {file}:",
        *(f"#   {name}=={version}" for name, version in sorted(locked_from.items())),
    ]


def read_lock(path: Path) -> tuple[dict[str, str], dict[str, set[str]]]:
    """A lock's header pins and its packages (name -> versions, one per marker fork)."""
    locked_from: dict[str, str] = {}
    packages: dict[str, set[str]] = {}
    in_header = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# Locked from "):
            in_header = True
        elif in_header and line.startswith("#   "):
            name, _, version = line[4:].partition("==")
            locked_from[normalize(name)] = version
        else:
            in_header = False
            match = LOCKED.match(line)
            if match:
                packages.setdefault(normalize(match[1]), set()).add(match[2])
    return locked_from, packages


def problems(root: Path = ROOT) -> list[str]:
    """One line per lock that does not match its requirements file; none when all do."""
    found = []
    files = requirement_files(root)
    for file in files:
        lock = lock_name(file)
        if not (root / lock).is_file():
            found.append(f"{lock} is missing ({file} has no lock): run `{FIX}`.")
            continue
        wanted = pins(file, root)
        locked_from, packages = read_lock(root / lock)
        changed = sorted(
            f"{name} {locked_from.get(name, 'absent')} -> {wanted.get(name, 'removed')}"
            for name in set(wanted) | set(locked_from)
            if wanted.get(name) != locked_from.get(name)
        )
        changed += sorted(
            f"{name}=={version} not in the lock"
            for name, version in wanted.items()
            if name in locked_from and version not in packages.get(name, set())
        )
        if changed:
            found.append(f"{lock} does not match {file} ({'; '.join(changed)}): run `{FIX}`.")
    for lock in sorted(p.name for p in root.glob("requirements*.lock")):
        if lock not in {lock_name(f) for f in files}:
            found.append(f"{lock} has no requirements file: delete it or run `{FIX}`.")
    return found


def lowest_python(root: Path = ROOT) -> str:
    """The project's requires-python (">=3.13" -> "3.13"): the locks cover it and newer."""
    spec = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    return re.sub(r"^>=\s*", "", spec)


def compiler(root: Path) -> list[str]:
    """uv (a universal lock: every OS and Python from requires-python), else pip-tools (this one)."""
    uv = shutil.which("uv")
    if uv:
        # No interpreter is needed to resolve for a version: never download one.
        universal = ["--universal", "--python-version", lowest_python(root)]
        return [uv, "pip", "compile", "--quiet", "--no-python-downloads", *universal]
    try:
        import piptools  # noqa: F401
    except ImportError:
        raise SystemExit(
            "refresh needs uv (https://docs.astral.sh/uv/) or pip-tools (python -m pip install pip-tools)."
        ) from None
    print("uv not found: pip-tools locks for this Python and OS only.", file=sys.stderr)
    return [sys.executable, "-m", "piptools", "compile", "--quiet", "--strip-extras", "--allow-unsafe"]


def run(command: list[str], root: Path, what: str) -> None:
    if subprocess.run(command, cwd=root).returncode != 0:
        raise SystemExit(f"Could not lock {what}: the pins above conflict or cannot be found; fix them, refresh again.")


def refresh(root: Path = ROOT) -> None:
    base = [*compiler(root), "--no-header", "--no-annotate"]
    files = requirement_files(root)
    with tempfile.TemporaryDirectory() as tmp:
        together = Path(tmp) / "together.txt"
        run([*base, *files, "-o", str(together)], root, " and ".join(files))
        for file in files:
            out = Path(tmp) / lock_name(file)
            command = [*base, "--generate-hashes", "-c", str(together), file, "-o", str(out)]
            run(command, root, file)
            body = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
            text = "\n".join([*header(file, pins(file, root)), *body]).rstrip("\n") + "\n"
            (root / lock_name(file)).write_text(text, encoding="utf-8")
            print(f"wrote {lock_name(file)}")


def main(argv: list[str]) -> int:
    if argv == ["check"]:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    if argv == ["refresh"]:
        refresh()
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
