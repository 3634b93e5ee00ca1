#!/usr/bin/env python3
"""A loopback reverse proxy in front of moto that behaves like Lambda's control plane at scale.

Usage: quota_proxy.py --upstream http://127.0.0.1:PORT [--port-file FILE] [--latency-ms 30]
           [--key AKID=ACCOUNT ...] [--rate control=15 --rate get_function=100 ...]
           [--burst-seconds 1] [--fault JSON ...] [--seed N]

What it adds to every request, in this order:
- latency: a fixed delay (default 30 ms) before the request is answered, for the network and
  the service's own time.
- quotas: a token bucket per account, region and quota class, as Lambda publishes them:
  GetFunction 100 req/s, GetPolicy 15 req/s, every other control-plane call 15 req/s (shared).
  The bucket holds rate x --burst-seconds tokens. A request finding it empty is answered the
  way Lambda answers: HTTP 429, x-amzn-ErrorType TooManyRequestsException, Retry-After (whole
  seconds until a token is back, at least 1) and the body
  {"Type":"User","message":"Rate exceeded","Reason":"CallerRateLimitExceeded"}.
  The account comes from the SigV4 credential's access key id through the --key mapping (a
  key not mapped is moto's default account, 123456789012, as moto itself decides); the region
  from the credential scope. Requests without a signature (code downloads) have no quota.
- faults, for tests (--fault or POST /_bench/faults): each fault is a JSON object
    {"kind": K, "rate": 0.2, "count": N, "match": "ListAliases", ...}
  applied to requests whose operation or quota class equals "match" (any, when absent), with
  probability "rate" (default 1; drawn from a generator seeded by --seed, so runs repeat) and
  at most "count" times (default unlimited). Kinds:
    throttle  429 TooManyRequestsException with Retry-After "retry_after" (default 1)
    status    HTTP "status" (default 503) with a Lambda ServiceException body
    reset     read the request, then close the connection with a TCP reset, answering nothing
    truncate  forward, then answer the first half of the body with a Content-Length to match
              (a complete HTTP message carrying truncated JSON)
    cut       forward, then send the headers with the full Content-Length and half the body,
              and close the connection
    slow      wait "delay" seconds (default 10) before forwarding
  throttle, status and reset act before the quota check (the request never reaches the
  service); truncate, cut and slow act on requests the quota admitted.

Accounts on moto: moto 5.2 decides a request's account in BaseResponse.get_current_account
(moto/core/responses.py): the MOTO_ACCOUNT_ID environment variable first (one account for the
whole server), then an "x-moto-account-id" request header, then the access key id: a key that
moto's IAM issued (CreateAccessKey, or STS AssumeRole, whose keys belong to the account in the
role ARN, so AssumeRole into arn:aws:iam::222222222222:role/x switches accounts), found by
moto.iam.models.get_account_id_from; any other key falls back to DEFAULT_ACCOUNT_ID
(123456789012, moto/core/models.py). There is no account embedded in the key id. The proxy
therefore maps access key ids to accounts itself (--key) and forwards each request with
x-moto-account-id set, so plain static keys select accounts; it also learns the keys that an
STS AssumeRole answer passing through it hands out (AccessKeyId -> the account of the
assumed-role ARN), so role-based multi-account runs are attributed to the right account too.
The header is not signed by the client and moto without --auth does not check signatures.

Control endpoints (loopback only, never forwarded):
  GET  /_bench/stats    counters as JSON: per "account/region" and class: requests (all
                        received), admitted, throttled (quota 429s), injected (per fault kind),
                        per operation; totals; in-flight peak
  GET  /_bench/trace    every request since the last reset, in the order answered, as JSON
                        [start s, end s, "account/region", class, operation, status]
                        (seconds since the reset): where a scan left a class idle
  POST /_bench/reset    zero the counters and the trace, refill every bucket
  POST /_bench/faults   replace the faults with the JSON list in the body ([] for none)
  POST /_bench/config   JSON {"latency_ms": .., "rates": {class: rate}, "burst_seconds": ..}
The server prints "port N" and writes --port-file once it accepts connections; it runs until
SIGTERM/SIGINT.
"""
import argparse
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import struct
import sys
import tempfile
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_RATES = {"control": 15.0, "get_function": 100.0, "get_policy": 15.0}
THROTTLE_BODY = json.dumps({"Type": "User", "message": "Rate exceeded",
                            "Reason": "CallerRateLimitExceeded"}).encode()
HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}
CREDENTIAL = re.compile(r"Credential=([^/\s,]+)/(\d{8})/([^/\s,]+)/([^/\s,]+)/aws4_request")
FAULT_KINDS = ("throttle", "status", "reset", "truncate", "cut", "slow")

# Lambda REST paths (lambda-2015-03-31.service-2.json) for the operations the bench counts.
ROUTES = [
    ("GET", re.compile(r"^/2015-03-31/functions/?$"), "ListFunctions"),
    ("GET", re.compile(r"^/2015-03-31/functions/[^/]+/aliases/?$"), "ListAliases"),
    ("GET", re.compile(r"^/2015-03-31/functions/[^/]+/versions/?$"), "ListVersionsByFunction"),
    ("GET", re.compile(r"^/2015-03-31/functions/[^/]+/policy/?$"), "GetPolicy"),
    ("GET", re.compile(r"^/2015-03-31/functions/[^/]+/configuration/?$"),
     "GetFunctionConfiguration"),
    ("GET", re.compile(r"^/2015-03-31/functions/[^/]+/?$"), "GetFunction"),
    ("GET", re.compile(r"^/2015-03-31/event-source-mappings/?$"), "ListEventSourceMappings"),
    ("GET", re.compile(r"^/2021-10-31/functions/[^/]+/urls/?$"), "ListFunctionUrlConfigs"),
    ("GET", re.compile(r"^/2018-10-31/layers/[^/]+/versions/\d+/?$"), "GetLayerVersion"),
    ("GET", re.compile(r"^/2020-04-22/code-signing-configs/?$"), "ListCodeSigningConfigs"),
    ("GET", re.compile(r"^/2020-04-22/code-signing-configs/[^/]+/functions/?$"),
     "ListFunctionsByCodeSigningConfig"),
]
CLASS_OF = {"GetFunction": "get_function", "GetPolicy": "get_policy"}


def classify(method, path, service):
    """(operation, quota class) of a request; class None means no Lambda quota applies."""
    if service != "lambda":
        return (service.upper() if service else "unsigned"), None
    for m, rx, op in ROUTES:
        if m == method and rx.match(path):
            return op, CLASS_OF.get(op, "control")
    return f"{method} {path.split('?')[0][:60]}", "control"


class Bucket:
    """Token bucket: `rate` tokens a second, at most `burst` held."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, max(1.0, burst)
        self.tokens, self.stamp = self.burst, time.monotonic()

    def take(self):
        """0 when a token was taken, else the seconds until one is back."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class State:
    """Configuration, buckets, faults and counters, shared by the handler threads."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.latency = args.latency_ms / 1000.0
        self.rates = dict(DEFAULT_RATES)
        for spec in args.rate or []:
            cls, _, value = spec.partition("=")
            self.rates[cls] = float(value)
        self.burst_seconds = args.burst_seconds
        self.keys = {}
        for spec in args.key or []:
            key, _, account = spec.partition("=")
            self.keys[key] = account
        self.rng = random.Random(args.seed)
        self.faults = [check_fault(json.loads(f)) for f in args.fault or []]
        self.reset()

    def reset(self):
        with self.lock:
            self.buckets = {}
            self.counters = {}
            self.inflight = 0
            self.inflight_peak = 0
            self.trace = []
            self.started = time.monotonic()
            for f in self.faults:
                f["done"] = 0

    def account_of(self, key):
        with self.lock:
            return self.keys.get(key, DEFAULT_ACCOUNT), key in self.keys

    def learn(self, key, account):
        with self.lock:
            self.keys.setdefault(key, account)

    def counter(self, where, cls):
        per = self.counters.setdefault(where, {})
        return per.setdefault(cls or "none", {"requests": 0, "admitted": 0, "throttled": 0,
                                               "injected": {}, "ops": {}})

    def count(self, where, cls, op, field=None, fault=None):
        with self.lock:
            c = self.counter(where, cls)
            if field == "requests":
                c["requests"] += 1
                c["ops"][op] = c["ops"].get(op, 0) + 1
            elif field:
                c[field] += 1
            if fault:
                c["injected"][fault] = c["injected"].get(fault, 0) + 1

    def admit(self, where, cls):
        """0 when the request may go, else seconds until the bucket has a token."""
        rate = self.rates.get(cls, 0.0)
        if not cls or rate <= 0:
            return 0.0
        with self.lock:
            bucket = self.buckets.get((where, cls))
            if bucket is None:
                bucket = self.buckets[(where, cls)] = Bucket(rate, rate * self.burst_seconds)
            return bucket.take()

    def pick_fault(self, op, cls, phase):
        """The first fault of this phase that fires for the request, or None."""
        with self.lock:
            for f in self.faults:
                early = f["kind"] in ("throttle", "status", "reset")
                if early != (phase == "early"):
                    continue
                if f.get("match") and f["match"] not in (op, cls):
                    continue
                if f.get("count") is not None and f["done"] >= f["count"]:
                    continue
                if self.rng.random() < f.get("rate", 1.0):
                    f["done"] += 1
                    return dict(f)
        return None

    def stats(self):
        with self.lock:
            out = {"accounts_regions": json.loads(json.dumps(self.counters)),
                   "inflight_peak": self.inflight_peak,
                   "seconds": round(time.monotonic() - self.started, 3),
                   "rates": self.rates, "latency_ms": self.latency * 1000,
                   "faults": [{k: v for k, v in f.items()} for f in self.faults]}
        totals = {}
        for per in out["accounts_regions"].values():
            for cls, c in per.items():
                t = totals.setdefault(cls, {"requests": 0, "admitted": 0, "throttled": 0,
                                            "injected": 0})
                t["requests"] += c["requests"]
                t["admitted"] += c["admitted"]
                t["throttled"] += c["throttled"]
                t["injected"] += sum(c["injected"].values())
        out["totals"] = totals
        return out


def check_fault(f):
    if not isinstance(f, dict) or f.get("kind") not in FAULT_KINDS:
        raise ValueError(f"a fault needs a kind among {', '.join(FAULT_KINDS)}: {f!r}")
    f = dict(f)
    f["done"] = 0
    return f


class Upstream:
    """One persistent connection to moto per handler thread."""

    def __init__(self, url):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.local = threading.local()

    def request(self, method, target, body, headers):
        for attempt in (1, 2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection(self.host, self.port,
                                                                    timeout=300)
            try:
                conn.request(method, target, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                return resp.status, resp.reason, resp.getheaders(), data
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "quota-proxy"
    sys_version = ""

    def log_message(self, *args):
        pass

    # -- plumbing ---------------------------------------------------------------------------
    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def reply(self, status, body, headers=(), ctype="application/json", length=None):
        self.status = status
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def reset_connection(self):
        """Close with RST (SO_LINGER 0), answering nothing."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    # -- control endpoints -------------------------------------------------------------------
    def control(self, method, path, body):
        st = self.server.state
        if method == "GET" and path == "/_bench/stats":
            return self.reply(200, json.dumps(st.stats()).encode())
        if method == "GET" and path == "/_bench/trace":
            with st.lock:
                trace = list(st.trace)
            return self.reply(200, json.dumps(trace).encode())
        if method == "POST" and path == "/_bench/reset":
            st.reset()
            return self.reply(200, b'{"ok":true}')
        if method == "POST" and path == "/_bench/faults":
            try:
                faults = [check_fault(f) for f in json.loads(body or b"[]")]
            except ValueError as e:
                return self.reply(400, json.dumps({"error": str(e)}).encode())
            with st.lock:
                st.faults = faults
            return self.reply(200, b'{"ok":true}')
        if method == "POST" and path == "/_bench/config":
            try:
                cfg = json.loads(body or b"{}")
            except ValueError as e:
                return self.reply(400, json.dumps({"error": str(e)}).encode())
            with st.lock:
                if "latency_ms" in cfg:
                    st.latency = float(cfg["latency_ms"]) / 1000.0
                st.rates.update({k: float(v) for k, v in cfg.get("rates", {}).items()})
                if "burst_seconds" in cfg:
                    st.burst_seconds = float(cfg["burst_seconds"])
                st.buckets = {}
            return self.reply(200, b'{"ok":true}')
        return self.reply(404, b'{"error":"unknown control endpoint"}')

    # -- the proxy ---------------------------------------------------------------------------
    def handle_any(self):
        method, target = self.command, self.path
        path = urllib.parse.urlsplit(target).path
        body = self.read_body()
        if path.startswith("/_bench/"):
            return self.control(method, path, body)
        st = self.server.state
        m = CREDENTIAL.search(self.headers.get("Authorization", ""))
        key, region, service = (m.group(1), m.group(3), m.group(4)) if m else ("", "-", "")
        account, mapped = st.account_of(key)
        where = f"{account}/{region}"
        op, cls = classify(method, path, service)
        st.count(where, cls, op, "requests")
        with st.lock:
            st.inflight += 1
            st.inflight_peak = max(st.inflight_peak, st.inflight)
            started = time.monotonic() - st.started
        self.status = None
        try:
            if st.latency > 0:
                time.sleep(st.latency)
            self.answer(st, method, target, body, where, op, cls, account if mapped else None,
                        service)
        finally:
            with st.lock:
                st.inflight -= 1
                st.trace.append([round(started, 4), round(time.monotonic() - st.started, 4),
                                 where, cls, op, self.status])

    def answer(self, st, method, target, body, where, op, cls, account, service):
        fault = st.pick_fault(op, cls, "early")
        if fault:
            st.count(where, cls, op, fault=fault["kind"])
            return self.inject_early(fault)
        wait = st.admit(where, cls)
        if wait > 0:
            st.count(where, cls, op, "throttled")
            return self.throttle(max(1, math.ceil(wait)))
        st.count(where, cls, op, "admitted")
        fault = st.pick_fault(op, cls, "late")
        if fault:
            st.count(where, cls, op, fault=fault["kind"])
            if fault["kind"] == "slow":
                time.sleep(float(fault.get("delay", 10)))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        if account:
            headers["x-moto-account-id"] = account
        try:
            status, reason, rheaders, data = self.server.upstream.request(
                method, target, body or None, headers)
        except (http.client.HTTPException, OSError) as e:
            msg = json.dumps({"Type": "Service", "message": f"proxy: upstream failed: {e}"})
            return self.reply(502, msg.encode(), [("x-amzn-ErrorType", "ServiceException")])
        if service == "sts" and status == 200:
            self.learn_assumed_role(data)
        out = [(k, v) for k, v in rheaders if k.lower() not in HOP_BY_HOP
               and k.lower() not in ("content-type", "server", "date")]
        ctype = dict((k.lower(), v) for k, v in rheaders).get("content-type")
        if fault and fault["kind"] == "truncate":
            return self.reply(status, data[:len(data) // 2], out, ctype)
        if fault and fault["kind"] == "cut":
            self.reply(status, data[:len(data) // 2], out, ctype, length=len(data))
            self.close_connection = True
            return None
        return self.reply(status, data, out, ctype)

    def inject_early(self, fault):
        kind = fault["kind"]
        if kind == "throttle":
            return self.throttle(int(fault.get("retry_after", 1)))
        if kind == "reset":
            return self.reset_connection()
        status = int(fault.get("status", 503))
        etype = "ServiceException" if status == 500 else "ServiceUnavailableException"
        body = json.dumps({"Type": "Service", "message": "injected fault"}).encode()
        return self.reply(status, body, [("x-amzn-ErrorType", etype)])

    def throttle(self, retry_after):
        return self.reply(429, THROTTLE_BODY, [("x-amzn-ErrorType", "TooManyRequestsException"),
                                               ("Retry-After", str(retry_after))])

    def learn_assumed_role(self, data):
        text = data.decode("utf-8", "replace")
        key = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
        arn = re.search(r"<Arn>arn:[^:]+:sts::(\d{12}):assumed-role/", text)
        if key and arn:
            self.server.state.learn(key.group(1), arn.group(1))

    def guarded(self):
        try:
            self.handle_any()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = guarded


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def write_port_file(path, port):
    fd, tmp = tempfile.mkstemp(prefix=".proxy-port.", dir=os.path.dirname(os.path.abspath(path)))
    with os.fdopen(fd, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(description="Lambda-like latency, quotas and faults before moto")
    p.add_argument("--upstream", required=True, help="moto's URL, e.g. http://127.0.0.1:5000")
    p.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    p.add_argument("--port-file", help="write the port here once listening")
    p.add_argument("--latency-ms", type=float, default=30.0, help="added per request (30)")
    p.add_argument("--rate", action="append", metavar="CLASS=N",
                   help="requests/s of a quota class: control (15), get_function (100), "
                        "get_policy (15); 0 turns a class's quota off")
    p.add_argument("--burst-seconds", type=float, default=1.0,
                   help="a bucket holds this many seconds of its rate (1)")
    p.add_argument("--key", action="append", metavar="AKID=ACCOUNT",
                   help="access key id -> account (unmapped keys: 123456789012)")
    p.add_argument("--fault", action="append", metavar="JSON", help="a fault (see above)")
    p.add_argument("--seed", type=int, default=1, help="seed of the fault generator (1)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    server = Server(("127.0.0.1", args.port), Handler)
    server.state = State(args)
    server.upstream = Upstream(args.upstream)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    port = server.server_address[1]
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f"port {port}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
