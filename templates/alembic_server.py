"""Run a project's Python tools in one long-lived process, for devdb.

    python alembic_server.py

Reads one JSON object per line on stdin:

    {"tool": "alembic", "path": "/venv/bin/alembic", "args": ["-c", "temp.ini", "upgrade", "head"]}

and runs the tool's console-script entry point in-process, as its script would
(sys.argv is [path, *args]). Answers with JSON lines on stdout: {"line": ...}
for each line the tool prints, then {"exit": code}.

The project's imports (Kallithea's take about half a second) happen once instead
of once per command; each command still reads its INI afresh. Nothing here is
printed but the tools' own output, which devdb redacts.
"""
import gc
import io
import json
import os
import sys
import traceback

PROTOCOL = sys.stdout
# Like a console script, which has no script folder on sys.path.
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


ENTRY_POINTS = {}


def entry_point(tool):
    """The callable behind a console script of this environment (what bin/TOOL runs)."""
    if tool not in ENTRY_POINTS:
        from importlib.metadata import entry_points

        found = [ep for ep in entry_points(group="console_scripts") if ep.name == tool]
        if not found:
            raise SystemExit("error: %s is not a console script of this Python environment" % tool)
        ENTRY_POINTS[tool] = found[0].load()
    return ENTRY_POINTS[tool]


def release_databases():
    """Closes what a Kallithea command left open: its session and its engine's pooled connections."""
    meta = sys.modules.get("kallithea.model.meta")
    if meta is None:
        return
    meta.Session.remove()
    bind = getattr(meta.Base.metadata, "bind", None)
    if bind is not None:
        bind.dispose()


# kallithea-cli is a click group whose subcommands live in one module each; the
# console script imports them all (Celery's command line alone takes 0.15 s). For
# these subcommands the helper imports only their module and runs the same group.
SUBCOMMAND_MODULES = {
    ("kallithea-cli", "db-create"): "kallithea.bin.kallithea_cli_db",
    ("kallithea-cli", "repo-scan"): "kallithea.bin.kallithea_cli_repo",
}


def group_for(tool, args):
    """The click group with just this subcommand's module imported, or None to use the whole console script."""
    module = SUBCOMMAND_MODULES.get((tool, args[0] if args else None))
    if module is None:
        return None
    import importlib

    try:
        importlib.import_module(module)
        from kallithea.bin.kallithea_cli_base import cli
    except ImportError:
        return None
    return cli if args[0] in cli.commands else None


def run(message):
    # Set first: some tools read sys.argv[0] when imported (kallithea-cli keeps its own path).
    sys.argv = [message["path"]] + list(message["args"])
    main = group_for(message["tool"], message["args"]) or entry_point(message["tool"])
    try:
        main()
    finally:
        release_databases()


def serve():
    # The helper lives for one devdb run: the cyclic collector only slows importing a
    # large project (it runs thousands of times while Kallithea's modules load).
    gc.disable()
    protocol_in = sys.stdin
    for raw in protocol_in:
        message = json.loads(raw)
        lines = Lines()
        # A real text stream with .buffer: some projects' imports (Mercurial's) write to sys.stdout.buffer.
        sys.stdout = sys.stderr = io.TextIOWrapper(io.BufferedWriter(lines), encoding="utf-8", errors="replace", line_buffering=True)
        # A tool that asks a question gets end of input, never the protocol.
        sys.stdin = open(os.devnull)
        code = 0
        try:
            run(message)
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
            if not isinstance(stop.code, int) and stop.code is not None:
                print(stop.code)
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            lines.close_line()
            sys.stdin.close()
            sys.stdout = sys.stderr = sys.__stderr__
        send({"exit": code})


if __name__ == "__main__":
    serve()
