# Issue 11's hostile inputs: snapshots, specs, zips, OSV records, baselines, runtime
# tables, release records and keys, --accounts lists, reports and AWS credential and config
# files, made at test time and fed to every command that reads them, also on build-asan/;
# each must be refused (exit 2) or incomplete (exit 3) with a message naming the file or
# option, leave no output claiming completeness, make no request and no sanitizer report.
# The rules and the cases are in hostile-inputs.py; this prints only what breaks them.
exec python3 "$FIXTURES/../tests/cli/hostile-inputs.py"
