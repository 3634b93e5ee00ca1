# bad option values are usage errors (exit 2) before any work is done
inv="$FIXTURES/inventory/cli-basic.json"
$LD scan --inventory "$inv" --fail-on critical 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --format xml 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --runtime-horizon -5 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --runtime-horizon 3d 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --region us-east-1 2>&1; echo "exit $?"
$LD scan --inventory "$inv" --all-urls 2>&1; echo "exit $?"
$LD scan --inventory 2>&1; echo "exit $?"
$LD scan --inventory "$inv" stray 2>&1; echo "exit $?"
$LD snapshot --region us-east-1 2>&1; echo "exit $?"
LAMBDRIFT_NOW=2026-02-30 $LD scan --inventory "$inv" 2>&1; echo "exit $?"
# the values of issue 11: refused before any call, naming the command, writing nothing
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret
e="--endpoint-url http://127.0.0.1:1 --region us-east-1"
for v in 0 65 x; do $LD scan $e --parallel $v 2>&1; echo "exit $?"; done
$LD scan $e --rate control=0 2>&1; echo "exit $?"
$LD scan $e --rate bogus=3 --format json 2>&1; echo "exit $?"
$LD deps $e --parallel 0 2>&1; echo "exit $?"
$LD snapshot $e --parallel 0 -o s.json 2>&1; echo "exit $?"
$LD scan $e --max-package-bytes abc 2>&1; echo "exit $?"
$LD scan $e --max-package-bytes 100 2>&1; echo "exit $?"
$LD scan --inventory "$inv" -o . 2>&1; echo "exit $?"
$LD scan --inventory "$inv" -o missing/r.txt 2>&1; echo "exit $?"
# found by cli/usage-sweep: a rate so slow the run never ended (exit 124 here), URLs curl
# refuses only when sending (exit 3, an incomplete run, for a typo), a value given twice
# (the last one won: --fail-on none made a failing scan pass)
timeout 20 $LD scan $e --rate control=1e-300 2>&1; echo "exit $?"
$LD scan $e --rate logs=0.09 2>&1; echo "exit $?"
for u in 'http://[::1' 'http://127.0.0.1:65536' 'http://user:pw@127.0.0.1' 'http://h?x'; do
	$LD scan --region us-east-1 --endpoint-url "$u" 2>&1; echo "exit $?"
done
$LD scan --inventory "$inv" --fail-on error --fail-on none 2>&1; echo "exit $?"
$LD verify --tag v1 --tag v2 2>&1; echo "exit $?"
# also found by it: --osv given nothing to read checked every dependency against nothing and
# called it clean; an --accounts list with an empty item; --shards without an index
# (saying how to give one); an attestation key that did not name --key
mkdir emptydir
: >empty.json
printf '{"id": "GHSA-cut", "affected": [' >cut.json
for p in emptydir empty.json cut.json /dev/null; do
	$LD deps $e --osv "$p" 2>&1; echo "exit $?"
done
$LD scan $e --osv . 2>&1; echo "exit $?"
for a in 123456789012, ,123456789012 '123456789012,,123456789013'; do
	$LD scan $e --accounts "$a" --role-name Audit 2>&1; echo "exit $?"
done
$LD scan $e --accounts 123456789012 --role-name Audit --shards 3 2>&1; echo "exit $?"
JOB_COMPLETION_INDEX=3 $LD snapshot $e --accounts 123456789012 --role-name Audit --shards 3 \
	-o s.json 2>&1; echo "exit $?"
$LD attestation verify cut.json --key empty.json 2>&1; echo "exit $?"
rm -r emptydir empty.json cut.json
ls
$LD 2>/dev/null
