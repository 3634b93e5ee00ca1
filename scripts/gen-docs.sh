#!/bin/sh
# Make the man pages and the bash and zsh completion of a built lambdrift from its own option
# tables (LAMBDRIFT_HELP_FORMAT=man|options, cmd/manpage.c), so they cannot drift from
# --help. usage: scripts/gen-docs.sh BINARY OUTDIR   (writes OUTDIR/man1/*.1, their
# installed form OUTDIR/man1-gz/*.1.gz, OUTDIR/bash-completion/lambdrift and
# OUTDIR/zsh/_lambdrift). Run by the build.
set -eu
bin=$1
out=$2
mkdir -p "$out/man1" "$out/bash-completion" "$out/zsh"
commands=$(LAMBDRIFT_HELP_FORMAT=options "$bin" --help)
LAMBDRIFT_HELP_FORMAT=man "$bin" --help >"$out/man1/lambdrift.1"
pages=
for c in $commands; do
	case $c in help | version) continue ;; esac
	LAMBDRIFT_HELP_FORMAT=man "$bin" "$c" --help >"$out/man1/lambdrift-$c.1"
	pages="$pages $c"
done
# installed compressed, as Debian policy (12.1) asks: gzip -9n, so no name or time stamp
# is stored and the same page gives the same bytes (lintian checks the .deb for both)
rm -rf "$out/man1-gz"
mkdir -p "$out/man1-gz"
for page in "$out"/man1/*.1; do
	gzip -9n -c "$page" >"$out/man1-gz/${page##*/}.gz"
done
tab=$(printf '\t')

# bash: the command word, then its options; a value from its choices, or a file name for
# FILE, PATH, DIR, KEY and the like; nothing guessed for other values
{
	echo "# bash completion for lambdrift, generated from its option tables by gen-docs.sh"
	echo "_lambdrift() {"
	echo '	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]}'
	echo '	if [ "$COMP_CWORD" -eq 1 ]; then'
	echo "		COMPREPLY=(\$(compgen -W '$(echo $commands)' -- \"\$cur\")); return"
	echo '	fi'
	echo '	case $cmd in'
	for c in $pages; do
		names=
		echo "	$c)"
		echo '		case $prev in'
		LAMBDRIFT_HELP_FORMAT=options "$bin" "$c" --help | while IFS="$tab" read -r opt meta choices; do
			[ -n "$meta" ] || continue
			pat=$(echo "$opt" | tr ' ' '|')
			if [ -n "$choices" ]; then
				echo "		$pat) COMPREPLY=(\$(compgen -W '$choices' -- \"\$cur\")); return ;;"
			else
				case $meta in
				*FILE* | PATH | DIR | KEY | *PEM*) echo "		$pat) COMPREPLY=(\$(compgen -f -- \"\$cur\")); return ;;" ;;
				*) echo "		$pat) return ;;" ;;
				esac
			fi
		done
		echo '		esac'
		names=$(LAMBDRIFT_HELP_FORMAT=options "$bin" "$c" --help | cut -f1 | tr '\n' ' ')
		echo "		case \$cur in -*) COMPREPLY=(\$(compgen -W '$names' -- \"\$cur\")) ;;"
		echo "		*) COMPREPLY=(\$(compgen -f -- \"\$cur\")) ;; esac ;;"
	done
	echo '	esac'
	echo "}"
	echo "complete -F _lambdrift lambdrift"
} >"$out/bash-completion/lambdrift"

# zsh: _arguments per command
{
	echo "#compdef lambdrift"
	echo "# zsh completion for lambdrift, generated from its option tables by gen-docs.sh"
	echo "_lambdrift() {"
	echo "	local -a commands"
	echo "	commands=($(echo $commands))"
	echo "	if (( CURRENT == 2 )); then _describe command commands; return; fi"
	echo "	case \$words[2] in"
	for c in $pages; do
		printf '\t%s) _arguments' "$c"
		LAMBDRIFT_HELP_FORMAT=options "$bin" "$c" --help | while IFS="$tab" read -r opt meta choices; do
			for o in $opt; do
				if [ -z "$meta" ]; then
					printf " '*%s'" "$o"
				elif [ -n "$choices" ]; then
					printf " '*%s:%s:(%s)'" "$o" "$meta" "$choices"
				else
					case $meta in
					*FILE* | PATH | DIR | KEY | *PEM*) printf " '*%s:%s:_files'" "$o" "$meta" ;;
					*) printf " '*%s:%s: '" "$o" "$meta" ;;
					esac
				fi
			done
		done
		printf " '*:argument:_files' ;;\n"
	done
	echo "	esac"
	echo "}"
	echo '_lambdrift "$@"'
} >"$out/zsh/_lambdrift"
