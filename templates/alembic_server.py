"""Run a project's Python tools in one long-lived process, for devdb.

    python alembic_server.py [MODULE ...]

Runs on Python 2.7 and 3.6+. The protocol with devdb is private: requests come
on fd 0 and replies go to fd 3, and both are moved at start to descriptors no
child inherits. fd 0 then reads /dev/null, and fd 1 and fd 2 are one pipe that
devdb reads as the tools' output, so whatever prints -- Python code, C code, a
subprocess or os.system and their children -- is captured (and redacted by
devdb), never taken for a protocol message.

The first reply is {"hello": {"python": "3.11.7"}}; the MODULEs are imported
next, before the first request is read, and with MODULEs the alembic console
script is looked up whenever no request is waiting. Each request is one JSON
line:

    {"tool": "alembic", "path": "/venv/bin/alembic", "args": ["-c", "temp.ini", "upgrade", "head"], "end": "NONCE"}

and is run as the tool's console-script entry point in-process, as its script
would (sys.argv is [path, *args]). When it returns, NONCE and a newline are
written to the output pipe (everything before is that command's output) and
{"exit": code} is the reply. The project's imports (Kallithea's take about
half a second) happen once instead of once per command; each command still
reads its INI afresh.
"""
from __future__ import print_function

import atexit
import fcntl
import gc
import json
import os
import platform
import select
import sys
import traceback

PY2 = sys.version_info[0] == 2
TEXT = type(u"")
# Like a console script, which has no script folder on sys.path.
if sys.path and sys.path[0].endswith("templates"):
    del sys.path[0]


def private(fd):
    """A copy of `fd`, above the standard ones, that no child process inherits."""
    copy = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    fcntl.fcntl(copy, fcntl.F_SETFD, fcntl.fcntl(copy, fcntl.F_GETFD) | fcntl.FD_CLOEXEC)
    return copy


def take_protocol():
    """Moves the protocol off fds 0 and 3; fd 0 becomes /dev/null and fd 2 the output pipe of fd 1."""
    requests, replies = private(0), private(3)
    os.close(3)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(1, 2)
    return os.fdopen(requests, "rb"), replies


# The pseudo-tool that runs one of devdb's own scripts (templates/*.py) as __main__,
# so reading the revisions costs no Python start and no second import of Alembic.
PYTHON_FILE = "devdb:python-file"


def write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


ENTRY_POINTS = {}


def console_scripts(tool):
    """The entry points named `tool` in the console_scripts group of this environment."""
    try:
        from importlib.metadata import entry_points
    except ImportError:  # Python 2.7 and 3.6-3.7
        import pkg_resources

        return list(pkg_resources.iter_entry_points("console_scripts", tool))
    found = entry_points()
    if hasattr(found, "select"):
        return list(found.select(group="console_scripts", name=tool))
    return [ep for ep in found.get("console_scripts", []) if ep.name == tool]  # Python 3.8-3.9


def entry_point(tool):
    """The callable behind a console script of this environment (what bin/TOOL runs)."""
    if tool not in ENTRY_POINTS:
        found = console_scripts(tool)
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


def native(text):
    """sys.argv holds bytes on Python 2 and text on Python 3."""
    return text.encode("utf-8") if PY2 and isinstance(text, TEXT) else text


def run(message):
    # Set first: some tools read sys.argv[0] when imported (kallithea-cli keeps its own path).
    sys.argv = [native(a) for a in [message["path"]] + list(message["args"])]
    if message["tool"] == PYTHON_FILE:
        import runpy

        runpy.run_path(message["path"], run_name="__main__")
        return
    main = group_for(message["tool"], message["args"]) or alembic_main(message["tool"]) or entry_point(message["tool"])
    try:
        main()
    finally:
        release_databases()


ALEMBIC_COMMAND_LINES = {}


def alembic_main(tool):
    """Alembic's console script with its argument parser built once per helper, or None for another tool.

    alembic.config.main builds a CommandLine (an argparse parser of every command) per
    call, about 5 ms, which a walk of the history pays three times a revision. The
    parser keeps nothing between parses, and its program name comes from sys.argv[0]
    (the script's path) when it is built, so one is kept per path.
    """
    if tool != "alembic":
        return None
    main = entry_point(tool)
    module = sys.modules.get(getattr(main, "__module__", ""))
    if getattr(main, "__name__", "") != "main" or not hasattr(module, "CommandLine"):
        return None
    if sys.argv[0] not in ALEMBIC_COMMAND_LINES:
        ALEMBIC_COMMAND_LINES[sys.argv[0]] = module.CommandLine(prog=None)
    command_line = ALEMBIC_COMMAND_LINES[sys.argv[0]]
    return lambda: command_line.main(argv=sys.argv[1:])


def keep_compiled_sources():
    """Compiles each Python source once per helper, keyed by its path and its exact bytes.

    Alembic executes env.py and every revision script afresh for each command, and
    devdb runs Python with PYTHONDONTWRITEBYTECODE (no __pycache__ in the user's
    project), so each command compiled them all again. A source edited in between has
    other bytes, so it is compiled anew: the cache cannot serve stale code.
    """
    try:
        from importlib.machinery import SourceFileLoader
    except ImportError:  # Python 2.7
        return
    compile_source = SourceFileLoader.source_to_code
    compiled = {}

    def source_to_code(self, data, path, *args, **kwargs):
        key = (path, bytes(data), args, tuple(sorted(kwargs.items())))
        if key not in compiled:
            compiled[key] = compile_source(self, data, path, *args, **kwargs)
        return compiled[key]

    SourceFileLoader.source_to_code = source_to_code


def execute(message):
    """Runs one request; its exit code, as the tool's script would exit."""
    try:
        run(message)
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)
        return 1
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def flush_all(streams):
    for stream in streams:
        try:
            stream.flush()
        except Exception:  # a stream the tool closed or replaced with something odd
            pass


def warm(modules):
    """Imports what the first request will, while devdb itself is still starting; the request then finds them loaded."""
    for name in modules:
        try:
            __import__(name)
        except Exception:  # the request that needs it fails the same way, and says so
            pass


def run_while_idle(requests, tasks):
    """Runs `tasks` one by one while no request is waiting; a request that comes meanwhile waits for one task at most."""
    while tasks and not select.select([requests], [], [], 0)[0]:
        task = tasks.pop(0)
        try:
            task()
        except (Exception, SystemExit):  # the request that needs it fails the same way, and says so
            pass


def serve(modules):
    # The helper lives for one devdb run: the cyclic collector only slows importing a
    # large project (it runs thousands of times while Kallithea's modules load).
    gc.disable()
    keep_compiled_sources()
    requests, replies = take_protocol()
    out, err = sys.stdout, sys.stderr

    def send(message):
        write_all(replies, (json.dumps(message) + "\n").encode("utf-8"))

    send({"hello": {"python": platform.python_version()}})
    warm(modules)
    # A helper warmed for Alembic will run alembic: finding its console script imports
    # importlib.metadata (about 15 ms; pkg_resources on 2.7, more), done while devdb
    # works between requests instead of inside the first alembic command.
    later = [lambda: entry_point("alembic")] if modules else []
    while True:
        run_while_idle(requests, later)
        raw = requests.readline()
        if not raw:
            break
        message = json.loads(raw.decode("utf-8"))
        code = execute(message)
        flush_all((sys.stdout, sys.stderr, out, err))
        sys.stdout, sys.stderr = out, err
        write_all(1, (message["end"] + "\n").encode("utf-8"))
        send({"exit": code})
    # devdb waits for the helper to exit, and tearing down an interpreter that imported
    # a large project takes about 0.1 s (Kallithea) of freeing objects nobody reads: the
    # exit handlers (logging's flush among them) run, the teardown is skipped.
    atexit._run_exitfuncs()
    flush_all((sys.stdout, sys.stderr, out, err))
    os._exit(0)


if __name__ == "__main__":
    serve(sys.argv[1:])
