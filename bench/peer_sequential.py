#!/usr/bin/env python3
"""Peer 1: the straightforward boto3 script, one call at a time, boto3's default retries.

For each account, for each region: ListFunctions?FunctionVersion=ALL page by page,
ListAliases for each function, ListEventSourceMappings; then lambdrift's scan rules
(bench/peer_common.py). boto3 is left at its defaults (legacy retry mode, 5 attempts,
unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS say otherwise), as such a script would be.
Usage: peer_sequential.py --endpoint-url PROXY --estate estate.json [--now YYYY-MM-DD] ...
Exit 0 when complete, 3 when any call was lost after retries.
"""
import sys
import time

import peer_common as pc


def main(argv=None):
    a = pc.parse_args(argv if argv is not None else sys.argv[1:], __doc__.splitlines()[0])
    started = time.monotonic()
    counters = pc.Counters()
    functions, mappings, complete = [], [], True
    for account in a.account_list:
        for region in a.region_list:
            client = pc.make_client(a.endpoint_url, a.keys[account], region, None, counters)
            fns, ok = pc.list_versions(client, counters, account, region)
            complete &= ok
            for fn in fns.values():
                pc.list_aliases(client, counters, fn)
            maps, ok = pc.list_mappings(client, counters, account, region)
            complete &= ok
            functions.extend(fns.values())
            mappings.extend(maps)
    return pc.finish(a, "peer-sequential", functions, mappings, counters, complete, started)


if __name__ == "__main__":
    sys.exit(main())
