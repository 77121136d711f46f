"""Build a database straight from an Alembic project's models.

    python create_from_models.py INI

Runs the project's Alembic env.py the way `alembic` would (so whatever it does to
find its models and its database URL still applies), takes the `target_metadata`
it configures, and creates every table with `metadata.create_all()` in the
database the INI names. No migration runs. devdb uses the result as "the schema
the code wants" to compare migrated databases with.
"""
import sys

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.script import ScriptDirectory


def main(ini):
    config = Config(ini)
    script = ScriptDirectory.from_config(config)
    captured = {}

    def capture(_revision, context):
        captured["metadata"] = context.opts.get("target_metadata")
        captured["connection"] = context.connection
        return []

    with EnvironmentContext(config, script, fn=capture):
        script.run_env()
    metadata = captured.get("metadata")
    if metadata is None:
        sys.exit("error: env.py configures no target_metadata; autogenerate needs it, and so does devdb")
    if isinstance(metadata, (list, tuple)):
        metadatas = metadata
    else:
        metadatas = [metadata]
    from sqlalchemy import engine_from_config, pool

    url = config.get_main_option("sqlalchemy.url") or config.get_section_option("app:main", "sqlalchemy.url")
    engine = engine_from_config({"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool)
    for each in metadatas:
        each.create_all(engine)
    engine.dispose()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: create_from_models.py INI")
    main(sys.argv[1])
