# Issue 11's "Done when", as a new user would try it: for every option of every command (read
# from each --help, so a new option is swept too) the forms a typo takes (no value at the end,
# an empty value, a value given twice, a flag given a value) and several bad values of its
# METAVAR, each of which must exit 2 with a message naming the option and the value and
# pointing at the command's own --help, before any request (the endpoint is a listener that
# counts connections), creating no file, and without a sanitizer report (the case runs on
# build-asan too). Prints only what breaks those rules, the options that may be repeated
# and how many trials each command had; usage-every-option shows one message per option.
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
here=$(pwd)
repo=$here/repo
. "$FIXTURES/../tests/cli/listener.inc"
start_listener || { echo "the listener did not start"; exit 9; }
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$url
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --format json -o report.json \
	>/dev/null 2>&1
mkdir emptydir
: >empty.txt
printf '{"schema": "lambdrift/inventory/v1", "functions": [' >cut.json
. "$FIXTURES/../tests/cli/options.inc"

# bad values of a METAVAR, one a line (the option decides where one METAVAR means several
# things); NUMBER: the range is read from the message for 'x', and its ends +-1 tried
bad_values() {
	case $2 in
	N | SECONDS | DAYS) printf '%s\n' NUMBER x 1.5 +1 ' 1' 0x10 1e3 99999999999999999999 ;;
	I/N) printf '%s\n' 0/3 1/0 2/1 / 1/ a/b 1/100001 1/3/3 -1/3 ;;
	CLASS=N) printf '%s\n' bogus=3 control=0 control=0.09 control=1e-300 control=10001 \
		control= =3 control=nan control=inf control=-1 control control=3x ;;
	FORMAT) printf '%s\n' xml JSON json,sarif ;;
	SEVERITY) printf '%s\n' critical ERROR ;;
	URL) printf '%s\n' ftp://example.com http:// 'http://[::1' http://h:0 http://h:65536 \
		'http://h?x' 'http://a b' //h h ;;
	REGION) printf '%s\n' US_EAST_1 us-east- us-east-1, us-east-1x , all2 ;;
	YYYY-MM-DD) printf '%s\n' 2026-02-30 2026-13-01 26-01-01 2026-1-1 2026-01-01x ;;
	FILE | PATH | KEY)
		printf '%s\n' /nonexistent/x .
		case $1 in
		output | attest) ;;              # /dev/null is a fine place to write to
		osv) printf '%s\n' /dev/null emptydir empty.txt cut.json ;;
		*) printf '%s\n' /dev/null empty.txt cut.json ;;
		esac
		[ "$2" = KEY ] && printf '%s\n' awskms://alias/release awskms:/// ;;
	DIR) printf '%s\n' /nonexistent/x report.json emptydir ;;
	TAG) printf '%s\n' no-such-tag main broken ;;
	ARN) echo "arn:aws:iam::{account}:role/Audit" ;; # without --accounts
	ID) echo "ext-1" ;;                               # without --accounts
	"FILE|ID,...|org")
		printf '%s\n' 12 123456789012,12 123456789012, ,123456789012 . /nonexistent/x emptydir \
			empty.txt ;;
	NAME)
		case $1 in
		profile) echo no-such-profile ;;
		role-name) echo Audit ;; # without --accounts
		function) echo no-such-function ;;
		alias) printf '%s\n' 1234 'a b' "$(printf '%0129d' 0)" ;;
		esac ;;
	TEXT) printf '%02000d\n' 0 ;;
	GLOB)
		case $1 in
		rule | skip-rule) printf '%s\n' 'no-such-rule*' '[' ;;
		esac ;; # a --function pattern may be anything
	*) echo "UNLISTED" ;;
	esac
}

# a value the option takes, for trying it twice
good_value() {
	case $2 in
	N | SECONDS | DAYS) echo 3 ;;
	I/N) echo 1/3 ;;
	CLASS=N) echo control=3 ;;
	FORMAT) echo json ;;
	SEVERITY) echo error ;;
	URL) echo "$url" ;;
	REGION) echo us-east-1 ;;
	YYYY-MM-DD) echo 2030-01-01 ;;
	KEY) echo awskms:///alias/release ;;
	NAME) echo live ;; # an alias name, also a fine --profile or --role-name
	DIR) echo "$repo" ;;
	TAG) echo v1 ;;
	ARN) echo "arn:aws:iam::{account}:role/Audit" ;;
	ID | "FILE|ID,...|org") echo 123456789012 ;;
	*) echo report.json ;;
	esac
}

# whether the message names value $1: as given (a path need not be quoted, and the
# message may quote more, such as "'--region us-east-1,'"), or the item of a list that is
# wrong, quoted ("'12' is not a 12-digit account id")
names_value() {
	case $msg in *"$1"*) return 0 ;; esac
	for item in $(echo "$1" | tr ',' ' '); do
		case $msg in *"'$item'"*) return 0 ;; esac
	done
	return 1
}

# check the trial just run: a usage error (exit 2) that names the option, names the value
# when it was given (unless too long to repeat), hints at the command's --help, and broke
# nothing else
verdict() {
	why=$checks
	[ "$rc" = 2 ] || why="$why  (exit $rc)"
	case $msg in *"$2"*) ;; *) why="$why  (does not name $2)" ;; esac
	if [ -n "$3" ] && [ ${#3} -le 100 ] && ! names_value "$3"; then
		why="$why  (does not name the value)"
	fi
	case $msg in *"see 'lambdrift $1 --help'"*) ;; *) why="$why  (no hint to its --help)" ;; esac
	[ -z "$why" ] || echo "$1 $4: $why: $first" | cut -c1-400
	echo "$1" >>.trials
}

each_option >.options
while read -r cmd opt metavar; do
	if [ "$metavar" = - ]; then
		trial "$cmd" "$opt" "" "--$opt=yes" </dev/null
		verdict "$cmd" "--$opt" "" "--$opt=yes"
		continue
	fi
	trial "$cmd" "$opt" "" "--$opt" </dev/null
	verdict "$cmd" "--$opt" "" "--$opt (no value)"
	trial "$cmd" "$opt" "" "--$opt=" </dev/null
	verdict "$cmd" "--$opt" "" "--$opt="
	g=$(good_value "$opt" "$metavar")
	trial "$cmd" "$opt" "" "--$opt" "$g" "--$opt" "$g" --zz-end </dev/null
	case $msg in
	*"given twice"*) verdict "$cmd" "--$opt" "" "--$opt $g --$opt $g" ;;
	*"unknown option '--zz-end'"*) echo "$cmd --$opt" >>.repeatable ;;
	*) echo "$cmd --$opt $g --$opt $g --zz-end: neither refused nor repeatable: $first" ;;
	esac
	bad_values "$opt" "$metavar" >.values
	if grep -qx NUMBER .values; then
		trial "$cmd" "$opt" x "--$opt" x </dev/null
		range=$(echo "$first" | sed -n 's/.* from \(-\{0,1\}[0-9]*\) to \([0-9]*\).*/\1 \2/p')
		if [ -n "$range" ]; then
			# shellcheck disable=SC2086 # two numbers, split on purpose
			set -- $range
			printf '%s\n%s\n' $(($1 - 1)) $(($2 + 1)) >>.values
		else
			echo "$cmd --$opt x: no range in: $first"
		fi
	fi
	while IFS= read -r v; do
		[ "$v" = NUMBER ] && continue
		if [ "$v" = UNLISTED ]; then
			echo "$cmd --$opt $metavar: no bad values listed in this case"
			continue
		fi
		trial "$cmd" "$opt" "$v" "--$opt" "$v" </dev/null
		verdict "$cmd" "--$opt" "$v" "--$opt '$v'"
	done <.values
done <.options
echo "may be repeated:" $(sort .repeatable | sed 's/ /:/')
echo "trials:" $(sort .trials | uniq -c | awk '{print $2 "=" $1}')
kill "$listener"
