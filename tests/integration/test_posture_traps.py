#!/usr/bin/env python3
"""The posture rules against traps the other posture tests do not plant, as a reviewer would:
one estate, every posture finding listed, nothing more, online and offline from its snapshot,
no secret value anywhere.

role-overprivileged: AWS's other execution policies (SQS, DynamoDB, Kinesis, MSK, ENI,
Insights, AWSLambdaRole, AWSLambdaExecute) and ReadOnlyAccess stay clean, PowerUserAccess
(NotAction) and AWSLambda_FullAccess (lambda:*) fire; iam:PassRole on one role, s3:* on a
bucket's objects, Allow * under a Deny *, Allow * under a Condition, NotAction on a bucket,
*:Get*, s3:*Object, Allow iam:* under Deny iam:* and a non-default policy version granting *
and s3:* on buckets named orders-* stay clean; PassRole, iam:Pass* and sts:AssumeRole on *,
* on arn:aws:*:*:*:* (every ARN, so *), NotResource, lowercase S3:*, s3:?*,
a single-object Statement and a string-or-array Action fire. logging-denied: logs on
/aws/lambda/* or arn:aws:logs:*:*:* are enough, another group's or the group's ARN without
:* (no PutLogEvents on its streams) are not, a custom LoggingConfig.LogGroup is the one
judged (the launcher keeps LoggingConfig, which moto drops). log-retention (minimum 30):
forever and 7 days fire, on the custom group too. env-plaintext-secret: a GitHub token
under a neutral name, a JWT, a URL with a password, an AWS key pair, an AWS secret key alone
under AWS_SECRET_ACCESS_KEY, padded base64 with a slash and "changeme" fire; references
(ARNs, SSM paths, {{resolve:...}}), numbers, booleans, empty values, TOKEN_URL, SECRET_ARN,
PASSWORD_PARAM, a URL with a user and no password, a 40-character hex COMMIT_SHA stay clean.
env-default-key: a customer key, no variables, variables emptied stay clean; KMSKeyArn reset
to "" fires. policy-public / concurrency-unbounded: an account principal (id or root ARN),
a service with only SourceArn or only SourceAccount, * allowed lambda:GetFunction only, an
AWS_IAM URL opened to * within an organization (PrincipalOrgID), a NONE URL whose * grant
is for AWS_IAM calls only, Alexa with an event source token, a service with SourceArn
arn:aws:sns:*:ACCOUNT:* (the account pinned) or arn:aws:s3:::* beside SourceAccount stay
clean; * allowed lambda:*, an AWS_IAM URL opened to * (any account's signed principals),
Alexa without a token (any skill may invoke), a service with
only SourceArn arn:aws:s3:::* or arn:aws:s3:::orders-* (S3 bucket ARNs carry no account:
any account's bucket) or arn:aws:sns:*:*:orders fire, and a capped public function has no
concurrency finding.
"""
import json
import secrets
import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402

AWS = "arn:aws:iam::aws:policy/"
BASIC = AWS + "service-role/AWSLambdaBasicExecutionRole"
KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"
POSTURE = ("role-overprivileged", "logging-denied", "log-retention", "env-plaintext-secret",
           "env-default-key", "url-public", "policy-public", "concurrency-unbounded")

AWS_SECRET = "wJalr" + secrets.token_hex(14) + "/K7MDEN"
CANARIES = {
    "github": "ghp_" + secrets.token_hex(18),
    "jwt": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0." + secrets.token_urlsafe(32),
    "pg": "postgres://app:%s@db.internal/orders" % secrets.token_hex(10),
    "key_id": "AKIA" + secrets.token_hex(8).upper(),
    "aws_secret": AWS_SECRET,
    "b64": "Xy7" + secrets.token_hex(6) + "/Kp9+" + secrets.token_hex(6) + "==",
    "changeme": "changeme-" + secrets.token_hex(8),
}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(**k):
    return dict(Effect="Allow", **k)


MANAGED = {  # function -> the AWS managed policy its role attaches besides BASIC
    "m-sqs": "service-role/AWSLambdaSQSQueueExecutionRole",
    "m-ddb": "service-role/AWSLambdaDynamoDBExecutionRole",
    "m-kinesis": "service-role/AWSLambdaKinesisExecutionRole",
    "m-msk": "service-role/AWSLambdaMSKExecutionRole",
    "m-eni": "service-role/AWSLambdaENIManagementAccess",
    "m-insights": "CloudWatchLambdaInsightsExecutionRolePolicy",
    "m-invoke": "service-role/AWSLambdaRole",
    "m-execute": "AWSLambdaExecute",
    "m-readonly": "ReadOnlyAccess",
    "m-power": "PowerUserAccess",
    "m-full": "AWSLambda_FullAccess",
}
INLINE = {  # function -> its role's inline policy (besides BASIC)
    "passrole-one": doc(allow(Action="iam:PassRole",
                              Resource="arn:aws:iam::123456789012:role/worker")),
    "passrole-all": doc(allow(Action="iam:PassRole", Resource="*")),
    "pass-glob": doc(allow(Action="iam:Pass*", Resource="*")),
    "assume-all": doc(allow(Action="sts:AssumeRole", Resource="*")),
    "s3-objects": doc(allow(Action="s3:*", Resource="arn:aws:s3:::bucket/*")),
    "denied-all": doc(allow(Action="*", Resource="*"),
                      dict(Effect="Deny", Action="*", Resource="*")),
    "not-resource": doc(allow(Action="*", NotResource="arn:aws:s3:::secret/*")),
    "arn-everything": doc(allow(Action="*", Resource="arn:aws:*:*:*:*")),
    "s3-buckets": doc(allow(Action="s3:*", Resource="arn:aws:s3:::orders-*")),
    "conditioned": doc(allow(Action="*", Resource="*",
                             Condition={"Bool": {"aws:SecureTransport": "true"}})),
    "upper-s3": doc(allow(Action="S3:*", Resource="*")),
    "s3-qmark": doc(allow(Action="s3:?*", Resource="*")),
    "s3-object-glob": doc(allow(Action="s3:*Object", Resource="*")),
    "single-object": json.dumps({"Version": "2012-10-17", "Statement": allow(
        Action="dynamodb:*", Resource="*")}),
    "mixed-array": doc(allow(Action=["sqs:SendMessage", "iam:passrole"], Resource=["*"])),
    "not-action": doc(allow(NotAction=["iam:*", "organizations:*"], Resource="*")),
    "not-action-bucket": doc(allow(NotAction="iam:*", Resource="arn:aws:s3:::b/*")),
    "get-everything": doc(allow(Action="*:Get*", Resource="*")),
    "iam-denied": doc(allow(Action="iam:*", Resource="*"),
                      dict(Effect="Deny", Action="iam:*", Resource="*")),
}


def logs_policy(resource):
    return doc(allow(Action=["logs:CreateLogStream", "logs:PutLogEvents"], Resource=resource))


LOGGING = {  # function -> (its role's only policy, LoggingConfig.LogGroup or None)
    "log-lambda-glob": (logs_policy("arn:aws:logs:*:*:log-group:/aws/lambda/*:*"), None),
    "log-all": (doc(allow(Action="logs:*", Resource="arn:aws:logs:*:*:*")), None),
    "log-other": (logs_policy("arn:aws:logs:*:*:log-group:/aws/lambda/other:*"), None),
    "log-no-streams": (logs_policy("arn:aws:logs:us-east-1:123456789012:log-group:"
                                   "/aws/lambda/log-no-streams"), None),
    "log-custom": (logs_policy("arn:aws:logs:*:*:log-group:/custom/app:*"), "/custom/app"),
    "log-custom-wrong": (logs_policy("arn:aws:logs:*:*:log-group:/aws/lambda/log-custom-wrong:*"),
                         "/custom/wrong"),
}

ENV_TRAPS = {
    "DB_PASSWORD": "arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf",
    "API_TOKEN": "/ssm/path/token",
    "SECRET": "{{resolve:ssm:/a/b}}",
    "ENABLE_TOKEN": "true",
    "TTL_SECRET": "3600",
    "EMPTY_PASSWORD": "",
    "TOKEN_URL": "https://auth.example.com/oauth/token",
    "SECRET_ARN": "arn:aws:ssm:us-east-1:123456789012:parameter/x",
    "PASSWORD_PARAM": "/prod/db/password",
    "COMMIT_SHA": secrets.token_hex(20),
    "MIRROR_URL": "https://deploy@mirror.example.com/pkg",
}
ENV = {  # function -> (variables, KMSKeyArn)
    "env-traps": (ENV_TRAPS, KEY),
    "env-github": ({"NOTES": "see " + CANARIES["github"]}, KEY),
    "env-jwt": ({"SESSION": CANARIES["jwt"]}, KEY),
    "env-dsn": ({"DSN": CANARIES["pg"]}, KEY),
    "env-pair": ({"ID": CANARIES["key_id"], "SEC": AWS_SECRET, "LOG": "info"}, KEY),
    "env-secret-alone": ({"AWS_SECRET_ACCESS_KEY": AWS_SECRET}, KEY),
    "env-b64": ({"DB_PASSWORD": CANARIES["b64"]}, KEY),
    "env-changeme": ({"ADMIN_PASSWORD": CANARIES["changeme"]}, KEY),
    "env-default": ({"LOG": "info"}, None),
    "env-reset": ({"LOG": "info"}, KEY),   # then KMSKeyArn "": back to aws/lambda
    "env-emptied": ({"LOG": "info"}, None),  # then Variables {}: none left
    "env-none": (None, None),
}

ACCOUNT = stack.ACCOUNT
ACCESS = {  # function -> AddPermission arguments on alias live
    "p-account": dict(Principal=ACCOUNT),
    "p-root": dict(Principal=f"arn:aws:iam::{ACCOUNT}:root"),
    "p-s3-arn": dict(Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::orders"),
    "p-s3-account": dict(Principal="s3.amazonaws.com", SourceAccount=ACCOUNT),
    "p-sns-both": dict(Principal="sns.amazonaws.com", SourceAccount=ACCOUNT,
                       SourceArn=f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"),
    "p-get-only": dict(Principal="*", Action="lambda:GetFunction"),
    "p-lambda-all": dict(Principal="*", Action="lambda:*"),
    "p-alexa-token": dict(Principal="alexa-appkit.amazon.com",
                          EventSourceToken="amzn1.ask.skill.12345"),
    "p-alexa": dict(Principal="alexa-appkit.amazon.com"),
    # SourceArn alone pins the source only with no wildcard or a literal account
    "p-s3-any-bucket": dict(Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::*"),
    "p-s3-prefix": dict(Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::orders-*"),
    "p-sns-any-account": dict(Principal="sns.amazonaws.com", SourceArn="arn:aws:sns:*:*:orders"),
    "p-sns-account-glob": dict(Principal="sns.amazonaws.com",
                               SourceArn=f"arn:aws:sns:*:{ACCOUNT}:*"),
    "p-s3-glob-account": dict(Principal="s3.amazonaws.com", SourceArn="arn:aws:s3:::*",
                              SourceAccount=ACCOUNT),
    "p-capped": dict(Principal="*"),
    "p-iam-url": dict(Principal="*", Action="lambda:InvokeFunctionUrl",
                      FunctionUrlAuthType="AWS_IAM"),
    "p-iam-url-org": dict(Principal="*", Action="lambda:InvokeFunctionUrl",
                          FunctionUrlAuthType="AWS_IAM", PrincipalOrgID="o-a1b2c3d4e5"),
    # a statement for AWS_IAM calls on a NONE URL never applies: the URL answers 403
    "p-none-url-iam-grant": dict(Principal="*", Action="lambda:InvokeFunctionUrl",
                                 FunctionUrlAuthType="AWS_IAM"),
}
URLS = {"p-iam-url": "AWS_IAM", "p-iam-url-org": "AWS_IAM", "p-none-url-iam-grant": "NONE"}

EXPECTED = {
    ("role-overprivileged", "m-power"), ("role-overprivileged", "m-full"),
    ("role-overprivileged", "passrole-all"), ("role-overprivileged", "pass-glob"),
    ("role-overprivileged", "assume-all"), ("role-overprivileged", "not-resource"),
    ("role-overprivileged", "arn-everything"),
    ("role-overprivileged", "upper-s3"), ("role-overprivileged", "s3-qmark"),
    ("role-overprivileged", "single-object"), ("role-overprivileged", "mixed-array"),
    ("role-overprivileged", "not-action"),
    ("logging-denied", "denied-all"), ("logging-denied", "log-other"),
    ("logging-denied", "log-no-streams"), ("logging-denied", "log-custom-wrong"),
    ("log-retention", "log-lambda-glob"), ("log-retention", "log-custom"),
    ("log-retention", "log-custom-wrong"),
    ("env-plaintext-secret", "env-github"), ("env-plaintext-secret", "env-jwt"),
    ("env-plaintext-secret", "env-dsn"), ("env-plaintext-secret", "env-pair"),
    ("env-plaintext-secret", "env-secret-alone"), ("env-plaintext-secret", "env-b64"),
    ("env-plaintext-secret", "env-changeme"),
    ("env-default-key", "env-default"), ("env-default-key", "env-reset"),
    ("policy-public", "p-lambda-all"), ("concurrency-unbounded", "p-lambda-all"),
    ("policy-public", "p-alexa"), ("concurrency-unbounded", "p-alexa"),
    ("policy-public", "p-capped"),
    ("policy-public", "p-s3-any-bucket"), ("concurrency-unbounded", "p-s3-any-bucket"),
    ("policy-public", "p-s3-prefix"), ("concurrency-unbounded", "p-s3-prefix"),
    ("policy-public", "p-sns-any-account"), ("concurrency-unbounded", "p-sns-any-account"),
    # Principal * on an AWS_IAM URL: any AWS account's principals may call it with SigV4
    ("policy-public", "p-iam-url"), ("concurrency-unbounded", "p-iam-url"),
}


def posture(report):
    return {(f["rule"], f["function"]) for f in report["findings"] if f["rule"] in POSTURE}


class PostureTraps(stack.StackTestCase):
    @classmethod
    def seed(cls):
        s = cls.stack
        iam, lam, logs = s.boto("iam"), s.boto("lambda"), s.boto("logs")

        def role(name, attached=(), inline=None):
            arn = iam.create_role(RoleName=name + "-role",
                                  AssumeRolePolicyDocument=stack.LAMBDA_TRUST)["Role"]["Arn"]
            for p in attached:
                iam.attach_role_policy(RoleName=name + "-role", PolicyArn=p)
            if inline:
                iam.put_role_policy(RoleName=name + "-role", PolicyName="inline",
                                    PolicyDocument=inline)
            return arn

        basic = role("basic", [BASIC])

        def fn(name, role_arn=basic, env=None, kms=None, group=None):
            args = dict(FunctionName=name, Runtime="python3.12", Role=role_arn,
                        Handler="app.handler", Code={"ZipFile": s.zip_bytes(name)})
            if env is not None:
                args["Environment"] = {"Variables": env}
            if kms:
                args["KMSKeyArn"] = kms
            if group:
                args["LoggingConfig"] = {"LogFormat": "Text", "LogGroup": group}
            lam.create_function(**args)

        for name, policy in MANAGED.items():
            fn(name, role(name, [BASIC, AWS + policy]))
        for name, document in INLINE.items():
            fn(name, role(name, [BASIC], document))
        # a managed policy whose non-default version grants *: the default is what counts
        for name, first, default in (
                ("versioned-was-all", allow(Action="*", Resource="*"), True),
                ("versioned-draft-all", allow(Action="s3:GetObject",
                                              Resource="arn:aws:s3:::b/*"), False)):
            arn = iam.create_policy(PolicyName=name, PolicyDocument=doc(first))["Policy"]["Arn"]
            second = (allow(Action="s3:GetObject", Resource="arn:aws:s3:::b/*") if default
                      else allow(Action="*", Resource="*"))
            iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(second),
                                      SetAsDefault=default)
            fn(name, role(name, [BASIC, arn]))
        for name, (document, group) in LOGGING.items():
            fn(name, role(name, inline=document), group=group)
        for group, days in (("/aws/lambda/log-lambda-glob", 7), ("/aws/lambda/log-all", 30),
                            ("/custom/app", None), ("/custom/wrong", 7),
                            ("/aws/lambda/log-custom", None)):  # not its group: not judged
            logs.create_log_group(logGroupName=group)
            if days:
                logs.put_retention_policy(logGroupName=group, retentionInDays=days)
        for name, (env, kms) in ENV.items():
            fn(name, env=env, kms=kms)
        lam.update_function_configuration(FunctionName="env-reset", KMSKeyArn="")
        lam.update_function_configuration(FunctionName="env-emptied",
                                          Environment={"Variables": {}})
        for name, perm in ACCESS.items():
            fn(name)
            version = lam.publish_version(FunctionName=name)["Version"]
            lam.create_alias(FunctionName=name, Name="live", FunctionVersion=version)
            args = dict(FunctionName=name, Qualifier="live", StatementId="grant",
                        Action="lambda:InvokeFunction")
            args.update(perm)
            lam.add_permission(**args)
        for name, auth in URLS.items():
            lam.create_function_url_config(FunctionName=name, Qualifier="live", AuthType=auth)
        lam.put_function_concurrency(FunctionName="p-capped", ReservedConcurrentExecutions=5)

    def assertNoSecret(self, text, where):
        for label, c in CANARIES.items():
            for piece in (c, c[-12:]):
                self.assertNotIn(piece, text, f"secret {label} leaked into {where}")

    def test_launcher_answers_as_lambda(self):
        lam = self.stack.boto("lambda")
        cfg = lam.get_function_configuration(FunctionName="log-custom")
        self.assertEqual(cfg["LoggingConfig"]["LogGroup"], "/custom/app")
        cfg = lam.get_function_configuration(FunctionName="env-none")
        self.assertEqual(cfg["LoggingConfig"], {"LogFormat": "Text",
                                                "LogGroup": "/aws/lambda/env-none"})
        pol = json.loads(lam.get_policy(FunctionName="p-account", Qualifier="live")["Policy"])
        self.assertEqual(pol["Statement"][0]["Principal"],
                         {"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
        pol = json.loads(lam.get_policy(FunctionName="p-alexa-token", Qualifier="live")["Policy"])
        st = pol["Statement"][0]
        self.assertEqual(st["Principal"], {"Service": "alexa-appkit.amazon.com"})
        self.assertEqual(st["Condition"]["StringEquals"]["lambda:EventSourceToken"],
                         "amzn1.ask.skill.12345")

    def test_fires_exactly_offline_agrees_no_secret(self):
        r = self.stack.scan("--log-retention-min", "30")
        self.assertExit(r, 1)
        self.assertTrue(r.json["run"]["complete"], msg=str(r))
        got = posture(r.json)
        self.assertEqual(got - EXPECTED, set(), msg="false positives")
        self.assertEqual(EXPECTED - got, set(), msg="false negatives")
        by = {(f["rule"], f["function"], (f.get("evidence") or {}).get("variable")): f
              for f in r.json["findings"]}
        self.assertIn(("env-plaintext-secret", "env-pair", "ID"), by)
        self.assertIn(("env-plaintext-secret", "env-pair", "SEC"), by)
        self.assertEqual(by[("env-plaintext-secret", "env-github", "NOTES")]["evidence"]
                         ["detectors"], ["github-token"])
        wrong = by[("logging-denied", "log-custom-wrong", None)]["evidence"]
        self.assertEqual(wrong["log_group"], "/custom/wrong")
        snap = Path(self.stack.tmp) / "traps-snapshot.json"
        taken = self.stack.snapshot(snap)
        self.assertExit(taken, 0)
        off = self.stack.run("scan", "--inventory", snap, "--format", "json",
                             "--log-retention-min", "30")
        self.assertExit(off, 1)
        self.assertEqual(posture(off.json), EXPECTED, msg=str(off))
        self.assertEqual(sorted(f["fingerprint"] for f in off.json["findings"]),
                         sorted(f["fingerprint"] for f in r.json["findings"]))
        for res in (r, taken, off):
            self.assertNoSecret(res.stdout + res.stderr, " ".join(res.args))
        self.assertNoSecret(snap.read_text(), "the snapshot")
        for fmt in ("text", "sarif"):
            t = self.stack.scan("--log-retention-min", "30", fmt=fmt)
            self.assertNoSecret(t.stdout + t.stderr, fmt)
        self.assertNoSecret(self.stack.log_text(), "the server log")


if __name__ == "__main__":
    unittest.main()
