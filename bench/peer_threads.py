#!/usr/bin/env python3
"""Peer 2: boto3 with 8 worker threads and the standard retry mode.

Every account-region's ListFunctions?FunctionVersion=ALL listing (pages in order: each needs
the previous marker) and ListEventSourceMappings run as tasks of one 8-thread pool; as soon as
a region's functions are known, a ListAliases task per function joins the same pool. boto3
runs in retry mode "standard" (3 attempts, its own client-side rate limiting off) with a
connection pool as large as the thread pool. The rules are lambdrift's (peer_common.py).
Usage: peer_threads.py --endpoint-url PROXY --estate estate.json [--threads 8] ...
Exit 0 when complete, 3 when any call was lost after retries.
"""
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

import peer_common as pc

THREADS = 8


def main(argv=None):
    argv = list(argv if argv is not None else sys.argv[1:])
    threads = THREADS
    if "--threads" in argv:
        i = argv.index("--threads")
        threads = int(argv[i + 1])
        del argv[i:i + 2]
    a = pc.parse_args(argv, __doc__.splitlines()[0])
    from botocore.config import Config

    config = Config(retries={"mode": "standard"}, max_pool_connections=threads)
    started = time.monotonic()
    counters = pc.Counters()
    clients = {(acc, reg): pc.make_client(a.endpoint_url, a.keys[acc], reg, config, counters)
               for acc in a.account_list for reg in a.region_list}
    functions, mappings, flags = [], [], []
    lock = threading.Lock()
    pending = []

    with ThreadPoolExecutor(max_workers=threads) as pool:
        def region_task(acc, reg):
            fns, ok = pc.list_versions(clients[(acc, reg)], counters, acc, reg)
            with lock:
                flags.append(ok)
                functions.extend(fns.values())
                for fn in fns.values():
                    pending.append(pool.submit(pc.list_aliases, clients[(acc, reg)], counters,
                                               fn))

        def mapping_task(acc, reg):
            maps, ok = pc.list_mappings(clients[(acc, reg)], counters, acc, reg)
            with lock:
                flags.append(ok)
                mappings.extend(maps)

        first = []
        for acc in a.account_list:
            for reg in a.region_list:
                first.append(pool.submit(region_task, acc, reg))
                first.append(pool.submit(mapping_task, acc, reg))
        wait(first)
        for f in first:
            f.result()
        with lock:
            rest = list(pending)
        wait(rest)
    return pc.finish(a, "peer-threads", functions, mappings, counters, all(flags), started)


if __name__ == "__main__":
    sys.exit(main())
