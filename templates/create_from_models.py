"""Build a database straight from an Alembic project's models.

    python create_from_models.py [--stamp] [--import MODULE]... INI

Runs the project's Alembic env.py the way `alembic` would (so whatever it does to
find its models and its database URL still applies), takes the `target_metadata`
it configures, and creates every table with `metadata.create_all()` in the
database the INI names. No migration runs. devdb uses the result as "the schema
the code wants" to compare migrated databases with. With --stamp it then runs
`alembic stamp head`: how projects whose migrations cannot build a database from
empty make one (devdb init --setup models). --import MODULE imports a module first,
for an env.py that imports the declarative base but not the modules that put the
tables on it (Kallithea's imports kallithea.model.meta, not kallithea.model.db).
"""
import importlib
import sys

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory


def target_metadatas(config, offline=False):
    """The env's target_metadata, as a list; offline, env.py runs without connecting to its database."""
    script = ScriptDirectory.from_config(config)
    captured = {}

    def capture(_revision, context):
        captured["metadata"] = context.opts.get("target_metadata")
        return []

    with EnvironmentContext(config, script, fn=capture, as_sql=offline):
        script.run_env()
    metadata = captured.get("metadata")
    if metadata is None:
        sys.exit("error: env.py configures no target_metadata; autogenerate needs it, and so does devdb")
    return list(metadata) if isinstance(metadata, (list, tuple)) else [metadata]


def main(ini, stamp, modules):
    for module in modules:
        importlib.import_module(module)
    config = Config(ini)
    metadatas = target_metadatas(config)
    from sqlalchemy import engine_from_config, pool

    url = config.get_main_option("sqlalchemy.url") or config.get_section_option("app:main", "sqlalchemy.url")
    engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    for each in metadatas:
        each.create_all(engine)
    engine.dispose()
    if stamp:
        command.stamp(config, "head")


if __name__ == "__main__":
    args = sys.argv[1:]
    stamp = args[:1] == ["--stamp"]
    if stamp:
        args = args[1:]
    modules = []
    while args[:1] == ["--import"] and len(args) > 1:
        modules.append(args[1])
        args = args[2:]
    if len(args) != 1:
        sys.exit("usage: create_from_models.py [--stamp] [--import MODULE]... INI")
    main(args[0], stamp, modules)
