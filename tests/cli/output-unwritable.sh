# an output that cannot be written is refused before anything runs: a missing directory, a
# directory given as the file, a directory the user may not write (run as nobody when the
# test runs as root, who may write anywhere): exit 2, the option, path and --help named, no
# request reaches the endpoint (a server that counts them) and no file is left behind; a
# write that fails at the end (-o /dev/full, or stdout on /dev/full) never exits 0
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
echo "--- the report cannot be written at the end"
for c in scan verify; do
	$LD $c --inventory "$inv" $([ $c = verify ] && echo --repo repo --tag v1) -o /dev/full 2>/dev/null
	echo "$c -o /dev/full: exit $?"
	$LD $c --inventory "$inv" $([ $c = verify ] && echo --repo repo --tag v1) --format sarif >/dev/full 2>/dev/null
	echo "$c >/dev/full: exit $?"
done
$LD merge report.json -o /dev/full 2>/dev/null; echo "merge -o /dev/full: exit $?"
$LD baseline create report.json -o /dev/full 2>/dev/null; echo "baseline create -o /dev/full: exit $?"
$LD package --repo repo --tag v1 --function orders-api -o /dev/full 2>/dev/null
echo "package -o /dev/full: exit $?"
$LD deps $aws -o /dev/full 2>/dev/null; echo "deps -o /dev/full (also incomplete): exit $?"
$LD snapshot $aws -o /dev/full 2>/dev/null; echo "snapshot -o /dev/full (also incomplete): exit $?"
$LD rules >/dev/full 2>/dev/null; echo "rules >/dev/full: exit $?"
# the counter counts: these two did reach it
[ "$(cat hits.log | wc -l)" -gt 0 ] && echo "requests made once collecting may start: some"
kill $server
exit 0
