"""Print the revisions of an Alembic project as Alembic itself reads them, for devdb.

    python alembic_revisions.py INI

Loads the scripts through the INI with Alembic's ScriptDirectory (the same code
`alembic heads` runs, from the same folder), so a revision id is whatever string
the script assigns: `v3.2.0.a`, `0001`, a merge's tuple of parents. Prints one
JSON object: {"heads": [...], "revisions": [{"revision", "down_revisions", "path"}]},
or {"error": "...", "config": true|false} when Alembic cannot load the scripts
(config: the INI is wrong rather than a script). No database is opened.
"""
import json
import os
import sys


def parents(down_revision):
    """A script's down_revision as a list: none for the first, several for a merge."""
    if down_revision is None:
        return []
    if isinstance(down_revision, str):
        return [down_revision]
    return list(down_revision)


def main(ini):
    try:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(Config(ini))
        revisions = [
            {
                "revision": each.revision,
                "down_revisions": parents(each.down_revision),
                "path": os.path.abspath(each.path),
            }
            for each in script.walk_revisions()
        ]
        heads = list(script.get_heads())
    except Exception as error:  # Alembic's CommandError, a script's SyntaxError or ImportError: all one sentence for devdb
        from alembic.util import CommandError

        message = str(error).strip() or type(error).__name__
        # A CommandError is about the INI (no such folder, no script_location); anything else came from a script.
        print(json.dumps({"error": "%s: %s" % (type(error).__name__, message), "config": isinstance(error, CommandError)}))
        return
    print(json.dumps({"heads": heads, "revisions": revisions}))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: alembic_revisions.py INI")
    main(sys.argv[1])
