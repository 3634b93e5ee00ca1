#!/bin/sh
# The generated man pages and completion (scripts/gen-docs.sh, made by the build): every page
# renders with groff and with man -l without a warning, and every option each command's
# --help lists (and every command of lambdrift --help) is in its man page, its bash
# completion and its zsh completion.
#   usage: tests/install/docs.sh BINARY DOCS_DIR   (ctest cli/docs)
set -u
bin=$1
docs=$2
fail=0
bad() { echo "$*"; fail=1; }
bash_c=$docs/bash-completion/lambdrift
zsh_c=$docs/zsh/_lambdrift
[ -s "$bash_c" ] && [ -s "$zsh_c" ] || { echo "no completion under $docs"; exit 1; }
bash -n "$bash_c" || bad "bash completion does not parse"
if command -v zsh >/dev/null; then zsh -n "$zsh_c" || bad "zsh completion does not parse"; fi

render() {
	w=$(groff -man -Tutf8 -ww -z "$1" 2>&1)
	[ -z "$w" ] || bad "$1: groff: $w"
	w=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null)
	[ -z "$w" ] || bad "$1: man: $w"
}
# text of a page as man shows it, hyphenation and justification off, so options stay whole
text() { MANWIDTH=200 man -l "$1" 2>/dev/null | col -b; }

commands=$("$bin" --help | awk '/^COMMANDS/ {on=1; next} on && /^$/ {exit} on {print $1}')
[ -n "$commands" ] || bad "no commands in lambdrift --help"
render "$docs/man1/lambdrift.1"
main=$(text "$docs/man1/lambdrift.1")
for c in $commands; do
	echo "$main" | grep -qE "^ *$c( |\$)" || bad "lambdrift.1 lacks the command $c"
	grep -q "$c" "$bash_c" || bad "bash completion lacks the command $c"
	case $c in help | version) continue ;; esac
	page=$docs/man1/lambdrift-$c.1
	[ -s "$page" ] || { bad "no man page for $c"; continue; }
	render "$page"
	ptext=$(text "$page")
	opts=$("$bin" "$c" --help | awk '/^OPTIONS/ {on=1; next} on && /^$/ {exit} on {print}' |
		grep -oE '^ {2,6}(-[a-z], )?--[a-z0-9-]+' | grep -oE -- '--[a-z0-9-]+')
	[ -n "$opts" ] || bad "$c --help lists no option"
	# the command's arm of the case: from "	c)" to the next command's
	block=$(awk -v c="$c" '/^\t[a-z]+\)$/ {on = ($1 == c ")")} on {print}' "$bash_c")
	zline=$(grep -E "^	$c\) _arguments" "$zsh_c")
	for o in $opts; do
		echo "$ptext" | grep -qE -- "(^ *|, )$o( |$)" || bad "lambdrift-$c.1 lacks $o"
		echo "$block" | grep -qE -- "(^|[ '|])$o([ '|)]|$)" || bad "bash completion of $c lacks $o"
		echo "$zline" | grep -qF -- "'*$o" || bad "zsh completion of $c lacks $o"
	done
done
[ "$fail" = 0 ] && echo "man pages and completion cover every option"
exit $fail
