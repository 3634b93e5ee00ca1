#!/bin/sh
# Builds the zip-reader fixtures for tests/unit/test_zip.c in OUTDIR (a fresh temp dir):
# one deterministic tree, zipped by every tool the machine has (Info-ZIP zip in several
# modes, Python's zipfile, jar, 7-Zip), plus the expected manifest digests computed from the
# tree by an independent Python oracle. A tool that is missing is listed in OUTDIR/skipped
# instead of failing, so the test can say what it could not check.
set -eu
OUT=${1:?usage: make_zip_fixtures.sh OUTDIR}
cd "$OUT"
: > skipped

python3 - <<'PY'
import hashlib, os, random
rng = random.Random(20240601)
def w(path, data, mode=0o644):
    os.makedirs(os.path.dirname("tree/" + path) or "tree", exist_ok=True)
    with open("tree/" + path, "wb") as f:
        f.write(data)
    os.chmod("tree/" + path, mode)
w("a.txt", b"hello\n")
w("run.sh", b"#!/bin/sh\necho hi\n", 0o755)
w("bin/tool", bytes(rng.getrandbits(8) for _ in range(70000)), 0o755)
w("lib/empty", b"")
w("lib/data.bin", bytes(rng.getrandbits(8) for _ in range(50000)))
text = "".join("line %d: the quick brown fox %d\n" % (i, rng.randrange(1000)) for i in range(9000))
w("lib/big.txt", text.encode())                     # > 128 KiB: several inflate chunks
w("deep/x/y/z.js", b"module.exports = 42;\n" * 50)
w("with space.txt", b"spaces\n")
w("caf\u00e9.py", "print('caf\u00e9')\n".encode())
PY

# The oracle: walk the tree, one line per file, sorted bytewise, hashed.
python3 - <<'PY'
import hashlib, os
lines = {True: [], False: []}
for root, dirs, files in os.walk("tree"):
    for name in files:
        full = os.path.join(root, name)
        rel = os.path.relpath(full, "tree").encode()
        data = open(full, "rb").read()
        x = os.stat(full).st_mode & 0o100 != 0
        for keep in (True, False):
            lines[keep].append(rel + b"\t%d\t%d\t%s\n" % (int(x and keep), len(data),
                               hashlib.sha256(data).hexdigest().encode()))
for keep, name in ((True, "expected.digest"), (False, "expected-noexec.digest")):
    body = b"".join(sorted(lines[keep]))
    open(name, "w").write(hashlib.sha256(body).hexdigest() + "\n")
PY

have() { command -v "$1" >/dev/null 2>&1; }

if have zip; then
	(cd tree && zip -qrX ../zip-X.zip .)
	(cd tree && zip -qr ../zip-extra.zip .)
	(cd tree && zip -qr - . | cat > ../zip-stream.zip)          # data descriptors
	(cd tree && zip -qr -fz ../zip-fz.zip .)                     # forced zip64 extras
	cat tree/a.txt | zip -q zip-stdin.zip -                      # zip64 from a pipe
	cp -a tree tree2
	find tree2 -exec touch -h -d '2001-02-03 04:05:06' {} +
	(cd tree2 && zip -qr ../zip-older.zip .)
	rm -rf tree2
	mkdir -p links && printf 'target\n' > links/t.txt && ln -s t.txt links/l
	(cd links && zip -qry ../zip-symlink.zip .)
else
	echo "zip" >> skipped
fi

python3 - <<'PY'
import io, os, zipfile
def add_tree(zf, **kw):
    for root, dirs, files in sorted(os.walk("tree")):
        for name in sorted(files):
            full = os.path.join(root, name)
            zf.write(full, os.path.relpath(full, "tree"), **kw)
with zipfile.ZipFile("py-stored.zip", "w", zipfile.ZIP_STORED) as zf:
    add_tree(zf)
with zipfile.ZipFile("py-deflated.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
    add_tree(zf)
# force_zip64 puts zip64 extras (and 0xffffffff sizes) in the local headers.
with zipfile.ZipFile("py-zip64.zip", "w", zipfile.ZIP_DEFLATED) as zf:
    for root, dirs, files in sorted(os.walk("tree")):
        for name in sorted(files):
            full = os.path.join(root, name)
            zi = zipfile.ZipInfo.from_file(full, os.path.relpath(full, "tree"))
            zi.compress_type = zipfile.ZIP_DEFLATED
            with open(full, "rb") as src, zf.open(zi, "w", force_zip64=True) as dst:
                dst.write(src.read())
# A non-seekable output makes zipfile write data descriptors.
class Pipe(io.RawIOBase):
    def __init__(self): self.buf = bytearray()
    def writable(self): return True
    def write(self, b): self.buf += b; return len(b)
pipe = Pipe()
with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as zf:
    add_tree(zf)
open("py-descriptor.zip", "wb").write(bytes(pipe.buf))
PY

if have jar; then
	jar --create --no-manifest --file jar.zip -C tree .
else
	echo "jar" >> skipped
fi

if have 7z; then
	(cd tree && 7z a -tzip -mx=9 ../7z.zip . >/dev/null)
	(cd tree && 7z a -tzip -mm=Deflate64 ../7z-deflate64.zip . >/dev/null)
else
	echo "7z" >> skipped
fi
