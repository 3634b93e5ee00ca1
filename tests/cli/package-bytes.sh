# package: the zip's bytes are pinned (same tree => same bytes on any machine, any run),
# whichever tag names the commit, written to a file or to stdout; the executable keeps 0755.
# A change of these sha256s is a change of the package format: every deployment made with
# an older lambdrift then needs a download to verify (code-repackaged), so say so in the
# release notes before updating this golden.
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
# it says what it wrote: path, size and the CodeSha256 Lambda will report (on stderr when
# the zip is on stdout)
$LD package --repo repo --tag v1 --function orders-api -o a.zip || exit 1
$LD package --repo repo --tag light --function orders-api -o - 2>&1 >b.zip || exit 1
cmp a.zip b.zip || exit 1
sha256sum <a.zip | cut -c1-64
echo "CodeSha256 $(openssl dgst -sha256 -binary <a.zip | base64) $(wc -c <a.zip) bytes"
$LD package --repo repo --tag v1 --function ghost -o g.zip || exit 1
sha256sum <g.zip | cut -c1-64
unzip -Z -l g.zip | sed -n 's/^\(-[-rwx]*\).* \([^ ]*\)$/\1 \2/p'
unzip -Z -l a.zip | sed -n 's/^\(-[-rwx]*\).* \([^ ]*\)$/\1 \2/p'
