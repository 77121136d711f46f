"""Python 3.10+/3.11 compatibility shim for Kallithea 0.7.0's 2021-era dependencies.

It lives only in devdb testbed virtualenvs: scripts/testbed.mjs copies it
into each testbed venv's site-packages together with devdb_testbed_shim.pth,
so every interpreter started from that venv loads it at start-up (about 4 ms).
It only adds names that the running Python no longer has. docs/testbed.md
says why each alias is here.
"""

import base64
import collections
import collections.abc
import inspect

# Python 3.10 removed the ABC aliases from `collections` (deprecated since 3.3).
# Still used by webhelpers2 2.0 (html/tags.py: collections.Sequence, reached by
# h.select()) and by bleach 3.1.x's vendored html5lib (`from collections import
# Mapping`, imported by kallithea.lib.markup_renderer). Upstream Kallithea later
# did the same: collections.Sequence = collections.abc.Sequence.
for _name in collections.abc.__all__:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
del _name

# Python 3.9 removed base64.encodestring/decodestring; TurboGears2 2.4.3's
# signed cookies (tg.request_local) still call them.
if not hasattr(base64, 'encodestring'):
    base64.encodestring = base64.encodebytes
    base64.decodestring = base64.decodebytes

# Python 3.11 removed inspect.getargspec; TurboGears2 2.4.3's tg.caching
# (_make_dict_from_args) still calls it.
if not hasattr(inspect, 'getargspec'):
    inspect.ArgSpec = collections.namedtuple('ArgSpec', 'args varargs keywords defaults')

    def _getargspec(func):
        spec = inspect.getfullargspec(func)
        if spec.kwonlyargs or spec.annotations:
            raise ValueError('Function has keyword-only parameters or annotations,'
                             ' use inspect.signature() API which can support them')
        return inspect.ArgSpec(spec.args, spec.varargs, spec.varkw, spec.defaults)

    _getargspec.__name__ = 'getargspec'
    inspect.getargspec = _getargspec
