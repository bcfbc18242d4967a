"""Check generated files in one process: every *.toml parses with tomllib, every *.py compiles.

Usage: python3 check_syntax.py DIR...
Prints one JSON object: {"checked": N, "errors": [[path, message], ...], "toml": {path: data}}.
The tests start this once per run over all the files they generated, instead of one Python process
per file.
"""

import json
import os
import sys
import tomllib


def main() -> int:
    checked = 0
    errors: list[list[str]] = []
    parsed: dict[str, object] = {}
    for root in sys.argv[1:]:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != ".git"]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    if name.endswith(".toml"):
                        with open(path, "rb") as f:
                            parsed[path] = tomllib.load(f)
                    elif name.endswith(".py"):
                        with open(path, "rb") as f:
                            # What py_compile does, without writing a .pyc next to the file.
                            compile(f.read(), path, "exec", dont_inherit=True)
                    else:
                        continue
                    checked += 1
                except (SyntaxError, ValueError, tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
                    errors.append([path, f"{type(error).__name__}: {error}"])
    json.dump({"checked": checked, "errors": errors, "toml": parsed}, sys.stdout, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
