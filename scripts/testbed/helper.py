"""Small helpers that scripts/testbed.mjs runs with a testbed venv's python.

  python helper.py scripts DEPS_SITE_PACKAGES DEPS_BIN VENV_BIN
      Write, into VENV_BIN, the console scripts of every distribution in the
      shared deps environment (alembic, hg, pip, gearbox, celery, ...), bound
      to this interpreter, the way pip would have written them had it
      installed those distributions into this venv.

  python helper.py info
      Print, as JSON, the versions that testbed.json records and where
      `kallithea` is imported from.
"""

import json
import os
import sys


def _shebang(executable):
    # Same rule as pip/distlib: a plain #! line unless the path has spaces or
    # is too long for the kernel, then the /bin/sh trampoline.
    if ' ' not in executable and len(executable) <= 127:
        return '#!%s\n' % executable
    return "#!/bin/sh\n'''exec' \"%s\" \"$0\" \"$@\"\n' '''\n" % executable


_ENTRY_POINT_TEMPLATE = '''# -*- coding: utf-8 -*-
import re
import sys
from %(module)s import %(import_name)s
if __name__ == '__main__':
    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])
    sys.exit(%(func)s())
'''


def _strip_shebang(text):
    lines = text.splitlines(True)
    if lines and lines[0].startswith('#!/bin/sh') and len(lines) > 2 and lines[1].startswith("'''exec'"):
        return ''.join(lines[3:])
    if lines and lines[0].startswith('#!'):
        return ''.join(lines[1:])
    return text


def _write(path, text):
    tmp = path + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        f.write(text)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


def scripts(deps_site, deps_bin, venv_bin):
    import importlib.metadata as md

    shebang = _shebang(sys.executable)
    written = []
    for dist in md.distributions(path=[deps_site]):
        for ep in dist.entry_points:
            if ep.group != 'console_scripts':
                continue
            module, _, attr = ep.value.partition(':')
            attr = attr.split('[')[0].strip()
            module = module.strip()
            import_name = attr.split('.')[0]
            _write(os.path.join(venv_bin, ep.name), shebang + _ENTRY_POINT_TEMPLATE % {
                'module': module, 'import_name': import_name, 'func': attr})
            written.append(ep.name)
        # Plain scripts (setup.py scripts=..., e.g. mercurial's `hg`): copy
        # them from the deps bin with this interpreter's #! line.
        for f in dist.files or ():
            parts = f.parts
            if len(parts) >= 2 and parts[-2] == 'bin' and '..' in parts:
                src = os.path.join(deps_bin, parts[-1])
                name = parts[-1]
                if name in written or not os.path.isfile(src):
                    continue
                with open(src, encoding='utf-8', errors='surrogateescape') as fh:
                    head = fh.read(2)
                    if head != '#!':
                        continue
                    fh.seek(0)
                    body = fh.read()
                first = body.split('\n', 1)[0]
                if 'python' not in first and not first.startswith('#!/bin/sh'):
                    continue
                _write(os.path.join(venv_bin, name), shebang + _strip_shebang(body))
                written.append(name)
    print(json.dumps(sorted(written)))


def info():
    import platform

    import alembic
    import kallithea
    import mercurial.util
    import sqlalchemy

    print(json.dumps({
        'kallithea': kallithea.__version__,
        'kallitheaFile': os.path.realpath(kallithea.__file__),
        'alembic': alembic.__version__,
        'sqlalchemy': sqlalchemy.__version__,
        'mercurial': mercurial.util.version().decode(),
        'python': platform.python_version(),
        'executable': sys.executable,
    }))


if __name__ == '__main__':
    cmd = sys.argv[1] if len(sys.argv) > 1 else ''
    if cmd == 'scripts' and len(sys.argv) == 5:
        scripts(*sys.argv[2:])
    elif cmd == 'info' and len(sys.argv) == 2:
        info()
    else:
        sys.exit(__doc__)
