"""Loaded by the moto_server process the local runner starts (PYTHONPATH points here).

moto's EventBridge builds a fresh jsonpath parser (a yacc table, ~30 ms of CPU) for each of
eight paths of every event it delivers to a target: ~250 ms per PutEvents with one matching
rule, which caps the local workflow at a few orders per second. Parsed jsonpath expressions
are immutable, so memoizing the parse function changes nothing but the speed.

More changes of the same kind: the host-to-service lookup that moto repeats for every
request (a directory listing and hundreds of regular expressions, under a lock every request
waits on) and its camelCase-to-snake_case conversion of every parameter name are memoized, and
werkzeug's one log line per request is not written (the runner keeps
moto's output only to show its tail when moto fails).

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
    import threading

    import jsonpath_ng.ext as _jsonpath_ext

    _uncached_parse = _jsonpath_ext.parse
    _parsed = {}
    _parse_lock = threading.Lock()

    def _parse(path):
        # One parse per path even when many requests ask at once (an lru_cache lets each of them miss).
        try:
            return _parsed[path]
        except KeyError:
            with _parse_lock:
                if path not in _parsed:
                    _parsed[path] = _uncached_parse(path)
                return _parsed[path]

    _jsonpath_ext.parse = _parse
except Exception:  # moto without EventBridge support, or another jsonpath library: nothing to speed up
    pass

try:
    import functools

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication as _Dispatcher

    _uncached_backend_for_host = _Dispatcher.get_backend_for_host

    @functools.lru_cache(maxsize=1024)
    def _backend_for_host(dispatcher, host):
        return _uncached_backend_for_host(dispatcher, host)

    _Dispatcher.get_backend_for_host = lambda self, host: _backend_for_host(self, host)
except Exception:  # another moto layout: nothing to speed up
    pass

try:
    import functools
    import sys

    import moto.core.utils as _moto_utils

    # A pure string function moto calls for every parameter of every request.
    _uncached_camel = _moto_utils.camelcase_to_underscores
    _camel = functools.lru_cache(maxsize=4096)(_uncached_camel)
    for _module in [m for name, m in sys.modules.items() if name.startswith("moto")]:
        if getattr(_module, "camelcase_to_underscores", None) is _uncached_camel:
            _module.camelcase_to_underscores = _camel
except Exception:  # another moto layout: nothing to speed up
    pass

try:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
except Exception:
    pass
