#!/bin/sh
# Submit the scan as an array job of 4 shards, then the merge once every child succeeded.
set -eu
scan=$(aws batch submit-job --job-name lambdrift-scan --job-queue lambdrift \
	--job-definition lambdrift-scan --array-properties size=4 --query jobId --output text)
aws batch submit-job --job-name lambdrift-merge --job-queue lambdrift \
	--job-definition lambdrift-scan --depends-on jobId="$scan" \
	--container-overrides 'command=["sh","-c","aws s3 sync s3://example-lambdrift-reports/ /tmp/r/ && lambdrift merge /tmp/r/shard-*.json --expect-shards 4 --format json --output /tmp/org.json && aws s3 cp /tmp/org.json s3://example-lambdrift-reports/org.json"]'
