#!/usr/bin/env python3
"""Issue 11's hostile inputs, made here at test time and fed to the CLI (hostile-inputs.sh
runs this in the case's scratch directory, on build/ and build-asan/).

Every file a user can hand lambdrift, in the shapes an attacker or an accident gives it:
snapshots (--inventory), specs (--spec), zips (--osv, and a build's artifact under
verify --allow-build), OSV records, baselines, runtime tables, release records and keys,
--accounts lists, JSON reports for merge and baseline create, and the AWS credentials and
config files. Each case must:
  - exit as decided for it: 2 (the input is refused) or 3 (incomplete); 1 only where the
    input's findings legitimately exist, and then every finding of the unmodified input
    must still be there (a hostile edit may add findings, never hide one);
  - name the file or the option on stderr (or in the report, for a build's artifact);
  - leave no sanitizer report ("runtime error:", "AddressSanitizer", "LeakSanitizer");
  - leave no output that says "complete": true unless it exited 0 or 1, and none at all
    after exit 2;
  - make no request: every endpoint is a listener that counts connections (credentials
    are dummies, so a request that slips through fails loudly), except the credential
    cases that do find keys, whose request fails there and must give exit 3.
Prints only what breaks (what the command said goes to stderr), then how many cases ran;
HOSTILE_TIMES=1 also prints each case's time on stderr. `hostile-inputs.py PART...` runs
only those parts (snapshots, specs, zips, ...).
"""
import copy
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

LD = os.environ["LD"]
FIX = os.environ["FIXTURES"]
INV = os.path.join(FIX, "inventory")
SANITIZER = ("runtime error:", "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer")
broken = []
count = 0


# ---------------------------------------------------------------- the listener

class Listener:
    """Counts the connections made to it and closes each unanswered."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.url = "http://127.0.0.1:%d" % self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            c.close()


listener = Listener()
BASE_ENV = dict(os.environ)
BASE_ENV.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-secret",
                 "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": listener.url,
                 "AWS_EC2_METADATA_DISABLED": "true"})


# ---------------------------------------------------------------- one case

def findings(path):
    """The (rule, function, qualifier) of a JSON report's findings, and whether complete."""
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    return ({(x["rule"], x["function"], x.get("qualifier")) for x in d["findings"]},
            d["run"]["complete"])


def case(name, args, ok=(2,), names=(), env=None, outputs=("out.json",), keep=None,
         calls=False, in_report=False):
    """Run lambdrift ARGS; record what breaks the rules above. `keep`: the findings that
    must survive an exit 1 (read from outputs[0]); `calls`: requests are expected."""
    global count
    count += 1
    for o in outputs:
        if os.path.lexists(o):
            os.remove(o)
    e = dict(BASE_ENV)
    for k, v in (env or {}).items():
        if v is None:
            e.pop(k, None)
        else:
            e[k] = v
    before = listener.connections
    t0 = time.monotonic()
    try:
        r = subprocess.run([LD] + args, env=e, capture_output=True, timeout=60,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        broken.append("%s: no answer within 60 s" % name)
        return
    if os.environ.get("HOSTILE_TIMES"):
        print("%.2f %s" % (time.monotonic() - t0, name), file=sys.stderr)
    err = r.stderr.decode("utf-8", "replace")
    out = r.stdout.decode("utf-8", "replace")
    first = err.strip().split("\n")[0][:200] if err.strip() else "(no message)"
    why = []
    if r.returncode not in ok:
        why.append("exit %d, expected %s" % (r.returncode, "/".join(map(str, ok))))
    if any(s in err for s in SANITIZER):
        why.append("a sanitizer report")
        first = next(l for l in err.split("\n") if any(s in l for s in SANITIZER))[:200]
    said = err + (out if in_report else "")
    for n in names:
        if n not in said:
            why.append("does not name %s" % n)
    if listener.connections != before and not calls:
        why.append("the endpoint was called")
    for o in outputs:
        if not os.path.exists(o) or os.path.isdir(o):
            continue
        if r.returncode == 2:
            why.append("exit 2 left %s" % o)
        text = open(o, "rb").read()
        if r.returncode not in (0, 1) and re.search(rb'"complete"\s*:\s*true', text):
            why.append("%s says complete after exit %d" % (o, r.returncode))
    if keep is not None and r.returncode in (0, 1) and os.path.exists(outputs[0]):
        try:
            got, _ = findings(outputs[0])
            lost = keep - got
            if lost:
                why.append("findings lost: %s" % ", ".join(sorted("%s %s" % f[:2] for f in lost)))
        except (ValueError, KeyError) as x:
            why.append("unreadable report: %s" % x)
    if why:  # stdout stays the same from run to run; what it said goes to stderr
        broken.append("%s: %s" % (name, "; ".join(why)))
        print("%s: %s" % (name, first), file=sys.stderr)


def write(path, data):
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def dump(path, obj):
    return write(path, json.dumps(obj, indent=1))


def deep(n, open_="[", close="]"):
    return open_ * n + close * n


# ---------------------------------------------------------------- JSON mutations

def nodes(x, p=()):
    """Every (path, value) of a JSON document, depth first."""
    yield p, x
    if isinstance(x, dict):
        for k, v in x.items():
            yield from nodes(v, p + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from nodes(v, p + (i,))


def wrong_type(v):
    """A value of another JSON type than v."""
    if isinstance(v, bool):
        return "true"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return 7
    if isinstance(v, list):
        return {}
    if isinstance(v, dict):
        return []
    return "x"


def replaced(doc, path, value):
    d = copy.deepcopy(doc)
    t = d
    for k in path[:-1]:
        t = t[k]
    if value is KeyError:
        del t[path[-1]]
    else:
        t[path[-1]] = value
    return d


def each_shape(doc, skip=()):
    """(label, path, value): every member given another type, once per path shape
    (functions[0] and functions[3] alike); and null and absent, each member whose value is
    an array or object, or is at the top (a leaf's null mostly means "not known", and
    the time goes to what hid findings: functions, aliases, weights, triggers, complete)."""
    seen = set()
    for p, v in nodes(doc):
        if not p or any(s in p for s in skip):
            continue
        shape = ".".join("N" if isinstance(k, int) else k for k in p)
        if shape in seen:
            continue
        seen.add(shape)
        yield shape + "=" + json.dumps(wrong_type(v)), p, wrong_type(v)
        # a map's entries (an alias's weights, a function's variables) may be left out
        if isinstance(p[-1], str) and v is not None and p[-2:-1] not in (
                ("weights",), ("Variables",)) and (len(p) == 1 or isinstance(v, (list, dict))):
            yield shape + "=null", p, None
            yield shape + " absent", p, KeyError


# ---------------------------------------------------------------- snapshots

def snapshots():
    basic = os.path.join(INV, "cli-basic.json")
    doc = json.load(open(basic))
    text = open(basic, "rb").read()
    scan = ["scan", "--format", "json", "-o", "out.json", "--inventory"]
    case("snapshot: baseline run", scan + [basic], ok=(1,))
    keep, _ = findings("out.json")
    bad = lambda name, path, **kw: case("snapshot " + name, scan + [path],
                                        names=["--inventory", path], **kw)

    os.mkdir("snapdir")
    bad("a directory", "snapdir")
    bad("empty", write("s-empty.json", ""))
    bad("not JSON", write("s-text.json", "schema: lambdrift/inventory/v1\n"))
    bad("an array", write("s-array.json", "[]"))
    for pct in (1, 10, 50, 90, 99):
        bad("cut at %d%%" % pct, write("s-cut%d.json" % pct, text[:len(text) * pct // 100]))
    bad("NUL first", write("s-nul0.json", b"\0" + text))
    bad("NUL in a string", write("s-nul1.json", text.replace(b'"billing"', b'"bil\0ing"', 1)))
    # what follows the first value is not read (as cJSON): the snapshot before it counts
    case("snapshot NUL after the document", scan + [write("s-nul2.json", text + b"\0")],
         ok=(1, 2), keep=keep)
    bad("10^6-deep array", write("s-deep.json", deep(1000000)))
    bad("10^6-deep member", write("s-deep2.json", text[:-2] + b',"x":' +
                                  deep(1000000, "{\"a\":", "}").encode()[:-1] + b"1}" + b"}\n"))
    bad("10^6-deep function", write("s-deep3.json", json.dumps(
        replaced(doc, ("functions", 0), "@")).replace('"@"', deep(1000000))))
    for label, path, value in (("api_calls.control=1e400", ("api_calls", "control"), "1e400"),
                               ("api_calls.control=2^64", ("api_calls", "control"), 2 ** 64),
                               ("api_calls.control=-1", ("api_calls", "control"), -1),
                               ("weights=1e400", ("functions", 3, "aliases", 0, "weights", "2"),
                                "1e400"),
                               ("weights=-0.5", ("functions", 3, "aliases", 0, "weights", "2"),
                                -0.5)):
        s = json.dumps(replaced(doc, path, "@@")).replace('"@@"', str(value))
        case("snapshot " + label, scan + [write("s-num.json", s)], ok=(1, 2, 3), keep=keep)
    # the first of two "complete" is the one read: false first is incomplete, and true
    # first must not hide a later false
    s = text.decode().replace('"complete": true,', '"complete": false, "complete": true,', 1)
    case("snapshot complete false, then true", scan + [write("s-dup1.json", s)], ok=(2, 3))
    s = text.decode().replace('"complete": true,', '"complete": true, "complete": false,', 1)
    bad("complete true, then false", write("s-dup2.json", s), ok=(2, 3))
    s = text.decode().replace('"functions": [', '"functions": [], "functions": [', 1)
    bad("functions [], then the functions", write("s-dup3.json", s), ok=(2, 3))
    absurd = replaced(doc, ("regions",), [])
    absurd = replaced(replaced(absurd, ("functions",), []), ("triggers",), [])
    bad("complete, no region, nothing", dump("s-nothing.json", absurd))
    case("snapshot complete with a problem", scan + [dump("s-problem.json", replaced(
        doc, ("problems",), ["region x: failed"]))], ok=(3,))
    big = replaced(doc, ("functions", 0, "versions", 0, "config", "Handler"), "@")
    with open("s-huge.json", "w") as f:
        a, b = json.dumps(big).split('"@"')
        f.write(a + '"' + "x" * (65 << 20) + '"' + b)
    bad("a 65 MiB function", "s-huge.json")
    os.remove("s-huge.json")
    for label, path, value in each_shape(doc, skip=("document", "config")):
        case("snapshot " + label, scan + [dump("s-type.json", replaced(doc, path, value))],
             ok=(1, 2, 3), keep=keep)
    v = ["verify", "--repo", "repo", "--tag", "v1", "-o", "out.json", "--format", "json",
         "--inventory"]
    for f in ("snapdir", "s-cut50.json", "s-deep.json", "s-nothing.json"):
        case("verify snapshot " + f, v + [f], names=["--inventory", f])


# ---------------------------------------------------------------- specs

SPEC = {"lambdrift": 1, "region": "us-east-1", "alias": "live",
        "functions": [{"name": "orders-api", "source": "services/orders",
                       "exclude": ["tests/**"], "lockfiles": ["services/orders/requirements.txt"],
                       "config": {"Runtime": "python3.12", "Handler": "app.handler",
                                  "Timeout": 15, "Environment": {"Variables": {
                                      "LOG_LEVEL": "info", "TOKEN": {"sha256": "0" * 64}}}}},
                      {"name": "ghost", "build": {"command": "true", "artifact": "a.zip"}}]}


def specs():
    verify = ["verify", "--repo", "repo", "--tag", "v1", "--inventory",
              os.path.join(INV, "cli-clean.json"), "-o", "out.json", "--format", "json",
              "--spec"]
    bad = lambda name, path: case("spec " + name, verify + [path], names=["--spec", path])
    case("spec: the valid one", verify + [dump("p-valid.json", SPEC)], ok=(3,))
    os.mkdir("specdir")
    bad("a directory", "specdir")
    bad("empty", write("p-empty.json", ""))
    text = json.dumps(SPEC)
    for cut in (1, len(text) // 2, len(text) - 1):
        bad("cut at byte %d" % cut, write("p-cut.json", text[:cut]))
    bad("trailing comma", write("p-comma.json", text[:-2] + ",]}"))
    bad("comments", write("p-comment.json", "// spec\n" + text))
    bad("NUL", write("p-nul.json", text.replace("orders-api", "orders\0api").encode()))
    bad("10^6-deep", write("p-deep.json", deep(1000000)))
    bad("over 1 MiB", write("p-huge.json", text[:-1] + ', "x": "' + "x" * (1 << 20) + '"}'))
    bad("no functions", dump("p-nofn.json", replaced(SPEC, ("functions",), [])))
    bad("version 2", dump("p-v2.json", replaced(SPEC, ("lambdrift",), 2)))
    for where in ((), ("functions", 0), ("functions", 0, "config")):
        bad("unknown key in %s" % (".".join(map(str, where)) or "the root"),
            dump("p-unknown.json", replaced(SPEC, where + ("Bogus",), 1)))
    bad("a key twice", write("p-dup.json", text.replace('"Timeout": 15', '"Timeout": 15, '
                                                        '"Timeout": 900')))
    bad("a function twice", dump("p-dupfn.json", replaced(SPEC, ("functions", 1, "name"),
                                                         "orders-api")))
    case("spec: source '' (the root)", verify + [dump("p-root.json", replaced(
        SPEC, ("functions", 0, "source"), ""))], ok=(3,))
    for label, value in (("absolute source", "/etc"), ("'..' source", "../outside"),
                         ("source with \\u0000", "a\0b")):
        bad(label, dump("p-src.json", replaced(SPEC, ("functions", 0, "source"), value)))
    bad("exclude '['", dump("p-glob.json", replaced(SPEC, ("functions", 0, "exclude"), ["["])))
    bad("artifact '../x.zip'", dump("p-art.json", replaced(SPEC, ("functions", 1, "build",
                                                                  "artifact"), "../x.zip")))
    bad("lockfile '/etc/passwd'", dump("p-lock.json", replaced(
        SPEC, ("functions", 0, "lockfiles"), ["/etc/passwd"])))
    for label, path, value in each_shape(SPEC):
        if label.endswith(" absent") and (label.split(" ")[0] in (
                "region", "alias", "functions.N.config", "functions.N.exclude",
                "functions.N.lockfiles") or label.startswith("functions.N.config.")):
            continue  # optional: leaving it out is a valid spec
        bad(label, dump("p-type.json", replaced(SPEC, path, value)))
    package = ["package", "--repo", "repo", "--tag", "v1", "--function", "orders-api",
               "-o", "out.zip", "--spec"]
    for f in ("specdir", "p-deep.json", "p-huge.json"):
        case("package spec " + f, package + [f], names=["--spec", f], outputs=("out.zip",))


# ---------------------------------------------------------------- zips

def zips():
    hostile = os.path.join(FIX, "zip", "hostile")
    names = sorted(f for f in os.listdir(hostile) if f.endswith(".zip"))
    scan = ["scan", "--region", "us-east-1", "--format", "json", "-o", "out.json", "--osv"]
    for z in names:
        case("osv zip " + z, scan + [os.path.join(hostile, z)], names=["--osv"])
    # a build's artifact: committed at the tag zips, named by a spec
    os.makedirs("repo/z", exist_ok=True)
    for z in names:
        shutil.copy(os.path.join(hostile, z), "repo/z/" + z)
    git = ["git", "-C", "repo"]
    subprocess.run(git + ["add", "z"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "hostile zips"], check=True)
    subprocess.run(git + ["tag", "zips"], check=True)
    for z in ("bomb-ratio.zip", "bomb-total.zip", "absolute.zip", "dotdot.zip",
              "truncated-cd.zip", "size-lie-long.zip", "count-huge.zip", "overlap.zip"):
        spec = {"lambdrift": 1, "region": "us-east-1", "alias": "live",
                "functions": [{"name": "orders-api", "build": {"command": "true",
                                                              "artifact": "z/" + z}}]}
        case("build artifact " + z,
             ["verify", "--repo", "repo", "--tag", "zips", "--allow-build",
              "--spec", dump("b-spec.json", spec), "--inventory",
              os.path.join(INV, "cli-clean.json")],
             ok=(3,), names=["z/" + z], in_report=True)


# ---------------------------------------------------------------- other files

def osv_records():
    # --timeout 1: an OSV record that is wrongly accepted ends at the listener quickly
    scan = ["scan", "--region", "us-east-1", "--timeout", "1", "--format", "json", "-o",
            "out.json", "--osv"]
    rec = json.load(open(os.path.join(FIX, "osv", "synthetic", "LDTEST-2024-0001.json")))
    for a in rec["affected"]:  # a GIT range is ignored whole, its events unread
        a["ranges"] = [r for r in a.get("ranges", []) if r["type"] != "GIT"]
    bad = lambda name, path: case("osv " + name, scan + [path], names=["--osv"])
    os.mkdir("osvdir")
    bad("an empty directory", "osvdir")
    bad("cut", write("osvdir/cut.json", json.dumps(rec)[:100]))
    os.remove("osvdir/cut.json")
    bad("10^6-deep", write("o-deep.json", deep(1000000)))
    bad("NUL", write("o-nul.json", json.dumps(rec).replace("ld-fixture", "ld\0fix").encode()))
    for label, path, value in each_shape(rec):
        # what matching reads; the rest (details, severity, database_specific, a GIT
        # range's repo) is shown or ignored, and OSV's members are mostly optional
        if label.endswith(" absent") or label.endswith("=null") or not re.match(
                r"(id|affected|affected\.N(\.package(\.(ecosystem|name))?|\.versions(\.N)?|"
                r"\.ranges(\.N(\.type|\.events(\.N(\.introduced|\.fixed|\.last_affected)?)?)?)?)?)=",
                label):
            continue
        case("osv " + label, scan + [dump("o-type.json", replaced(rec, path, value))],
             ok=(2,), names=["--osv"])


def baselines():
    basic = os.path.join(INV, "cli-basic.json")
    scan = ["scan", "--inventory", basic, "--format", "json", "-o", "out.json", "--baseline"]
    case("baseline: report", ["scan", "--inventory", basic, "--format", "json",
                              "-o", "report.json"], ok=(1,), outputs=())
    case("baseline: create", ["baseline", "create", "report.json", "-o", "base.json",
                              "--reason", "accepted"], ok=(0,), outputs=())
    base = json.load(open("base.json"))
    text = json.dumps(base)
    bad = lambda name, path: case("baseline " + name, scan + [path], names=["--baseline"])
    os.mkdir("basedir")
    bad("a directory", "basedir")
    bad("empty", write("bl-empty.json", ""))
    bad("cut", write("bl-cut.json", text[:len(text) // 2]))
    bad("10^6-deep", write("bl-deep.json", deep(1000000)))
    bad("NUL", write("bl-nul.json", text.replace("accepted", "acc\0pted").encode()))
    bad("a report", "report.json")
    for label, path, value in each_shape(base):
        # what matching and expiry read; the rest (created, source, an entry's function,
        # region, qualifier, message, accepted) only tells a reader where it came from
        if not re.match(r"(schema|entries(\.N(\.(fingerprint|rule|reason|expires))?)?)[= ]",
                        label) or label == "entries.N.expires absent":
            continue
        bad(label, dump("bl-type.json", replaced(base, path, value)))
    for label, value in (("expires 2026-02-30", "2026-02-30"), ("expires 99999-01-01",
                                                               "99999-01-01")):
        bad(label, dump("bl-exp.json", replaced(base, ("entries", 0, "expires"), value)))
    # reports that merge and baseline create must refuse
    report = json.load(open("report.json"))
    for label, path, value in (("cut", None, None), ("findings null", ("findings",), None),
                               ("complete 'yes'", ("run", "complete"), "yes"),
                               ("schema v9", ("schema",), "lambdrift/report/v9"),
                               ("summary.error -1", ("summary", "error"), -1)):
        if path is None:
            write("r-bad.json", json.dumps(report)[:500])
        else:
            dump("r-bad.json", replaced(report, path, value))
        case("merge report " + label, ["merge", "r-bad.json", "report.json", "-o",
                                       "out.json", "--format", "json"], names=["r-bad.json"])
        if label in ("complete 'yes'", "summary.error -1"):
            continue  # baseline create reads the schema and the findings only
        case("baseline create from report " + label,
             ["baseline", "create", "r-bad.json", "-o", "out.json", "--reason", "r"],
             names=["r-bad.json"])
    case("merge a 10^6-deep report", ["merge", write("r-deep.json", deep(1000000)),
                                      "-o", "out.json"], names=["r-deep.json"])


def runtime_tables():
    basic = os.path.join(INV, "cli-basic.json")
    scan = ["scan", "--inventory", basic, "--format", "json", "-o", "out.json",
            "--runtime-table"]
    head = "identifier\tos\tdeprecation_date\tblock_create_date\tblock_update_date\tsource\n"
    row = "python3.9\tAmazon Linux 2\t2025-12-15\t2026-06-01\t2026-07-01\tx\n"
    bad = lambda name, data: case("runtime table " + name, scan + [write("t.tsv", data)],
                                  names=["--runtime-table"])
    os.mkdir("tdir")
    case("runtime table a directory", scan + ["tdir"], names=["--runtime-table"])
    bad("empty", "")
    case("runtime table without its header line", scan + [write("t.tsv", row)], ok=(1,))
    bad("a date 2025-02-30", head + row.replace("2025-12-15", "2025-02-30"))
    bad("a date 99999-12-15", head + row.replace("2025-12-15", "99999-12-15"))
    bad("four columns", head + "python3.9\tx\t2025-12-15\t2026-06-01\n")
    bad("NUL", (head + row.replace("python3.9", "python\x003.9")).encode())
    bad("a 1 MiB line", head + "a" * (1 << 20) + row[9:])
    bad("the runtime twice", head + row + row)


def keys_and_records():
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", "ed.key"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", "ed.key", "-pubout", "-out", "ed.pub"],
                   check=True, capture_output=True)
    clean = os.path.join(INV, "cli-clean.json")
    case("record: made", ["verify", "--repo", "repo", "--tag", "v1", "--inventory", clean,
                          "--attest", "rec.json", "--signing-key", "ed.key"], ok=(1,),
         outputs=())
    rec = json.load(open("rec.json"))
    pem = open("ed.pub").read()
    for label, data in (("empty", ""), ("garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n"
                                                    "-----END PUBLIC KEY-----\n"),
                        ("cut", pem[:40]), ("NUL", pem.replace("-----", "\0----", 1)),
                        ("a private key", open("ed.key").read())):
        write("k.pem", data)
        case("key " + label, ["attestation", "verify", "rec.json", "--key", "k.pem"],
             names=["--key"], outputs=())
        if label == "a private key":
            continue  # the right kind of key for --signing-key
        case("signing key " + label, ["verify", "--repo", "repo", "--tag", "v1",
                                      "--inventory", clean, "--attest", "out.json",
                                      "--signing-key", "k.pem"],
             names=["--signing-key"])
    os.mkdir("keydir")
    case("key a directory", ["attestation", "verify", "rec.json", "--key", "keydir"],
         names=["--key"], outputs=())
    att = ["scan", "--inventory", clean, "--key", "ed.pub", "-o", "out.json",
           "--format", "json", "--attestation"]
    text = json.dumps(rec)
    for label, data in (("empty", ""), ("cut", text[:len(text) // 2]),
                        ("10^6-deep", deep(1000000)),
                        ("payload not base64", json.dumps(replaced(rec, ("payload",), "%%%"))),
                        ("payload not JSON", json.dumps(replaced(rec, ("payload",), "aGVsbG8="))),
                        ("no signatures", json.dumps(replaced(rec, ("signatures",), []))),
                        ("NUL", text.replace("payloadType", "payload\0Type").encode())):
        write("a.json", data)
        case("attestation verify " + label, ["attestation", "verify", "a.json", "--key",
                                             "ed.pub"], ok=(1, 2), names=["a.json"],
             outputs=())
        case("scan --attestation " + label, att + ["a.json"], names=["a.json"])
    for label, path, value in each_shape(rec):
        # DSSE's keyid is optional: the record still verifies without it
        case("scan --attestation " + label, att + [dump("a.json", replaced(rec, path, value))],
             names=[] if label == "signatures.N.keyid absent" else ["a.json"],
             ok=(0,) if label == "signatures.N.keyid absent" else (2,))


def accounts():
    scan = ["scan", "--role-name", "Audit", "--region", "us-east-1", "-o", "out.json",
            "--format", "json", "--accounts"]
    for label, data in (("empty", ""), ("a 13-digit id", "1234567890123\n"),
                        ("NUL", b"123456789012\0\n"), ("10^5 ids and a bad one",
                                                        "123456789012\n" * 100000 + "x\n"),
                        ("a 1 MiB line", "1" * (1 << 20) + "\n")):
        case("accounts " + label, scan + [write("acc.txt", data)], names=["--accounts"])
    os.mkdir("accdir")
    case("accounts a directory", scan + ["accdir"], names=["--accounts"])


# ---------------------------------------------------------------- credentials and config

def credentials():
    scan = ["scan", "--region", "us-east-1", "-o", "out.json", "--format", "json"]
    no_keys = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None}
    os.mkdir("credsdir")
    files = {
        "empty": "",
        "a directory": None,
        "NUL bytes": b"[default]\naws_access_key_id = AKID\0\naws_secret_access_key = s\0\n",
        "an unclosed section": "[default\naws_access_key_id = AKID\n",
        "a key without '='": "[default]\naws_access_key_id\n",
        "empty values": "[default]\naws_access_key_id =\naws_secret_access_key =\n",
        "only the key id": "[default]\naws_access_key_id = AKIDEXAMPLE\n",
        "a 1 MiB line": "[default]\naws_access_key_id = " + "A" * (1 << 20) + "\n",
        "10^5 sections": "".join("[p%d]\nx = y\n" % i for i in range(100000)),
        "a BOM and CRLF": "\ufeff[default]\r\nregion = us-east-1\r\n",
        "binary": bytes(range(256)) * 64,
    }
    for label, data in files.items():
        path = "credsdir" if data is None else write("creds.ini", data)
        case("credentials file " + label, scan, ok=(2, 3), names=[path], env=dict(
            no_keys, AWS_SHARED_CREDENTIALS_FILE=path, AWS_CONFIG_FILE="/nonexistent/config"))
        case("config file " + label, scan, ok=(2, 3), names=[path], env=dict(
            no_keys, AWS_CONFIG_FILE=path, AWS_SHARED_CREDENTIALS_FILE="/nonexistent/creds"))
    configs = {
        "a source_profile loop": "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                 "source_profile = b\n[profile b]\nrole_arn = "
                                 "arn:aws:iam::123456789012:role/r\nsource_profile = a\n",
        "itself as source_profile": "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                    "source_profile = a\n",
        "a missing source_profile": "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                                    "source_profile = nowhere\n",
        "role_arn alone": "[profile a]\nrole_arn = not-an-arn\n",
        "credential_process that fails": "[profile a]\ncredential_process = false\n",
        "credential_process not found": "[profile a]\ncredential_process = /nonexistent/bin\n",
        "credential_process printing garbage": "[profile a]\ncredential_process = "
                                                "printf '{\"Version\": 1, \"AccessKeyId\": 7'\n",
        "credential_process version 2": "[profile a]\ncredential_process = printf "
                                        "'{\"Version\": 2, \"AccessKeyId\": \"A\", "
                                        "\"SecretAccessKey\": \"s\"}'\n",
        "credential_process printing 20 MB": "[profile a]\ncredential_process = "
                                             "head -c 20000000 /dev/zero\n",
    }
    for label, data in configs.items():
        case("profile " + label, scan, ok=(2, 3), names=["a"], env=dict(
            no_keys, AWS_PROFILE="a", AWS_CONFIG_FILE=write("config.ini", data),
            AWS_SHARED_CREDENTIALS_FILE="/nonexistent/creds"))
    case("AWS_PROFILE that does not exist", scan, ok=(2, 3), names=["nowhere"], env=dict(
        no_keys, AWS_PROFILE="nowhere", AWS_CONFIG_FILE=write("config.ini", "[default]\n"),
        AWS_SHARED_CREDENTIALS_FILE="/nonexistent/creds"))
    for label, token in (("a directory", "credsdir"), ("empty", write("tok", "")),
                         ("missing", "/nonexistent/token")):
        case("web identity token " + label, scan, ok=(2, 3), names=[token], env=dict(
            no_keys, AWS_WEB_IDENTITY_TOKEN_FILE=token,
            AWS_ROLE_ARN="arn:aws:iam::123456789012:role/ci",
            AWS_CONFIG_FILE="/nonexistent/config",
            AWS_SHARED_CREDENTIALS_FILE="/nonexistent/creds"))
    # keys found in a hostile-looking but valid file: the request is made and fails at the
    # listener; the run is incomplete, its report says so
    case("credentials found, endpoint dead", scan, ok=(3,), calls=True, env=dict(
        no_keys, AWS_SHARED_CREDENTIALS_FILE=write("creds.ini", "[default]\r\n"
                                                    "aws_access_key_id=AKID ; c\r\n"
                                                    "aws_secret_access_key = s\r\n"),
        AWS_CONFIG_FILE="/nonexistent/config"))


# ---------------------------------------------------------------- main

def main():
    subprocess.run(["sh", "-c", '. "$FIXTURES/../tests/cli/make-repo.inc" && make_repo repo'],
                   check=True, capture_output=True)
    only = sys.argv[1:]
    for part in (snapshots, specs, zips, osv_records, baselines, runtime_tables,
                 keys_and_records, accounts, credentials):
        if not only or part.__name__ in only:
            part()
    for line in broken:
        print(line[:400])
    print("cases: %d, broken: %d" % (count, len(broken)))


main()
