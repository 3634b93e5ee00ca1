# the golden SARIF validates against the SARIF 2.1.0 schema (jsonschema) and the golden
# JUnit parses with xml.etree with consistent counts (tests/unit/test_formats.c keeps them
# equal to what lambdrift writes)
python3 "$FIXTURES/../tests/tools/validate_reports.py" sarif "$FIXTURES/report/scan.sarif" | sed 's| /.*/fixtures/| fixtures/|'
python3 "$FIXTURES/../tests/tools/validate_reports.py" junit "$FIXTURES/report/scan.junit.xml" | sed 's| /.*/fixtures/| fixtures/|'
