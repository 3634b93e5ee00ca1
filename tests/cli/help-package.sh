# package --help: usage, options, exit codes, examples; `lambdrift help package` is the same
$LD package --help >a.txt || exit 1
$LD help package >b.txt || exit 1
cmp a.txt b.txt || exit 1
cat a.txt
