# scan --help: usage, options with defaults, exit codes, environment, examples;
# `lambdrift help scan` prints the same
$LD scan --help >a.txt || exit 1
$LD help scan >b.txt || exit 1
cmp a.txt b.txt || exit 1
cat a.txt
