"""Apply a project's own fixture rows to a database before devdb proves a migration.

    DEVDB_SEED_URL=URL python project_seed.py --sql FILE
    DEVDB_SEED_URL=URL python project_seed.py --python pkg.module:function

--sql runs the statements of FILE, one by one; --python imports the module (from the
project root) and calls the function with a SQLAlchemy connection. Either runs in one
transaction, committed only when all of it succeeds. The URL comes from the
environment, so a password in it never shows in a process list. Exit codes: 3 the
function cannot be found or imported, 4 the rows could not go in.
"""
import importlib
import os
import sqlite3
import sys

import sqlalchemy


def statements(text):
    """The complete statements of an SQL script, split where SQLite's tokenizer says one ends."""
    done, current = [], ""
    for piece in text.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \t\r\n;"):
                done.append(current.strip())
            current = ""
    if current.strip(" \t\r\n;"):
        done.append(current.strip(" \t\r\n;"))
    return done


def seeder(spec):
    module_name, _, name = spec.partition(":")
    sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as error:
        sys.stderr.write("error: cannot import %s: %s\n" % (module_name, error))
        sys.exit(3)
    function = getattr(module, name, None)
    if not callable(function):
        sys.stderr.write("error: %s has no function %s\n" % (module_name, name))
        sys.exit(3)
    return function


def main(kind, value):
    engine = sqlalchemy.create_engine(os.environ["DEVDB_SEED_URL"])
    run = seeder(value) if kind == "--python" else None
    sql = None
    if run is None:
        with open(value, "rb") as handle:
            sql = statements(handle.read().decode("utf-8"))
    try:
        with engine.begin() as connection:
            if run is not None:
                run(connection)
            else:
                execute = getattr(connection, "exec_driver_sql", None) or connection.execute
                for statement in sql:
                    execute(statement)
    except Exception as error:
        sys.stderr.write("error: %s\n" % str(error).splitlines()[0])
        sys.exit(4)
    finally:
        engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("--sql", "--python"):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
