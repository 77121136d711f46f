"""Run Alembic commands in one long-lived process, for devdb.

    python alembic_server.py

Reads one JSON array per line on stdin: the arguments of an `alembic` command
line (["-c", "temp.ini", "upgrade", "head"]). Runs it in-process with
alembic.config.main, and answers with JSON lines on stdout: {"line": ...} for
each line the command prints, then {"exit": code}. The project's imports
(Kallithea's models take about half a second) happen once instead of once per
command; each command still reads its INI and runs env.py afresh.
"""
import io
import json
import sys
import traceback

PROTOCOL = sys.stdout
# Like the `alembic` console script, which has no script folder on sys.path.
if sys.path and sys.path[0].endswith("templates"):
    del sys.path[0]


def send(message):
    PROTOCOL.write(json.dumps(message) + "\n")
    PROTOCOL.flush()


class Lines(io.RawIOBase):
    """A byte stream that forwards each complete line as a message."""

    def __init__(self):
        io.RawIOBase.__init__(self)
        self.pending = b""

    def writable(self):
        return True

    def write(self, data):
        self.pending += bytes(data)
        while b"\n" in self.pending:
            line, self.pending = self.pending.split(b"\n", 1)
            send({"line": line.decode("utf-8", "replace")})
        return len(data)

    def close_line(self):
        if self.pending:
            send({"line": self.pending.decode("utf-8", "replace")})
            self.pending = b""


def run(argv):
    from alembic.config import main

    main(argv=argv, prog="alembic")


def serve():
    for raw in sys.stdin:
        argv = json.loads(raw)
        lines = Lines()
        # A real text stream with .buffer: some projects' imports (Mercurial's) write to sys.stdout.buffer.
        sys.stdout = sys.stderr = io.TextIOWrapper(io.BufferedWriter(lines), encoding="utf-8", errors="replace", line_buffering=True)
        code = 0
        try:
            run(argv)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            lines.close_line()
            sys.stdout = sys.stderr = sys.__stderr__
        send({"exit": code})


if __name__ == "__main__":
    serve()
