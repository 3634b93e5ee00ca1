# a missing --inventory file is an input error: exit 2, no report on stdout
$LD scan --inventory does-not-exist.json 2>err.txt
rc=$?
sed "s|$PWD/||" err.txt
exit $rc
