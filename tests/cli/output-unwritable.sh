# an output that cannot be written is refused before anything runs: a missing directory, a
# directory given as the file, a directory the user may not write (run as nobody when the
# test runs as root, who may write anywhere): exit 2, the option, path and --help named, no
# request reaches the endpoint (a server that counts them) and no file is left behind; a
# write that fails at the end (-o /dev/full, stdout on /dev/full, a file past ulimit -f) is
# exit 2 for every command and format, even of an incomplete run, and the message names
# the option, the path and the system's reason
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
cat >count.py <<'PY'
import http.server
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        with open("hits.log", "a") as f:
            f.write(self.command + " " + self.path + "\n")
        self.send_response(500)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_GET = do_POST = do_PUT = do_DELETE = answer
    def log_message(self, *args):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open("port.tmp", "w").write(str(s.server_address[1]))
__import__("os").rename("port.tmp", "port")
s.serve_forever()
PY
python3 count.py & server=$!
for i in $(seq 50); do [ -f port ] && break; sleep 0.1; done
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIEXAMPLEKEY
aws="--region us-east-1 --endpoint-url http://127.0.0.1:$(cat port) --timeout 2"
inv="$FIXTURES/inventory/cli-basic.json"
chmod 777 . # nobody writes ok.json here, and may not write locked/
mkdir -p dir locked && chmod 555 locked
as_user() {
	if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	else "$@"; fi
}
try() {
	for out in missing/r.out dir locked/r.out; do
		as_user $LD "$@" --format json -o ok.json --format json -o "$out" 2>&1 ||
			echo "  exit $?"
	done
}
for c in scan merge; do
	echo "--- $c"
	[ $c = scan ] && try scan $aws
	[ $c = merge ] && try merge "$inv"
done
for c in verify deps snapshot package; do
	echo "--- $c"
	for out in missing/r.out dir locked/r.out; do
		case $c in
		verify) as_user $LD verify --repo repo --tag v1 $aws -o "$out" 2>&1 ;;
		deps) as_user $LD deps $aws -o "$out" 2>&1 ;;
		snapshot) as_user $LD snapshot $aws -o "$out" 2>&1 ;;
		package) as_user $LD package --repo repo --tag v1 --function orders-api -o "$out" 2>&1 ;;
		esac
		echo "  exit $?"
	done
done
echo "--- verify --attest, baseline create"
as_user $LD verify --repo repo --tag v1 $aws --attest locked/r.att --signing-key k.pem 2>&1
echo "  exit $?"
$LD scan --inventory "$inv" --format json -o report.json
as_user $LD baseline create report.json -o locked/b.json 2>&1; echo "  exit $?"
echo "requests made: $(cat hits.log 2>/dev/null | wc -l)"
echo "left behind:" $(ls -A dir locked; [ -e missing ] && echo missing; [ -e ok.json ] && echo ok.json)
echo "--- the output cannot be written at the end: exit 2, naming the option, the path and why"
# 2 even when the run is incomplete as well (cli-incomplete.json; deps and snapshot here get
# 500s): 3 says the report is there to read, and it is not
# stderr without the 500s the server answers; tofull: stdout on /dev/full too
said() { sed "s|$FIXTURES|FIXTURES|" err | grep -v '^lambdrift: region us-east-1:'; }
full() { "$@" 2>err; set -- $?; said; return "$1"; }
tofull() { "$@" >/dev/full 2>err; set -- $?; said; return "$1"; }
for c in scan verify; do
	for f in text json sarif junit markdown github; do
		full $LD $c --inventory "$inv" $([ $c = verify ] && echo --repo repo --tag v1) \
			--format $f -o /dev/full
		echo "  $c --format $f -o /dev/full: exit $?"
	done
	tofull $LD $c --inventory "$inv" $([ $c = verify ] && echo --repo repo --tag v1) \
		--format sarif
	echo "  $c >/dev/full: exit $?"
	full $LD $c --inventory "$FIXTURES/inventory/cli-incomplete.json" \
		$([ $c = verify ] && echo --repo repo --tag v1) --format json -o /dev/full
	echo "  $c of an incomplete snapshot -o /dev/full: exit $?"
done
openssl genpkey -algorithm ed25519 -out ed.key 2>/dev/null
full $LD verify --repo repo --tag v1 --inventory "$inv" -o v.txt --attest /dev/full \
	--signing-key ed.key
echo "  verify --attest /dev/full: exit $?"
full $LD verify --repo repo --tag v1 --inventory "$FIXTURES/inventory/cli-incomplete.json" \
	-o v.txt --attest /dev/full --signing-key ed.key
echo "  verify of an incomplete snapshot --attest /dev/full: exit $?"
full $LD merge report.json -o /dev/full; echo "  merge -o /dev/full: exit $?"
full $LD baseline create report.json -o /dev/full; echo "  baseline create -o /dev/full: exit $?"
tofull $LD baseline create report.json; echo "  baseline create >/dev/full: exit $?"
full $LD package --repo repo --tag v1 --function orders-api -o /dev/full
echo "  package -o /dev/full: exit $?"
tofull $LD package --repo repo --tag v1 --function orders-api -o -
echo "  package -o - >/dev/full: exit $?"
for f in text json; do
	full $LD deps $aws --format $f -o /dev/full
	echo "  deps --format $f -o /dev/full (also incomplete): exit $?"
done
full $LD snapshot $aws -o /dev/full
echo "  snapshot -o /dev/full (also incomplete): exit $?"
tofull $LD snapshot $aws -o -
echo "  snapshot -o - >/dev/full (also incomplete): exit $?"
tofull $LD rules; echo "  rules >/dev/full: exit $?"
tofull $LD explain latest-drift; echo "  explain >/dev/full: exit $?"
tofull $LD scan --help; echo "  scan --help >/dev/full: exit $?"
echo "--- a file that outgrows what may be written (ulimit -f: EFBIG, as ENOSPC on a real disk)"
small() { sh -c 'trap "" XFSZ; ulimit -f 1; exec "$@"' sh "$@"; }
full small $LD scan --inventory "$inv" --format json -o big.json
echo "  scan -o big.json: exit $?"
full small $LD baseline create report.json -o big-baseline.json
echo "  baseline create -o big-baseline.json: exit $?"
echo "left behind:" $(ls -A | grep '^big')
# the counter counts: these two did reach it
[ "$(cat hits.log | wc -l)" -gt 0 ] && echo "requests made once collecting may start: some"
kill $server
exit 0
