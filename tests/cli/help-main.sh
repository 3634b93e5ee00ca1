# lambdrift --help, and the same text from `lambdrift help`
$LD --help >a.txt || exit 1
$LD help >b.txt || exit 1
cmp a.txt b.txt || exit 1
cat a.txt
