# verify --help: usage, options with defaults, exit codes, environment, examples;
# `lambdrift help verify` prints the same
$LD verify --help >a.txt || exit 1
$LD help verify >b.txt || exit 1
cmp a.txt b.txt || exit 1
cat a.txt
