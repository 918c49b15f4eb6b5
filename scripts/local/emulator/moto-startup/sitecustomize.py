"""Loaded by the moto_server process the local runner starts (PYTHONPATH points here).

moto's EventBridge builds a fresh jsonpath parser (a yacc table, ~30 ms of CPU) for each of
eight paths of every event it delivers to a target: ~250 ms per PutEvents with one matching
rule, which caps the local workflow at a few orders per second. Parsed jsonpath expressions
are immutable, so memoizing the parse function changes nothing but the speed.

Any sitecustomize module this one shadows is still run, first.
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
for _entry in sys.path:
    _candidate = os.path.join(_entry or os.getcwd(), "sitecustomize.py")
    if os.path.dirname(os.path.abspath(_candidate)) != _here and os.path.isfile(_candidate):
        with open(_candidate, encoding="utf-8") as _file:
            exec(compile(_file.read(), _candidate, "exec"), {"__name__": "sitecustomize", "__file__": _candidate})
        break

try:
    import functools

    import jsonpath_ng.ext as _jsonpath_ext

    _jsonpath_ext.parse = functools.lru_cache(maxsize=512)(_jsonpath_ext.parse)
except Exception:  # moto without EventBridge support, or another jsonpath library: nothing to speed up
    pass
