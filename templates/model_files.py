"""Which files of an Alembic project define its models.

    python model_files.py INI ROOT OUT

Runs env.py offline (it connects to no database) to get its target_metadata, then
writes to OUT, as JSON, the project's files (under ROOT, outside the
Python environment and the migration scripts) that define it: the modules holding
the MetaData, a Table of it or a class mapped to one, the packages those modules
are in, and every project module they import, followed import by import. devdb
watches these in `devdb check` and hashes them into the reset cache's key.
"""
import ast
import json
import os
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

from create_from_models import target_metadatas


def inside(folder, file):
    return os.path.commonpath([folder, file]) == folder


def project_modules(root, excluded):
    """Imported modules whose file is in the project: name -> real path."""
    found = {}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if not file or not file.endswith(".py"):
            continue
        file = os.path.realpath(file)
        if inside(root, file) and not any(inside(folder, file) for folder in excluded):
            found[name] = file
    return found


def defines_models(name, module, metadatas, tables):
    for value in list(vars(module).values()):
        if any(value is m for m in metadatas) or (id(value) in tables):
            return True
        if isinstance(value, type) and value.__module__ == name and id(getattr(value, "__table__", None)) in tables:
            return True
    return False


def imported_names(name, file):
    """Modules a module's source imports, as absolute names (each `from X import y` gives X and X.y)."""
    package = name if file.endswith("__init__.py") else name.rpartition(".")[0]
    with open(file, "rb") as source:
        tree = ast.parse(source.read(), file)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            stem = ".".join(p for p in [base if node.level else "", node.module or ""] if p)
            yield stem
            for alias in node.names:
                yield "%s.%s" % (stem, alias.name) if stem else alias.name


def main(ini, root, out):
    config = Config(ini)
    metadatas = target_metadatas(config, offline=True)
    tables = {id(t) for m in metadatas for t in m.tables.values()}
    root = os.path.realpath(root)
    scripts = os.path.realpath(ScriptDirectory.from_config(config).dir)
    modules = project_modules(root, [os.path.realpath(sys.prefix), scripts])
    chosen = {n for n in modules if defines_models(n, sys.modules[n], metadatas, tables)}
    queue = list(chosen)
    while queue:
        name = queue.pop()
        parents = [name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)]
        for other in list(imported_names(name, modules[name])) + parents:
            if other in modules and other not in chosen:
                chosen.add(other)
                queue.append(other)
    files = sorted(os.path.relpath(modules[n], root).replace(os.sep, "/") for n in chosen)
    env = os.path.relpath(os.path.join(scripts, "env.py"), root).replace(os.sep, "/")
    with open(out, "w") as result:
        json.dump({"models": files, "env": env}, result)


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit("usage: model_files.py INI ROOT OUT")
    main(*sys.argv[1:])
