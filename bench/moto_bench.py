#!/usr/bin/env python3
"""moto for the scale bench: scripts/moto_server.py as it is, plus a cache under ListFunctions.

Usage: moto_bench.py [moto_server.py's options: --port-file FILE --quiet ...]

Why: moto 5.2 builds ListFunctions?FunctionVersion=ALL from scratch on every request
(a deepcopy of every function's $LATEST, then every version's configuration, then one JSON
document of all of them), and scripts/moto_server.py cuts Lambda's 50-entry page out of that
document. With thousands of versions in an account-region that is a fraction of a second of
moto's CPU for every 50 entries, so the emulator, not Lambda's 15 req/s quota, would bound a
scan of the bench estate. This launcher keeps the full, parsed listing per (account, region,
FunctionVersion) and cuts pages from it; any Lambda request that is not a GET (a create,
update, publish, alias or mapping change) invalidates every cached listing, and a listing
being built while a change lands is not kept. Pages, page sizes and markers are the same as
scripts/moto_server.py's (Lambda's: 50 entries, an opaque NextMarker to pass back as Marker).
Nothing else changes; scripts/moto_server.py is imported, never edited.
"""
import base64
import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
import moto_server  # noqa: E402

PAGE = 50
MARKER_PREFIX = "lambdrift-moto-offset"  # the same opaque marker as scripts/moto_server.py

_state = {"generation": 0, "cache": {}, "lock": threading.Lock(), "hits": 0, "builds": 0}


def encode(offset):
    return base64.b64encode(f"{MARKER_PREFIX}:{offset:06d}".encode()).decode()


def decode(marker):
    try:
        prefix, _, offset = base64.b64decode(marker, validate=True).decode().partition(":")
        return int(offset) if prefix == MARKER_PREFIX else None
    except ValueError:
        return None


def error(message):
    body = json.dumps({"Type": "User", "message": message})
    return 400, {"status": 400, "x-amzn-ErrorType": "InvalidParameterValueException"}, body


def cached_list_functions(raw):
    """A paged ListFunctions over a cached, parsed copy of moto's full listing."""

    def listing(self):
        version = self.querystring.get("FunctionVersion", [None])[0]
        key = (self.current_account, self.region, version)
        with _state["lock"]:
            generation = _state["generation"]
            hit = _state["cache"].get(key)
            if hit and hit[0] == generation:
                _state["hits"] += 1
                return 200, hit[1]
        result = raw(self)
        status = 200
        if isinstance(result, tuple):
            status, _, result = result
        if status != 200:
            return status, None
        items = json.loads(result).get("Functions", [])
        with _state["lock"]:
            _state["builds"] += 1
            if _state["generation"] == generation:
                _state["cache"][key] = (generation, items)
        return 200, items

    def list_functions(self):
        marker = self.querystring.get("Marker", [None])[0]
        max_items = self.querystring.get("MaxItems", [None])[0]
        start, size = 0, PAGE
        if marker:
            start = decode(marker)
            if start is None:
                return error("invalid Marker")
        if max_items is not None:
            if not max_items.isdigit() or not 1 <= int(max_items) <= 10000:
                return error("MaxItems must be between 1 and 10000")
            size = min(int(max_items), PAGE)
        status, items = listing(self)
        if status != 200:
            return raw(self)
        doc = {"Functions": items[start:start + size]}
        if start + size < len(items):
            doc["NextMarker"] = encode(start + size)
        return 200, {}, json.dumps(doc)

    return list_functions


def invalidate_on_change(call_action):
    def wrapper(self):
        try:
            return call_action(self)
        finally:
            if getattr(self, "method", "GET") != "GET":
                with _state["lock"]:
                    _state["generation"] += 1
                    _state["cache"].clear()
    return wrapper


def install(original_pagination_patch):
    """Apply moto_server's pagination, then put the cached ListFunctions over it."""
    from moto.awslambda.responses import LambdaResponse

    def patch():
        raw = LambdaResponse.list_functions
        original_pagination_patch()
        LambdaResponse.list_functions = cached_list_functions(raw)
        LambdaResponse.call_action = invalidate_on_change(LambdaResponse.call_action)
    return patch


def main(argv=None):
    original = getattr(moto_server, "patch_moto_lambda_pagination", None)
    if original is None:
        raise SystemExit("moto_bench.py: scripts/moto_server.py no longer has "
                         "patch_moto_lambda_pagination; update bench/moto_bench.py")
    moto_server.patch_moto_lambda_pagination = install(original)
    return moto_server.main(argv)


if __name__ == "__main__":
    sys.exit(main())
