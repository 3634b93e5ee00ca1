#!/usr/bin/env python3
"""Every page is read: more than 50 versions of one function, more than 50 functions, and
the API call count in the report is exactly the number of pages the design says.

Seeding 60 functions and 55 versions one AWS CLI process at a time would take minutes, so
this file seeds in bulk with boto3 (the same API calls the CLI makes).
"""
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

N_FUNCTIONS = 60      # plain functions, $LATEST only
N_VERSIONS = 55       # published versions of the one "many-versions" function
N_TRIGGERS = 3
PAGE = 50             # ListFunctions returns at most 50 entries a page
ESM_PAGE = 100


class Pagination(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        lam = s.boto("lambda")
        role = s.role_arn()
        for i in range(N_FUNCTIONS):
            lam.create_function(FunctionName=f"fn-{i:03d}", Runtime="python3.12", Role=role,
                                Handler="app.handler",
                                Code={"ZipFile": s.zip_bytes(f"fn-{i}")})
        lam.create_function(FunctionName="many-versions", Runtime="python3.12", Role=role,
                            Handler="app.handler", Code={"ZipFile": s.zip_bytes("v0")})
        for v in range(1, N_VERSIONS + 1):
            lam.update_function_code(FunctionName="many-versions",
                                     ZipFile=s.zip_bytes(f"v{v}"))
            lam.publish_version(FunctionName="many-versions")
        lam.create_alias(FunctionName="many-versions", Name="live",
                         FunctionVersion=str(N_VERSIONS))
        sqs = s.boto("sqs")
        for i in range(N_TRIGGERS):
            url = sqs.create_queue(QueueName=f"q{i}")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            lam.create_event_source_mapping(FunctionName=f"fn-{i:03d}:$LATEST" if i else
                                            "many-versions:live",
                                            EventSourceArn=arn["Attributes"]["QueueArn"])

    def test_moto_pages_like_lambda(self):
        # The expected call count below assumes moto pages ListFunctions by 50, as Lambda.
        pages = list(self.stack.boto("lambda").get_paginator("list_functions")
                     .paginate(FunctionVersion="ALL"))
        self.assertEqual(len(pages), self.listfunctions_pages())
        self.assertTrue(all(len(p["Functions"]) <= PAGE for p in pages))

    @staticmethod
    def listfunctions_pages():
        entries = N_FUNCTIONS + (N_VERSIONS + 1)  # $LATEST of each, plus the versions
        return math.ceil(entries / PAGE)

    def test_every_function_and_version_is_seen(self):
        r = self.stack.scan("--fail-on", "none")
        self.assertExit(r, 0)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        fns = {f["name"]: f for f in r.json["functions"]}
        self.assertEqual(len(fns), N_FUNCTIONS + 1, msg=str(r))
        self.assertEqual(set(fns), {f"fn-{i:03d}" for i in range(N_FUNCTIONS)} |
                         {"many-versions"})
        versions = [v["version"] for v in fns["many-versions"]["versions"]]
        self.assertEqual(versions, ["$LATEST"] + [str(v) for v in range(1, N_VERSIONS + 1)])
        self.assertEqual([a["name"] for a in fns["many-versions"]["aliases"]], ["live"])
        unpublished = {f["function"] for f in r.json["findings"] if f["rule"] == "unpublished"}
        self.assertEqual(unpublished, {f"fn-{i:03d}" for i in range(N_FUNCTIONS)})
        triggered = {f["function"] for f in r.json["findings"]
                     if f["rule"] == "trigger-unqualified"}
        self.assertEqual(triggered, {f"fn-{i:03d}" for i in range(1, N_TRIGGERS)})

    def test_api_calls_match_the_pages(self):
        r = self.stack.scan("--fail-on", "none")
        self.assertExit(r, 0)
        calls = r.json["run"]["api_calls"]
        expected = (self.listfunctions_pages()          # ListFunctions?FunctionVersion=ALL
                    # ListFunctions by name, 50 functions a page, so GetPolicy can start on
                    # every function at once (requests in parallel, as by default)
                    + math.ceil((N_FUNCTIONS + 1) / PAGE)
                    + N_FUNCTIONS + 1                   # ListAliases per function
                    + max(1, math.ceil(N_TRIGGERS / ESM_PAGE))  # ListEventSourceMappings
                    + 1)                                # ListCodeSigningConfigs (none)
        self.assertEqual(calls["control"], expected, msg=str(calls))
        self.assertEqual(calls["throttled"], 0)
        self.assertEqual(calls["errors"], 0)

    def test_function_filter_still_reads_every_page(self):
        # The filter applies to what is reported; the listing is account-wide.
        r = self.stack.scan("--fail-on", "none", "--function", "many-versions")
        self.assertExit(r, 0)
        [fn] = r.json["functions"]
        self.assertEqual(len(fn["versions"]), N_VERSIONS + 1)


if __name__ == "__main__":
    stack.main()
