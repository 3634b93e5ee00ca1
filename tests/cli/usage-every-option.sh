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
. "$FIXTURES/../tests/cli/listener.inc"
start_listener || { echo "the listener did not start"; exit 9; }
export AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=not-a-secret
export AWS_REGION=us-east-1 AWS_ENDPOINT_URL=$url
$LD scan --inventory "$FIXTURES/inventory/cli-basic.json" --format json -o report.json \
	>/dev/null 2>&1

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

. "$FIXTURES/../tests/cli/options.inc"
each_option | grep -v ' -$' | while read -r cmd opt metavar; do
	value=$(bad_value "$opt" "$metavar")
	if [ "$value" = ANY ]; then
		echo "$cmd --$opt $metavar: any value is valid"
		continue
	fi
	if [ "$value" = UNLISTED ]; then
		echo "$cmd --$opt $metavar: no bad value listed in this case"
		continue
	fi
	trial "$cmd" "$opt" "$value" "--$opt" "$value"
	echo "$cmd --$opt '$value': exit $rc: $first" | cut -c1-400
	lacks "$cmd" "--$opt" "$value" "$(echo "$msg" | head -1)"
	[ -z "$checks" ] || echo "$checks" | sed 's/)  (/)\n  (/g'
done
kill "$listener"
