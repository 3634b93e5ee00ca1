# A bad value for every valued option of every command, the list read from 'lambdrift --help'
# and each command's --help (made from the option tables), so a new option is tried too: each
# must exit 2 with a message that names the option, the value and the command's own --help,
# before any API call, and create no file. Credentials are set and every endpoint is a local
# listener that records each connection, so a call that slips through is seen even when the
# command then exits 2. The bad value is chosen by the option's METAVAR; a METAVAR not listed
# below fails the case, so a new kind of value has to say what is bad for it.
. "$FIXTURES/../tests/cli/make-repo.inc"
make_repo repo >/dev/null 2>&1 || { echo "cannot make the repository"; exit 9; }
here=$(pwd)
repo=$here/repo
mkdir .listen
# shellcheck disable=SC2016
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16); s.settimeout(1)
open(".listen/port", "w").write(str(s.getsockname()[1]))
end = time.time() + 600
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    with open(".listen/connections", "a") as f:
        f.write("connection\n")
    c.close()
' &
listener=$!
for _ in $(seq 100); do # up to 20 s: python starts slowly on a loaded machine
	[ -s .listen/port ] && break
	sleep 0.2
done
[ -s .listen/port ] || { echo "the listener did not start"; exit 9; }
url=http://127.0.0.1:$(cat .listen/port)
connections() { [ -f .listen/connections ] && wc -l <.listen/connections || echo 0; }
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$url
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --format json -o report.json \
	>/dev/null 2>&1

# the arguments a command needs besides the option tried (and, for an option that applies
# only with another, that one); never the option tried, which would then be given twice
base_args() {
	case $1 in
	verify) except "$2" --repo "$repo" --tag v1 ;;
	package) except "$2" --repo "$repo" --tag v1 --function orders-api --output out.zip ;;
	snapshot) except "$2" --output snap.json ;;
	baseline) echo create report.json; except "$2" --output base.json ;;
	attestation) echo verify report.json; except "$2" --key awskms:///alias/release ;;
	merge) echo "report.json" ;;
	*) echo "" ;;
	esac
	case $2 in
	accounts) echo "--role-name Audit" ;;
	esac
}

# the OPTION VALUE pairs after $1 but the one of option --$1
except() {
	opt=$1
	shift
	while [ $# -gt 1 ]; do
		[ "$1" = "--$opt" ] || printf '%s %s ' "$1" "$2"
		shift 2
	done
	echo
}

# a bad value for a METAVAR (and the option, where one METAVAR means different things)
bad_value() {
	case $2 in
	N | SECONDS | DAYS) echo "-1" ;;
	I/N) echo "0/3" ;;
	CLASS=N) echo "bogus=3" ;;
	FORMAT) echo "xml" ;;
	SEVERITY) echo "critical" ;;
	URL) echo "ftp://example.com" ;;
	REGION) echo "US_EAST_1" ;;
	YYYY-MM-DD) echo "2026-02-30" ;;
	FILE | PATH | DIR) echo "/nonexistent/x" ;;
	TAG) echo "no-such-tag" ;;
	KEY) echo "awskms://alias/release" ;;             # two slashes: not the KMS form
	ARN) echo "arn:aws:iam::{account}:role/Audit" ;; # without --accounts
	ID) echo "ext-1" ;;                               # without --accounts
	"FILE|ID,...|org") echo "12" ;;                   # not an account id
	NAME)
		case $1 in
		profile) echo "no-such-profile" ;;
		role-name) echo "Audit" ;; # without --accounts
		function) echo "no-such-function" ;;
		alias) echo "1234" ;; # all digits: a version, not an alias (the API model)
		*) echo "UNLISTED" ;;
		esac ;;
	TEXT) printf '%02000d' 0 ;; # longer than a reason may be
	GLOB)
		case $1 in
		rule | skip-rule) echo "no-such-rule*" ;; # must match a rule of 'lambdrift rules'
		*) echo "ANY" ;;                            # every pattern is valid
		esac ;;
	*) echo "UNLISTED" ;;
	esac
}

# what the message lacks of: the option, the value (unless it is too long to repeat) and
# the hint to the command's own --help
lacks() {
	case $4 in *"$2"*) ;; *) echo "  (does not name $2)" ;; esac
	if [ ${#3} -le 100 ]; then
		case $4 in *"'$3'"*) ;; *) echo "  (does not quote the value)" ;; esac
	fi
	case $4 in *"see 'lambdrift $1 --help'"*) ;; *) echo "  (no hint to 'lambdrift $1 --help')" ;; esac
}

commands=$($LD --help | sed -n '/^COMMANDS/,/^$/s/^  \([a-z]*\) .*/\1/p')
for cmd in $commands; do
	$LD "$cmd" --help 2>/dev/null |
		sed -n '/^OPTIONS/,/^$/s/^  \(-., \)\{0,1\} *--\([a-z-]*\) \([^ ][^ ]*\).*/\2 \3/p' |
		while read -r opt metavar; do
			value=$(bad_value "$opt" "$metavar")
			if [ "$value" = ANY ]; then
				echo "$cmd --$opt $metavar: any value is valid"
				continue
			fi
			if [ "$value" = UNLISTED ]; then
				echo "$cmd --$opt $metavar: no bad value listed in this case"
				continue
			fi
			before=$(find . -newer report.json -type f ! -path './repo/*' ! -path './.listen/*' | wc -l)
			calls=$(connections)
			# shellcheck disable=SC2046 # base_args is split into words on purpose
			msg=$($LD "$cmd" $(base_args "$cmd" "$opt") "--$opt" "$value" 2>&1 >/dev/null)
			rc=$?
			after=$(find . -newer report.json -type f ! -path './repo/*' ! -path './.listen/*' | wc -l)
			first=$(echo "$msg" | head -1 | sed "s|$here|.|g; s|$url|http://LISTENER|g")
			echo "$cmd --$opt '$value': exit $rc: $first" | cut -c1-400
			lacks "$cmd" "--$opt" "$value" "$(echo "$msg" | head -1)"
			[ "$after" = "$before" ] || echo "  (a file was created)"
			[ "$(connections)" = "$calls" ] || echo "  (the endpoint was called)"
		done
done
kill "$listener"
