"""Run a command in a real pseudo-terminal and answer its prompts.

Usage: python3 pty_drive.py '<json script>' -- command args...
The script is a list of [pattern, keys]: wait until `pattern` (a regex) appears in the output
since the previous match, then type `keys`. Prints the whole transcript; exits with the command's
exit code (128+signal if killed). Used by the vitest prompt tests; Node has no pty of its own.
"""

import json
import os
import pty
import re
import select
import signal
import sys
import time

TIMEOUT = 30.0


def main() -> int:
    script = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm"
        os.execvp(command[0], command)
    transcript = b""
    seen = 0
    deadline = time.monotonic() + TIMEOUT
    steps = list(script)
    while True:
        if steps:
            pattern, keys = steps[0]
            match = re.search(pattern.encode(), transcript[seen:])
            if match:
                seen += match.end()
                steps.pop(0)
                time.sleep(0.05)
                if keys.startswith("SIGNAL:"):
                    os.kill(pid, getattr(signal, keys[7:]))
                else:
                    os.write(fd, keys.encode())
                continue
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            sys.stdout.write(transcript.decode(errors="replace"))
            sys.stdout.write(f"\n[pty_drive] timed out waiting for {steps[0][0] if steps else 'exit'!r}\n")
            return 124
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                break
            transcript += chunk
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(transcript.decode(errors="replace"))
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
