#!/usr/bin/env python3
"""The quota proxy's latency and quotas over moto's recorded answers, served from memory.

Usage: replay_proxy.py --upstream http://127.0.0.1:MOTO [--port-file FILE] [--latency-ms 30]
           [--key AKID=ACCOUNT ...] [--rate control=15 ...] [--burst-seconds 1]
           [--record FILE]
       replay_proxy.py --load http://127.0.0.1:PORT --requests FILE [--connections 8]
           [--seconds 3]

Why: on a small machine moto (one Python process) and quota_proxy.py (a thread per
connection) spend more CPU per request than a sharded scan leaves them, so a bench of many
account-regions behind Lambda's quotas measures the emulator. This server answers each
request it has seen before from memory, the bytes moto sent the first time, and forwards the
rest to moto, keeping the answer (a 5xx is passed on, never kept). A bench therefore runs a
tool once to record the estate, then measures runs that cost the server a dictionary look-up
and a write per request. Its own speed is measured with --load (below), and its CPU per
request during a run shows in /_bench/stats.

What it keeps from quota_proxy.py, unchanged and imported from it: the account of a request
(the SigV4 key id through --key and the AssumeRole answers it passes), the region and service
of the credential scope, the operation and quota class (classify), the token bucket per
account, region and class (State.admit: rate x --burst-seconds tokens) and Lambda's 429 answer,
the counters and the control endpoints /_bench/stats, /_bench/reset and /_bench/config. In
the same order as there: the request is counted, waits --latency-ms, then meets its bucket,
and only an admitted request is answered from the record or by moto. GET /_bench/trace: every
request since the reset, [start s, end s, "account/region", class, operation, status], in
the order answered. No faults (--fault):
the fault tests use quota_proxy.py.

A recorded answer is keyed by method, request target (path and query), body, account (when
mapped), region and service: everything moto's answer depends on for the read-only calls a
scan makes, and none of what changes per request (date, signature). So only read-only runs
should be replayed: a write through this server is forwarded, but its answer is kept too.
STS AssumeRole names its session after the clock, so each one misses and goes to moto; the
keys it hands out are learned as quota_proxy.py learns them.

--record FILE: start from the answers kept in FILE, when it exists, and write every kept
answer there on POST /_bench/save (or to {"path": FILE} in its body); so an estate seeded
once can be replayed by later invocations with moto left empty (it then answers only the
misses: STS, which needs no seeded state). The file is a pickle of this script's own making: load only files it wrote.

/_bench/stats adds "replay": hits, misses (forwarded), kept answers and their bytes, and
the server's CPU seconds (user+sys) since the last reset. POST /_bench/config also takes
{"replay": false} to forward everything (and keep nothing new), {"replay": true} to serve
from the record again.

--load: a load generator for this server's own speed. It sends the requests listed in FILE
(one JSON array per line: method, target, authorization header, body; as
GET /_bench/requests returns them) round-robin over --connections keep-alive connections,
each pipelining 16 requests at a time, for --seconds, and prints the answers a second and
the server's CPU per request (from /_bench/stats). Run it against a server whose quotas and
latency are off (POST /_bench/config), or it measures those.
"""
import argparse
import asyncio
import http.client
import json
import math
import os
import pickle
import re
import signal
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quota_proxy as qp  # noqa: E402

REASONS = {200: "OK", 201: "Created", 204: "No Content", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 409: "Conflict", 429: "Too Many Requests", 502: "Bad Gateway"}


def cpu_seconds():
    t = os.times()
    return t.user + t.system


def response_bytes(status, reason, headers, body, ctype):
    lines = [f"HTTP/1.1 {status} {reason or REASONS.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in headers]
    if ctype:
        lines.append(f"Content-Type: {ctype}")
    lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def json_response(status, obj, headers=()):
    return response_bytes(status, None, headers, json.dumps(obj).encode(), "application/json")


class Replay:
    """The record, the quota state (quota_proxy.State) and the upstream."""

    def __init__(self, args):
        args.fault, args.seed = [], 1
        self.state = qp.State(args)
        self.upstream = qp.Upstream(args.upstream)
        self.record = {}
        self.requests = {}  # the first request of each kept answer, for --load
        self.replaying = True
        self.path = args.record
        if self.path and os.path.exists(self.path):
            with open(self.path, "rb") as f:
                kept = pickle.load(f)
            self.record, self.requests = kept["record"], kept["requests"]
            # the keys the recorded AssumeRole answers hand out, before any request uses one
            for rkey, reply in self.record.items():
                if rkey[5] == "sts":
                    self.learn_assumed_role(reply)
        self.zero()

    def save(self, body):
        try:
            path = json.loads(body or b"{}").get("path") or self.path
        except (ValueError, AttributeError):
            return json_response(400, {"error": "a JSON object, optionally with a path"})
        if not path:
            return json_response(400, {"error": "no --record file to save to"})
        tmp = f"{path}.tmp.{os.getpid()}"
        with open(tmp, "wb") as f:
            pickle.dump({"record": self.record, "requests": self.requests}, f)
        os.replace(tmp, path)
        return json_response(200, {"ok": True, "kept": len(self.record)})

    def zero(self):
        self.hits = self.misses = 0
        self.trace = []
        self.started = time.monotonic()
        self.cpu0 = cpu_seconds()

    def stats(self):
        out = self.state.stats()
        out["replay"] = {"hits": self.hits, "misses": self.misses, "kept": len(self.record),
                         "kept_bytes": sum(len(v) for v in self.record.values()),
                         "replaying": self.replaying,
                         "cpu_seconds": round(cpu_seconds() - self.cpu0, 3)}
        return out

    def control(self, method, path, body):
        st = self.state
        if method == "GET" and path == "/_bench/stats":
            return json_response(200, self.stats())
        if method == "GET" and path == "/_bench/trace":
            return json_response(200, self.trace)
        if method == "GET" and path == "/_bench/requests":
            return json_response(200, list(self.requests.values()))
        if method == "POST" and path == "/_bench/reset":
            st.reset()
            self.zero()
            return json_response(200, {"ok": True})
        if method == "POST" and path == "/_bench/save":
            return self.save(body)
        if method == "POST" and path == "/_bench/config":
            try:
                cfg = json.loads(body or b"{}")
            except ValueError as e:
                return json_response(400, {"error": str(e)})
            with st.lock:
                if "latency_ms" in cfg:
                    st.latency = float(cfg["latency_ms"]) / 1000.0
                st.rates.update({k: float(v) for k, v in cfg.get("rates", {}).items()})
                if "burst_seconds" in cfg:
                    st.burst_seconds = float(cfg["burst_seconds"])
                st.buckets = {}
            if "replay" in cfg:
                self.replaying = bool(cfg["replay"])
            return json_response(200, {"ok": True})
        return json_response(404, {"error": "unknown control endpoint"})

    async def answer(self, method, target, headers, body):
        path = urllib.parse.urlsplit(target).path
        if path.startswith("/_bench/"):
            return self.control(method, path, body)
        begun = time.monotonic()
        st = self.state
        auth = headers.get("authorization", "")
        m = qp.CREDENTIAL.search(auth)
        key, region, service = (m.group(1), m.group(3), m.group(4)) if m else ("", "-", "")
        account, mapped = st.account_of(key)
        where = f"{account}/{region}"
        op, cls = qp.classify(method, path, service)
        st.count(where, cls, op, "requests")
        rkey = (method, target, body, account if mapped else None, region, service)
        reply = await self.quota_and_reply(st, rkey, headers, where, op, cls, account, mapped)
        self.trace.append([round(begun - self.started, 4),
                           round(time.monotonic() - self.started, 4), where, cls, op,
                           int(reply[9:12])])
        return reply

    async def quota_and_reply(self, st, rkey, headers, where, op, cls, account, mapped):
        if st.latency > 0:
            await asyncio.sleep(st.latency)
        wait = st.admit(where, cls)
        if wait > 0:
            st.count(where, cls, op, "throttled")
            return response_bytes(429, None, [("x-amzn-ErrorType", "TooManyRequestsException"),
                                              ("Retry-After", str(max(1, math.ceil(wait))))],
                                  qp.THROTTLE_BODY, "application/json")
        st.count(where, cls, op, "admitted")
        hit = self.record.get(rkey) if self.replaying else None
        if hit is not None:
            self.hits += 1
            if rkey[5] == "sts":
                self.learn_assumed_role(hit)
            return hit
        self.misses += 1
        return await self.forward(rkey, headers, account, mapped)

    async def forward(self, rkey, headers, account, mapped):
        method, target, body, _, _, service = rkey
        fwd = {k: v for k, v in headers.items() if k not in qp.HOP_BY_HOP}
        if mapped:
            fwd["x-moto-account-id"] = account
        try:
            status, reason, rheaders, data = await asyncio.get_running_loop().run_in_executor(
                None, self.upstream.request, method, target, body or None, fwd)
        except (http.client.HTTPException, OSError) as e:
            return json_response(502, {"Type": "Service", "message": f"replay: upstream: {e}"},
                                 [("x-amzn-ErrorType", "ServiceException")])
        if service == "sts" and status == 200:
            self.learn_assumed_role(data)
        out = [(k, v) for k, v in rheaders if k.lower() not in qp.HOP_BY_HOP
               and k.lower() not in ("content-type", "server", "date")]
        ctype = dict((k.lower(), v) for k, v in rheaders).get("content-type")
        reply = response_bytes(status, reason, out, data, ctype)
        if status < 500 and self.replaying:
            self.record[rkey] = reply
            self.requests.setdefault(rkey, [method, target, headers.get("authorization", ""),
                                            body.decode("latin-1")])
        return reply

    def learn_assumed_role(self, data):
        text = data.decode("utf-8", "replace")
        key = re.search(r"<AccessKeyId>([^<]+)</AccessKeyId>", text)
        arn = re.search(r"<Arn>arn:[^:]+:sts::(\d{12}):assumed-role/", text)
        if key and arn:
            self.state.learn(key.group(1), arn.group(1))

    async def connection(self, reader, writer):
        """One keep-alive connection: requests are answered in the order they came, so a
        client may pipeline them."""
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except asyncio.IncompleteReadError:
                    break
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = {}
                for line in lines[1:]:
                    k, sep, v = line.partition(":")
                    if sep:
                        headers[k.strip().lower()] = v.strip()
                n = int(headers.get("content-length") or 0)
                body = await reader.readexactly(n) if n > 0 else b""
                writer.write(await self.answer(method, target, headers, body))
                await writer.drain()
                if headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()


async def serve(args):
    replay = Replay(args)
    server = await asyncio.start_server(replay.connection, "127.0.0.1", args.port,
                                        backlog=256)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        qp.write_port_file(args.port_file, port)
    print(f"port {port}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    return 0


# --------------------------------------------------------------------------- --load

def raw_request(method, target, auth, body):
    b = body.encode("latin-1")
    head = f"{method} {target} HTTP/1.1\r\nHost: bench\r\n"
    if auth:
        head += f"Authorization: {auth}\r\n"
    return (head + f"Content-Length: {len(b)}\r\n\r\n").encode("latin-1") + b


async def load_connection(host, port, reqs, offset, until, depth, counts):
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while time.monotonic() < until:
            batch = [reqs[(i + k) % len(reqs)] for k in range(depth)]
            i += depth
            writer.write(b"".join(batch))
            await writer.drain()
            for _ in batch:
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                n = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        n = int(line[15:])
                await reader.readexactly(n)
                counts[status] = counts.get(status, 0) + 1
    finally:
        writer.close()


def load(args):
    """Answers a second of a server over the recorded requests, and its CPU per answer."""
    url = urllib.parse.urlsplit(args.load)
    reqs = [raw_request(*json.loads(line)) for line in Path(args.requests).read_text().splitlines()
            if line.strip()]

    def control(path, body=None):
        req = urllib.request.Request(f"{args.load}{path}", data=body,
                                     method="POST" if body is not None else "GET")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    control("/_bench/reset", b"")
    counts = {}

    async def run():
        until = time.monotonic() + args.seconds
        await asyncio.gather(*(load_connection(url.hostname, url.port, reqs,
                                               c * len(reqs) // args.connections, until, 16,
                                               counts)
                               for c in range(args.connections)))

    t0 = time.monotonic()
    client0 = cpu_seconds()
    asyncio.run(run())
    wall = time.monotonic() - t0
    client = cpu_seconds() - client0
    s = control("/_bench/stats")["replay"]
    done = sum(counts.values())
    result = {"answers": done, "wall": round(wall, 3), "per_second": round(done / wall),
              "statuses": {str(k): v for k, v in counts.items()}, "hits": s["hits"],
              "misses": s["misses"], "server_cpu": s["cpu_seconds"],
              "server_cpu_per_answer_us": round(1e6 * s["cpu_seconds"] / max(1, done), 1),
              "client_cpu": round(client, 3)}
    print(json.dumps(result))
    return 0


def parse_args(argv):
    p = argparse.ArgumentParser(description="quotas and latency over moto's recorded answers")
    p.add_argument("--upstream", help="moto's URL, e.g. http://127.0.0.1:5000")
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
    p.add_argument("--record", metavar="FILE",
                   help="kept answers: read at start when present, written on /_bench/save")
    p.add_argument("--load", metavar="URL", help="measure the server at URL instead")
    p.add_argument("--requests", help="--load: the requests, one JSON array a line")
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--seconds", type=float, default=3.0)
    a = p.parse_args(argv)
    if not a.load and not a.upstream:
        p.error("--upstream is needed (or --load)")
    if a.load and not a.requests:
        p.error("--load needs --requests")
    return a


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if args.load:
        return load(args)
    return asyncio.run(serve(args))


if __name__ == "__main__":
    sys.exit(main())
