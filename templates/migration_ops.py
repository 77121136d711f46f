"""Read Alembic migration scripts without running them and print what they do.

    python migration_ops.py SCRIPT [SCRIPT ...]

Parses each file with `ast` (nothing is imported, so neither the project nor
Alembic needs to be installed) and prints one JSON object per script, a line
each: the revision, its down_revision, and for upgrade() and downgrade() the
`op.*` and `batch_op.*` calls they make, each with its line, table, column and
the literal keyword arguments devdb's lint reads. A script that does not parse gives "syntaxError"
and null functions. Stdlib only; runs on Python 2.7 and 3.6+.
"""
import ast
import json
import sys

# Alembic's positional parameters of each operation called on `op`.
SIGNATURES = {
    "add_column": ["table_name", "column"],
    "drop_column": ["table_name", "column_name"],
    "alter_column": ["table_name", "column_name"],
    "create_table": ["table_name"],
    "drop_table": ["table_name"],
    "rename_table": ["old_table_name", "new_table_name"],
    "create_index": ["index_name", "table_name", "columns"],
    "drop_index": ["index_name", "table_name"],
    "create_unique_constraint": ["constraint_name", "table_name", "columns"],
    "create_primary_key": ["constraint_name", "table_name", "columns"],
    "create_check_constraint": ["constraint_name", "table_name", "condition"],
    "create_foreign_key": ["constraint_name", "source_table", "referent_table", "local_cols", "remote_cols"],
    "drop_constraint": ["constraint_name", "table_name"],
    "batch_alter_table": ["table_name"],
}
# On `batch_op` these come from the enclosing batch_alter_table, so the call omits them.
BATCH_IMPLIED = ("table_name", "source_table")
# Methods of `op` that build or fetch things rather than change the schema.
HELPERS = ("f", "get_bind", "get_context", "inline_literal", "implementation_for", "register_operation", "invoke")
COLUMN_ARGS = ("nullable", "server_default", "default", "primary_key")
OP_ARGS = (
    "nullable", "server_default", "type_", "existing_type", "existing_nullable",
    "existing_server_default", "new_column_name", "unique", "schema",
)
try:
    TOO_DEEP = RecursionError
except NameError:  # Python 2 raises RuntimeError
    TOO_DEEP = RuntimeError
# What ast.literal_eval raises for an expression that is not a literal.
NOT_LITERAL = (ValueError, TypeError, SyntaxError, TOO_DEEP)
# Python 2 spells text unicode and big integers long.
STRINGS = tuple({str, type(u"")})
SCALARS = STRINGS + (bool, int, float, type(None), type(2 ** 64))
# Nodes only Python 3 has: with each, nothing in a Python 2 tree matches.
WITH = tuple(getattr(ast, name) for name in ("With", "AsyncWith") if hasattr(ast, name))
STARRED = getattr(ast, "Starred", ())
ASSIGN = tuple(getattr(ast, name) for name in ("Assign", "AnnAssign") if hasattr(ast, name))


def literal(node):
    """(True, value) when the node is a literal JSON can hold, else (False, None)."""
    try:
        value = ast.literal_eval(node)
    except NOT_LITERAL:
        return False, None
    if isinstance(value, tuple):
        value = list(value)
    if isinstance(value, SCALARS) or (isinstance(value, list) and all(isinstance(v, SCALARS) for v in value)):
        return True, value
    return False, None


def is_dotted(node):
    """A plain dotted name such as sa.types.String, which render() shortens to its last part."""
    return isinstance(node, ast.Name) or (isinstance(node, ast.Attribute) and is_dotted(node.value))


def render(node):
    """Source-like text of an expression with module prefixes dropped: sa.String(length=50) -> String(length=50)."""
    if isinstance(node, ast.Call):
        parts = [render(a) for a in node.args]
        parts += [("**" if k.arg is None else k.arg + "=") + render(k.value) for k in node.keywords]
        return "%s(%s)" % (render(node.func), ", ".join(parts))
    if isinstance(node, ast.Attribute):
        return node.attr if is_dotted(node) else render(node.value) + "." + node.attr
    if isinstance(node, ast.Name):
        return node.id
    ok, value = literal(node)
    return repr(value) if ok else "..."


def unwrap_f(node):
    """The argument of op.f('name') or batch_op.f('name'), which only marks a name as final."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "f" and len(node.args) == 1:
        return node.args[0]
    return node


def value(node):
    """A keyword argument for JSON: its literal value, else its rendered source ("text('0')")."""
    ok, result = literal(unwrap_f(node))
    return result if ok else render(node)


def text(node):
    """The string a node spells literally, else None."""
    if node is None:
        return None
    ok, result = literal(unwrap_f(node))
    return result if ok and isinstance(result, STRINGS) else None


def column(node):
    """The name and the keywords devdb reads of sa.Column('c', sa.String(50), nullable=False, ...)."""
    if not isinstance(node, ast.Call):
        return None, {}
    positional = list(node.args)
    name = text(positional[0]) if positional else None
    if name is not None:
        positional.pop(0)
    args = {"type_": render(positional[0])} if positional else {}
    for keyword in node.keywords:
        if keyword.arg == "name":
            name = text(keyword.value)
        elif keyword.arg == "type_":
            args["type_"] = render(keyword.value)
        elif keyword.arg in COLUMN_ARGS:
            args[keyword.arg] = value(keyword.value)
    return name, args


class Operations(object):
    """Collects the operations of one function, following `with op.batch_alter_table(...) as batch_op:` blocks."""

    def __init__(self, receivers):
        self.receivers = receivers
        self.found = []

    def walk(self, node, batches):
        if isinstance(node, WITH):
            inner = dict(batches)
            # Python 2's With is one item: it has context_expr and optional_vars itself.
            for item in getattr(node, "items", [node]):
                self.walk(item.context_expr, batches)
                op = self.operation(item.context_expr, batches)
                if op and op["name"] == "batch_alter_table" and isinstance(item.optional_vars, ast.Name):
                    inner[item.optional_vars.id] = op["table"]
            for statement in node.body:
                self.walk(statement, inner)
            return
        op = self.operation(node, batches)
        if op:
            self.found.append(op)
        for child in ast.iter_child_nodes(node):
            self.walk(child, batches)

    def operation(self, node, batches):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name)):
            return None
        receiver, name = node.func.value.id, node.func.attr
        batch = receiver in batches
        if not (batch or receiver in self.receivers) or name in HELPERS:
            return None
        signature = SIGNATURES.get(name, [])
        positional = [p for p in signature if not (batch and p in BATCH_IMPLIED)]
        bound = dict(zip(positional, [a for a in node.args if not isinstance(a, STARRED)]))
        bound.update((k.arg, k.value) for k in node.keywords if k.arg in signature)
        table = batches[receiver] if batch else text(bound.get("table_name") or bound.get("source_table"))
        args = {}
        column_name = text(bound.get("column_name"))
        if "column" in bound:
            column_name, args = column(bound["column"])
        for keyword in node.keywords:
            if keyword.arg in OP_ARGS:
                args[keyword.arg] = value(keyword.value)
        for key in ("index_name", "constraint_name"):
            if key in bound:
                args["name"] = value(bound[key])
        return {"name": name, "line": node.lineno, "batch": batch, "table": table, "column": column_name, "args": args}


def is_constant(node):
    """A literal, `...` included, which does nothing as a statement."""
    try:
        ast.literal_eval(node)
        return True
    except NOT_LITERAL:
        return type(node).__name__ == "Ellipsis"  # `...` before Python 3.8


def is_empty(function):
    """Only pass, a docstring or `...`: what autogenerate writes when it finds nothing to do."""
    return all(isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and is_constant(s.value)) for s in function.body)


def read(tree):
    """The revisions and the upgrade() and downgrade() of a parsed script."""
    receivers = {"op"}
    result = {"revision": None, "down_revision": None, "down_revision_line": None}
    functions = {"upgrade": None, "downgrade": None}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "alembic":
            receivers.update(alias.asname or alias.name for alias in node.names if alias.name == "op")
        elif isinstance(node, ASSIGN):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value is not None:
                    ok, found = literal(node.value)
                    result[target.id] = found if ok else None
                    if target.id == "down_revision":
                        result["down_revision_line"] = node.lineno
        elif isinstance(node, ast.FunctionDef) and node.name in functions:
            operations = Operations(receivers)
            for statement in node.body:
                operations.walk(statement, {})
            functions[node.name] = {"line": node.lineno, "empty": is_empty(node), "ops": operations.found}
    result["functions"] = functions
    result["syntaxError"] = None
    return result


def main(path):
    """Prints what the script at `path` does, or where it does not parse."""
    with open(path, "rb") as source:
        code = source.read()
    try:
        tree = ast.parse(code, path)
    except SyntaxError as error:
        broken = {"line": error.lineno or 1, "message": error.msg}
    except (ValueError, TypeError) as error:  # null bytes, before Python 3.12 made that a SyntaxError (TypeError on Python 2)
        broken = {"line": 1, "message": str(error)}
    else:
        print(json.dumps(read(tree)))
        return
    print(json.dumps({"revision": None, "down_revision": None, "down_revision_line": None, "functions": None, "syntaxError": broken}))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: migration_ops.py SCRIPT [SCRIPT ...]")
    for each in sys.argv[1:]:
        main(each)
