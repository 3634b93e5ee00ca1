# --output to something that is not a regular file (a FIFO here; /dev/null alike) is
# written directly: renaming a temp file over it would replace the device with a file
mkfifo pipe
cat pipe >got.json &
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --format json -o pipe --format sarif -o r.sarif
echo "exit $?"
wait
[ -p pipe ] && echo "pipe is still a FIFO"
grep -c '"fingerprint"' got.json
ls
