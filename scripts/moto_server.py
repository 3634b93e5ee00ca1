#!/usr/bin/env python3
"""Start moto's AWS emulator on 127.0.0.1 on a free port, for the demo and the integration tests.

Usage: moto_server.py [--port-file FILE] [--auth] [--no-auth-actions N] [--port P]

The port is chosen by the kernel (bind to port 0), so parallel runs never collide; it is
printed as "port N" on stdout and, with --port-file, written to FILE (atomically: the file
appears only once the server accepts connections). The server runs until SIGTERM/SIGINT.

Pagination: moto 5.2 answers ListFunctions, ListAliases, ListEventSourceMappings and
ListLayerVersions with every item in one response (MaxItems ignored, no NextMarker), where
Lambda pages them (50, 50, 100 and 50 a page, NextMarker / Marker). The launcher pages them
the same way, so clients' paging is exercised.

Layer versions by ARN: moto 5.2's ListLayerVersions takes the LayerName path label as it
came (still percent-encoded) and matches it against layer names only, so a layer ARN (what
AWS accepts, and what clients send for another account's layer) lists nothing. The launcher
decodes the label and accepts a name or a layer ARN, as GetLayerVersion already does; an
unknown layer still lists nothing, as before. (GetLayerVersionByArn answers an empty
object in moto 5.2 and is left alone: use GetLayerVersion with the layer ARN.)

Code downloads: moto's GetFunction answers Code.Location with a URL on a real S3 host, which
cannot be downloaded, so content verification could not be exercised. The launcher rewrites
Code.Location (zip functions only; image functions are left as they are) to a URL on this
same server,
    http://127.0.0.1:PORT/_lambdrift/code/ACCOUNT/REGION/FUNCTION/VERSION?X-Amz-Signature=TOKEN
which serves exactly the zip bytes moto stored for that version, so they hash to the
CodeSha256 it reports. Layers likewise: moto's GetLayerVersion answers Content.Location
"s3://", which the launcher rewrites to
    http://127.0.0.1:PORT/_lambdrift/layer/ACCOUNT/REGION/LAYER/VERSION?X-Amz-Signature=TOKEN
serving the layer version's zip bytes (they hash to its Content.CodeSha256). TOKEN is random
per server (so tests can check that a presigned-URL secret is never printed). A test can
make the served bytes differ from CodeSha256:
    POST /_lambdrift/corrupt?function=F&version=V[&region=R][&account=A]
    POST /_lambdrift/corrupt?layer=L&version=V[&region=R][&account=A]
flips the last byte served for that function or layer version from then on (POST
/_lambdrift/uncorrupt with the same parameters undoes it). Verified with boto3 + urllib: the
served bytes hash to CodeSha256 for $LATEST and published versions and for layer versions
(GetLayerVersion by layer ARN and by name), and no longer do once corrupted.

KMS Sign and Verify: moto 5.2 ignores MessageType, so a MessageType=DIGEST message (the
32-byte SHA-256 of what is signed) is hashed again, and the signature does not verify with
the key's public key (GetPublicKey) over the original message as one from AWS does. For
ECC keys and ECDSA_SHA_256 the launcher signs as the API model describes (shared/reference
kms: RAW is hashed with SHA-256, DIGEST is used as the digest itself, and must be 32
bytes), and Verify checks the same way (KMSInvalidSignatureException when it does not
verify); RSA keys and other algorithms keep moto's own answers. Verified with boto3 and `cryptography`: a Sign of
a DIGEST verifies with the GetPublicKey key over the original message, and a RAW Sign over
the message itself.

Function KMS keys: moto 5.2 drops a function's KMSKeyArn (CreateFunction and
UpdateFunctionConfiguration accept it, no configuration returns it), where Lambda keeps it
and returns it in FunctionConfiguration (shared/reference lambda: KMSKeyArn, "the KMS key
that's used to encrypt the function's environment variables"; absent when the AWS managed
key is used). The launcher keeps it on the function, copies it into published versions as
moto copies the rest, and returns it in every configuration. Verified with the AWS CLI:
create-function --kms-key-arn K, then get-function-configuration and list-functions
--function-version ALL after publish-version report K for $LATEST and the version.

Function logging: moto 5.2 drops a function's LoggingConfig (CreateFunction and
UpdateFunctionConfiguration accept it, no configuration returns it), where Lambda keeps it
and returns it in FunctionConfiguration (shared/reference lambda-2015-03-31: LoggingConfig
{LogFormat JSON|Text, ApplicationLogLevel, SystemLogLevel, LogGroup}; "By default, Lambda
functions send logs to a default log group named /aws/lambda/<function name>"), the
default written out as {"LogFormat": "Text", "LogGroup": "/aws/lambda/NAME"}. The launcher
keeps the members given (an update merges into them, as Lambda does), fills in those two
defaults, copies it into published versions as moto copies the rest, and returns it in
every configuration. Verified with boto3: create-function with LoggingConfig LogGroup
/custom/app, then get-function-configuration and a published version report it; a function
created without one reports the default group and Text.

Code signing configs: moto 5.2 has no code-signing-config API (only GetFunctionCodeSigningConfig,
which answers null for a function without one). The launcher adds CreateCodeSigningConfig,
GetCodeSigningConfig, ListCodeSigningConfigs, PutFunctionCodeSigningConfig,
GetFunctionCodeSigningConfig, DeleteFunctionCodeSigningConfig and
ListFunctionsByCodeSigningConfig as the Lambda API model describes them (shared/reference
lambda-2015-03-31: paths, shapes, 201/200/204, CodeSigningPolicies.UntrustedArtifactOnDeployment
defaulting to Warn, ids csc- and 17 characters, LastModified as "...+0000", Marker/NextMarker
pages of 50 (MaxItems 1-10000), FunctionArns unqualified; errors InvalidParameterValueException
for a bad ARN, policy or an image function, ResourceNotFoundException for an unknown function,
CodeSigningConfigNotFoundException for an unknown config), one store per account and region
so they can be seeded with awscli/boto3 as against AWS, e.g.
    aws lambda create-code-signing-config --allowed-publishers SigningProfileVersionArns=ARN \
        --code-signing-policies UntrustedArtifactOnDeployment=Enforce
    aws lambda put-function-code-signing-config --function-name F --code-signing-config-arn CSC
CreateFunction's CodeSigningConfigArn attaches too (moto keeps it on the function already,
unchecked; the launcher refuses a malformed one with InvalidParameterValueException, an
unknown one with CodeSigningConfigNotFoundException and one on an image function with
InvalidParameterValueException, as Lambda does). A function without a config answers
CodeSigningConfigArn "" from GetFunctionCodeSigningConfig. Not emulated: signatures. An
Enforce config accepts an unsigned package here, where Lambda refuses it
(CodeVerificationFailedException); tests attach Enforce configs to unsigned code to see
how a scan reads them, which is all they need. Verified with boto3: create, list (paged),
put, get, list functions, delete, and the errors; with the AWS CLI, create-function
--code-signing-config-arn of an unknown config fails with CodeSigningConfigNotFoundException.

IAM managed policies: the launcher sets MOTO_IAM_LOAD_MANAGED_POLICIES=true (unless set), so
AWS's managed policies (AWSLambdaBasicExecutionRole, AWSLambdaVPCAccessExecutionRole,
AdministratorAccess, ...) exist in every account as they do on AWS. GetPolicyVersion:
moto 5.2 returns PolicyVersion.Document as plain JSON text, where AWS URL-encodes it
(shared/reference iam: "The policy document returned in this structure is URL-encoded
compliant with RFC 3986"), as moto already does for GetRolePolicy's PolicyDocument; the
launcher encodes it too. Verified with the AWS CLI --debug: the <Document> element of
get-policy-version is percent-encoded, and the CLI still prints the decoded document.

GetAccountAuthorizationDetails: moto 5.2 answers with everything in one response
(IsTruncated false, MaxItems and Marker ignored), where IAM pages it (the API reference:
MaxItems 1 to 1000, default 100, "If additional items exist beyond the maximum you specify,
the IsTruncated response element is true", and Marker continues). With Filter
AWSManagedPolicy moto lists every AWS managed policy it loaded (about 1,500, a 5 MB
answer), where IAM lists those in use in the account (attached to a user, group or role);
its ManagedPolicyDetail has no PolicyName or PolicyId (members of the shape in the API
reference); and a RoleDetail's AssumeRolePolicyDocument (also in the instance profiles
nested in it) is plain JSON where IAM URL-encodes every policy document it returns
("Policies returned by this operation are URL-encoded compliant with RFC 3986"). The
launcher pages users, groups, roles and policies in that order, MaxItems at a time, with
an opaque Marker (ValidationError for a bad one or a MaxItems out of range), keeps only
the AWS managed policies attached to something, adds PolicyName and PolicyId, and encodes
the trust policies. Verified with boto3 and the AWS CLI --debug: MaxItems=1 pages two
roles in two answers, the paginator sees both, the policies listing holds the local ones
and only the attached AWS ones with their names, PolicyVersionList's default version has
IsDefaultVersion true, and AssumeRolePolicyDocument is percent-encoded.

Organizations accounts: moto 5.2 answers ListAccounts, ListAccountsForParent and
DescribeAccount with both Status and State for each account, where AWS retired Status on
9 September 2026 (shared/reference organizations-2016-11-28: "The Status parameter in the
API response will be retired on September 9, 2026 ... use the State parameter"), so a
client reading Status would pass against moto and fail against AWS. The launcher drops
Status from those answers. moto also pages ListAccounts 100 at a time and takes any
MaxResults, where the model allows 1 to 20: the launcher refuses another MaxResults with
InvalidInputException, pages 20 at a time when none is given, and leaves out a null
NextToken (AWS sends none on the last page). And moto answers ListAccounts from a member
account with an empty list, where AWS allows it only from the management account or a
delegated administrator ("You can only call this operation from the management account or
a member account that is a delegated administrator"): the launcher answers a member that
is neither AccessDeniedException, a delegated administrator (RegisterDelegatedAdministrator)
its organisation's accounts, and an account in no organisation
AWSOrganizationsNotInUseException, as moto already does for the management account's own
calls. CloseAccount is moto's (the account becomes
SUSPENDED at once; on AWS it is PENDING_CLOSURE first): either way it is no longer ACTIVE.
Verified with boto3: an organisation of 45 accounts lists in 3 pages of 20, 20 and 5 with
State and without Status; MaxResults=21 is refused; a closed account lists as SUSPENDED; a
member's keys get AccessDeniedException until the member is registered as a delegated
administrator, then the whole list.

Function URLs and who may call them: moto 5.2 has no ListFunctionUrlConfigs, and writes
AddPermission's FunctionUrlAuthType into the statement as a bare "FunctionUrlAuthType"
key, where Lambda writes it as a condition (shared/reference lambda-2015-03-31:
AddPermission's FunctionUrlAuthType, "restrict access to authenticated users only"; the
statement GetPolicy returns carries {"StringEquals": {"lambda:FunctionUrlAuthType":
"NONE"}}, as the Lambda developer guide's function-URL examples show). The launcher adds
    GET /2021-10-31/functions/{FunctionName}/urls[?Marker=M&MaxItems=N]
answering {"FunctionUrlConfigs": [...], "NextMarker": ...} as the model describes (every
member required there: FunctionUrl, FunctionArn, CreationTime, LastModifiedTime, AuthType;
Cors and InvokeMode as moto keeps them; MaxItems 1-50, pages of 50;
ResourceNotFoundException for an unknown function; an empty list for a function without a
URL), and rewrites the bare key into that condition (merged with SourceArn/SourceAccount
conditions moto already writes); InvokedViaFunctionUrl likewise (moto writes a bare
"InvokedViaFunctionUrl": true), which Lambda writes as {"Bool":
{"lambda:InvokedViaFunctionUrl": "true"}} (the model's AddPermission InvokedViaFunctionUrl,
"whether the permission applies when the function is invoked through a function URL"; the
statement the developer guide shows for a public URL since October 2025). moto keeps one URL per function and ignores Qualifier
(its FunctionArn is always the unqualified one); Lambda keeps one per qualifier (the
function or an alias; FunctionArn then ends in :ALIAS). The launcher keeps a URL per
Qualifier for Create/Get/Update/DeleteFunctionUrlConfig (ResourceNotFoundException for a
qualifier that is not an alias, or without a URL; ResourceConflictException for a second
URL on one qualifier), moto's own storage serving the unqualified one. Reserved concurrency: moto's
GetFunction omits Concurrency when ReservedConcurrentExecutions is 0 (falsy), where Lambda
returns {"ReservedConcurrentExecutions": 0} (a function throttled to zero); the launcher
returns it whenever one is set. Verified with boto3: add-permission --function-url-auth-type
NONE then get-policy shows the condition; create-function-url-config then
list-function-url-configs lists it (an empty list before, 404 for an unknown function);
put-function-concurrency 0 then get-function shows 0.

Principals and event source tokens: moto 5.2 writes AddPermission's Principal as given when
it is an account id or a service that does not end in .amazonaws.com
(alexa-appkit.amazon.com), and drops EventSourceToken, where Lambda writes {"AWS":
"arn:aws:iam::ACCOUNT:root"} for an account, {"Service": NAME} for every service, and the
token as {"StringEquals": {"lambda:EventSourceToken": TOKEN}} (shared/reference
lambda-2015-03-31: AddPermission's Principal "The Amazon Web Services service, Amazon Web
Services account, IAM user, or IAM role that invokes the function" and EventSourceToken
"For Alexa Smart Home functions, a token that the invoker must supply"; the developer
guide's resource-based policy examples show those forms). The launcher rewrites them so.
Verified with boto3: add-permission --principal 123456789012, and --principal
alexa-appkit.amazon.com --event-source-token T, then get-policy shows those forms.

Resource policies per qualifier: moto 5.2 keeps one policy per function and shares it
between the function, its versions and its aliases (AddPermission with a Qualifier appends
to it; GetPolicy of any qualifier returns every statement; RemovePermission ignores
Qualifier), where Lambda keeps one per qualifier (shared/reference lambda-2015-03-31:
AddPermission's Qualifier "to add permissions to a published version of the function",
GetPolicy's Qualifier "to get the policy for that resource", RemovePermission's Qualifier
"to remove permissions from a published version of the function"). The launcher keeps a
policy per version or alias (the statement's Resource ends in :QUALIFIER, as moto already
writes it), moto's own serving the unqualified function ($LATEST too): GetPolicy of a
qualifier without a policy answers 404 ResourceNotFoundException "The resource you
requested does not exist.", of an unknown qualifier "Function not found", and
RemovePermission removes from the qualifier's policy only. A qualifier inside a function
ARN counts as Qualifier does. Verified with boto3: a permission on alias live, one on
version 1 and one unqualified come back each from its own GetPolicy only; alias beta has
none (404); removing live's statement unqualified fails, with --qualifier live works.

Signature checking (--auth, or INITIAL_NO_AUTH_ACTION_COUNT in the environment): moto then
verifies SigV4 signatures and IAM policies, the way AWS does, so a client needs credentials
of a real (moto) IAM user. How that works in moto 5.2 (moto/core/authorization.py): every
request that reaches a service counts; the first INITIAL_NO_AUTH_ACTION_COUNT requests are
accepted without any check, all later ones are authenticated. A caller therefore spends the
free requests on bootstrapping an identity, e.g. with 3 of them:
    aws iam create-user --user-name admin
    aws iam create-access-key --user-name admin          -> AccessKeyId / SecretAccessKey
    aws iam put-user-policy --user-name admin --policy-name admin \
        --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
(an inline policy, because moto does not load AWS managed policies such as
AdministratorAccess unless MOTO_IAM_LOAD_MANAGED_POLICIES is set). From then on every
request must be signed with that key pair. moto also exposes POST /moto-api/reset-auth with
a number in the body, which sets the count of free requests left and restarts the count:
--auth with no --no-auth-actions starts with unlimited free requests, so a test can seed
freely and then switch checking on with a POST of "0" (tests/integration/stack.py does).

The patch: moto 5.2's IAMRequestBase._create_aws_request rebuilds the request to verify
with `data=self._body or self._data`. For a body-less request (every Lambda GET), `_data` is
the parsed query string (or, with no query, the request headers), so moto hashes those as
the payload instead of the empty body that every real SigV4 signer (botocore included)
hashes, and rejects a correct signature. We replace that one method, in this process only
(site-packages is never edited), so that it hashes the raw body (b"" for a GET; a form
body that Flask already consumed is re-encoded from `_data`, as before, which is what
IAM/STS query-protocol clients signed). Its second flaw is fixed in the same place: moto
passed the URL as werkzeug decoded it (%3A -> ':', %24 -> '$'), so an ARN in the path or
`Qualifier=$LATEST` canonicalised differently from what the client signed; the method now
uses the request target as it came off the wire (RawUriApp records it per request
thread), with each query key and value URI-encoded as SigV4 specifies. Verified with
boto3: correct keys pass, a wrong secret fails, for ListFunctions (with and without
FunctionVersion=ALL and Marker), ListAliases by name and by ARN, GetFunction with
Qualifier=$LATEST, ListEventSourceMappings, and STS AssumeRole sessions.
"""
import argparse
import os
import signal
import sys
import tempfile
import threading
import urllib.parse


def patch_moto_signature_check():
    """Make moto hash the raw request body, as SigV4 requires (see the module docstring)."""
    from botocore.awsrequest import AWSRequest
    from moto.iam import access_control

    base = access_control.IAMRequestBase

    def wire_target(fallback):
        # moto passes the URL as werkzeug rebuilt it, with %3A and %24 decoded; SigV4 signs
        # the path as sent (encoded once more) and each query key/value URI-encoded, so
        # use the request target as it came off the wire (see RawUriApp).
        raw = getattr(_current, "raw_uri", None)
        if not raw:
            return fallback
        parts = urllib.parse.urlsplit(raw)
        pairs = []
        for pair in parts.query.split("&") if parts.query else []:
            k, _, v = pair.partition("=")
            pairs.append(quote(unquote(k)) + "=" + quote(unquote(v)))
        return parts.path + ("?" + "&".join(pairs) if pairs else "")

    def payload(req):
        body = req._body
        if isinstance(body, str):
            body = body.encode("utf-8")
        if body:
            return body
        # Flask has already parsed (and consumed) a form body: moto re-encodes the parsed
        # form, in the order it was sent, which is what the query protocol (IAM, STS) signs.
        ctype = next((v for k, v in req._headers.items() if k.lower() == "content-type"), "")
        if ctype.lower().startswith("application/x-www-form-urlencoded"):
            return req._data
        return b""

    def _create_aws_request(self):
        signed_headers = self._get_string_between(
            "SignedHeaders=", ",", self._headers["Authorization"]
        ).split(";")
        headers = self._create_headers_for_aws_request(signed_headers, self._headers)
        request = AWSRequest(method=self._method, url=wire_target(self._path),
                             data=payload(self), headers=headers)
        request.context["timestamp"] = headers["X-Amz-Date"]
        return request

    if not hasattr(base, "_create_aws_request"):
        raise SystemExit("moto_server.py: this moto has no IAMRequestBase._create_aws_request; "
                         "the signature patch needs updating for moto " + moto_version())
    base._create_aws_request = _create_aws_request


_current = threading.local()


def quote(s):
    return urllib.parse.quote(s, safe="-_.~")


def unquote(s):
    return urllib.parse.unquote(s)


class RawUriApp:
    """WSGI wrapper that remembers, per request thread, the request target as sent."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        _current.raw_uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
        try:
            return self.app(environ, start_response)
        finally:
            _current.raw_uri = None


# Lambda's page sizes: ListFunctions returns at most 50 entries whatever MaxItems says,
# ListAliases 50 by default, ListEventSourceMappings at most 100 (LAMBDA-API-NOTES.md).
LAMBDA_PAGES = {
    "list_functions": ("Functions", 50, 50),
    "list_aliases": ("Aliases", 50, 10000),
    "list_event_source_mappings": ("EventSourceMappings", 100, 100),
    "list_layer_versions": ("LayerVersions", 50, 50),
}


def patch_moto_iam_policy_version_document():
    """GetPolicyVersion's Document URL-encoded (RFC 3986), as AWS sends it (moto 5.2 sends
    the JSON text as is, though it encodes GetRolePolicy's PolicyDocument)."""
    from moto.core.serialize import url_encode
    from moto.iam.responses import IamResponse

    IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER = dict(
        IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER,
        **{"GetPolicyVersionResponse.PolicyVersion.Document": url_encode})


def patch_moto_iam_authorization_details():
    """GetAccountAuthorizationDetails as IAM answers it (moto 5.2: one answer of everything,
    every loaded AWS managed policy, ManagedPolicyDetail without PolicyName and PolicyId,
    AssumeRolePolicyDocument as plain JSON). See the module docstring."""
    import base64
    from moto.core.responses import ActionResult
    from moto.core.serialize import url_encode
    from moto.iam.exceptions import ValidationError
    from moto.iam.models import AWSManagedPolicy, ManagedPolicy
    from moto.iam.responses import IamResponse

    ManagedPolicy.policy_name = property(lambda self: self.name)
    ManagedPolicy.policy_id = property(lambda self: self.id)
    IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER = dict(
        IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER,
        **{"RoleDetailList.RoleDetail.AssumeRolePolicyDocument": url_encode,
           "InstanceProfileList.InstanceProfile.Roles.Role.AssumeRolePolicyDocument":
               url_encode})
    lists = ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies")
    keys = ("users", "groups", "roles", "managed_policies")

    def in_use(policy):
        return not isinstance(policy, AWSManagedPolicy) or policy.attachment_count > 0

    def offset(marker):
        try:
            prefix, _, n = base64.b64decode(marker, validate=True).decode().partition(":")
            if prefix == "lambdrift-moto-gaad":
                return int(n)
        except ValueError:
            pass
        raise ValidationError(f"Invalid Marker: {marker}")

    def get_account_authorization_details(self):
        filters = self._get_param("Filter", [])
        max_items = self._get_int_param("MaxItems", 100)
        if not 1 <= max_items <= 1000:
            raise ValidationError("MaxItems must be between 1 and 1000")
        marker = self._get_param("Marker")
        start = offset(marker) if marker else 0
        details = self.backend.get_account_authorization_details(filters)
        items = [(name, item) for name, key in zip(lists, keys) for item in details[key]
                 if name != "Policies" or in_use(item)]
        page = items[start:start + max_items]
        result = {name: [item for n, item in page if n == name] for name in lists}
        result["IsTruncated"] = start + max_items < len(items)
        if result["IsTruncated"]:
            result["Marker"] = base64.b64encode(
                f"lambdrift-moto-gaad:{start + max_items}".encode()).decode()
        return ActionResult(result)

    IamResponse.get_account_authorization_details = get_account_authorization_details


def patch_moto_lambda_pagination():
    """Page moto's Lambda listings the way Lambda does (moto 5.2 returns one page of all).

    The marker is opaque to clients, as on AWS; it is base64 with '=' padding, so clients
    must URL-encode it in the next request (and sign it encoded)."""
    import base64
    import json
    from moto.awslambda.responses import LambdaResponse

    def encode(offset):
        return base64.b64encode(f"lambdrift-moto-offset:{offset:06d}".encode()).decode()

    def decode(marker):
        try:
            text = base64.b64decode(marker, validate=True).decode()
            prefix, _, offset = text.partition(":")
            if prefix != "lambdrift-moto-offset":
                raise ValueError(marker)
            return int(offset)
        except ValueError:
            return None

    def error(message):
        body = json.dumps({"Type": "User", "message": message})
        return 400, {"status": 400, "x-amzn-ErrorType": "InvalidParameterValueException"}, body

    def paged(method, key, default, cap):
        def wrapper(self):
            marker = self.querystring.get("Marker", [None])[0]
            max_items = self.querystring.get("MaxItems", [None])[0]
            start = 0
            if marker:
                start = decode(marker)
                if start is None:
                    return error("invalid Marker")
            size = default
            if max_items is not None:
                if not max_items.isdigit() or not 1 <= int(max_items) <= 10000:
                    return error("MaxItems must be between 1 and 10000")
                size = min(int(max_items), cap)
            result = method(self)
            status, headers = 200, {}
            if isinstance(result, tuple):
                status, headers, result = result
            if status != 200:
                return status, headers, result
            doc = json.loads(result)
            items = doc.get(key, [])
            doc[key] = items[start:start + size]
            if start + size < len(items):
                doc["NextMarker"] = encode(start + size)
            else:
                doc.pop("NextMarker", None)
            return status, headers, json.dumps(doc)
        return wrapper

    for name, (key, default, cap) in LAMBDA_PAGES.items():
        setattr(LambdaResponse, name, paged(getattr(LambdaResponse, name), key, default, cap))


def patch_moto_lambda_layer_versions_by_arn():
    """Let ListLayerVersions take a layer ARN, as AWS does (see the module docstring).

    Applied before the pagination patch, which then pages what this returns."""
    import json
    from moto.awslambda.exceptions import UnknownLayerException
    from moto.awslambda.responses import LambdaResponse

    def list_layer_versions(self):
        name = unquote(self.path.rsplit("/", 2)[-2])
        try:
            layer = self.backend._layers._find_layer_by_name_or_arn(name)
            versions = list(layer.layer_versions.values())
        except UnknownLayerException:
            versions = []
        versions.sort(key=lambda lv: lv.version, reverse=True)
        return json.dumps({"LayerVersions": [lv.get_layer_version() for lv in versions]})

    LambdaResponse.list_layer_versions = list_layer_versions


# Code serving (see the module docstring): where the code routes live, the random token
# that stands in for a presigned URL's signature, the versions whose bytes are corrupted
# (("code", account, region, function, version) or ("layer", account, region, layer, version)).
CODE_PREFIX = "/_lambdrift/code/"
LAYER_PREFIX = "/_lambdrift/layer/"
_code = {"port": None, "token": None, "corrupt": set(), "lock": threading.Lock()}


def served_url(prefix, account, region, name, version):
    """A URL on this server shaped like a presigned S3 URL, with the token as its signature."""
    return "http://127.0.0.1:%d%s%s/%s/%s/%s?%s" % (
        _code["port"], prefix, quote(account), quote(region), quote(name), quote(str(version)),
        urllib.parse.urlencode({"X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                                "X-Amz-Expires": "600",
                                "X-Amz-Signature": _code["token"]}))


def patch_moto_lambda_layer_location():
    """Point GetLayerVersion's Content.Location at this server (moto's is "s3://")."""
    import json
    from moto.awslambda.responses import LambdaResponse

    original = LambdaResponse.get_layer_version

    def get_layer_version(self):
        result = original(self)
        if not isinstance(result, str) or _code["port"] is None:
            return result
        doc = json.loads(result)
        content = doc.get("Content")
        if not isinstance(content, dict):
            return result
        # resolve the layer version as moto's handler did (by name or layer ARN)
        lv = self.backend.get_layer_version(unquote(self.path.split("/")[-3]),
                                            self.path.split("/")[-1])
        content["Location"] = served_url(LAYER_PREFIX, lv.account_id, lv.region, lv.name,
                                         lv.version)
        return json.dumps(doc)

    LambdaResponse.get_layer_version = get_layer_version


def patch_moto_lambda_code_location():
    """Point GetFunction's Code.Location at this server (moto's is an undownloadable S3 URL)."""
    import json
    import secrets
    from moto.awslambda.models import lambda_backends
    from moto.awslambda.responses import LambdaResponse

    _code["token"] = secrets.token_hex(16)
    original = LambdaResponse.get_function

    def get_function(self):
        result = original(self)
        if not isinstance(result, str) or _code["port"] is None:
            return result
        doc = json.loads(result)
        code = doc.get("Code") or {}
        conf = doc.get("Configuration") or {}
        if code.get("RepositoryType") != "S3" or conf.get("PackageType", "Zip") != "Zip":
            return result
        # Resolve the function the same way moto's handler did, to learn its real version
        # (an alias qualifier names a version).
        name = urllib.parse.unquote(self.path.rsplit("/", 1)[-1])
        qualifier = self._get_param("Qualifier", None)
        fn = self.backend.get_function(name, qualifier)
        code["Location"] = served_url(CODE_PREFIX, fn.account_id, fn.region, fn.function_name,
                                      fn.version)
        doc["Code"] = code
        return json.dumps(doc)

    LambdaResponse.get_function = get_function
    return lambda_backends


class CodeApp:
    """WSGI wrapper serving /_lambdrift/code/..., /_lambdrift/layer/... and the
    corrupt/uncorrupt controls."""

    def __init__(self, app, backends):
        self.app = app
        self.backends = backends

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if path.startswith(CODE_PREFIX):
            return self.serve(environ, start_response, "code", path[len(CODE_PREFIX):])
        if path.startswith(LAYER_PREFIX):
            return self.serve(environ, start_response, "layer", path[len(LAYER_PREFIX):])
        if path in ("/_lambdrift/corrupt", "/_lambdrift/uncorrupt"):
            return self.control(environ, start_response, path.endswith("/corrupt"))
        return self.app(environ, start_response)

    @staticmethod
    def reply(start_response, status, body, ctype="text/plain"):
        start_response(status, [("Content-Type", ctype), ("Content-Length", str(len(body)))])
        return [body]

    def lookup(self, kind, account, region, name, version):
        backend = self.backends[account][region]
        if kind == "layer":
            return backend.get_layer_version(name, version).code_bytes
        return backend.get_function(name, version).code_bytes

    def serve(self, environ, start_response, kind, rest):
        parts = [urllib.parse.unquote(p) for p in rest.split("/")]
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        if len(parts) != 4 or query.get("X-Amz-Signature") != [_code["token"]]:
            return self.reply(start_response, "403 Forbidden", b"AccessDenied")
        key = (kind, *parts)
        try:
            data = self.lookup(*key)
        except Exception:  # noqa: BLE001 - any lookup failure is S3's NoSuchKey
            return self.reply(start_response, "404 Not Found", b"NoSuchKey")
        with _code["lock"]:
            corrupt = key in _code["corrupt"]
        if corrupt and data:
            data = data[:-1] + bytes([data[-1] ^ 0xFF])
        return self.reply(start_response, "200 OK", data, "application/zip")

    def control(self, environ, start_response, corrupt):
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        get = lambda k, d=None: (query.get(k) or [d])[0]  # noqa: E731
        kind = "layer" if get("layer") else "code"
        name = get("layer") or get("function")
        if environ.get("REQUEST_METHOD") != "POST" or not name or not get("version"):
            return self.reply(start_response, "400 Bad Request",
                              b"POST with function= (or layer=) and version= (region=, account=)")
        key = (kind, get("account", "123456789012"), get("region", "us-east-1"), name,
               get("version"))
        try:
            self.lookup(*key)
        except Exception:  # noqa: BLE001
            return self.reply(start_response, "404 Not Found",
                              b"no such %s version" % (b"layer" if kind == "layer" else b"function"))
        with _code["lock"]:
            (_code["corrupt"].add if corrupt else _code["corrupt"].discard)(key)
        return self.reply(start_response, "200 OK", b"ok")


def patch_moto_kms_sign():
    """KMS Sign/Verify as the API model says AWS does them (see the module docstring)."""
    import base64
    import json
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, utils
    from moto.core.exceptions import JsonRESTError
    from moto.kms.exceptions import ValidationException
    from moto.kms.responses import KmsResponse

    def message_and_key(self):
        key_id = self._get_param("KeyId")
        message_type = self._get_param("MessageType") or "RAW"
        algorithm = self._get_param("SigningAlgorithm")
        self._validate_key_id(key_id)
        message = self._get_param("Message") or b""  # KmsResponse decodes the base64
        if not message:
            raise ValidationException("1 validation error detected: Value at 'Message' "
                                      "failed to satisfy constraint: Member must have "
                                      "length greater than or equal to 1")
        key = self.kms_backend.describe_key(key_id)
        if (algorithm not in key.signing_algorithms or
                not isinstance(getattr(key.private_key, "private_key", None),
                               ec.EllipticCurvePrivateKey)):
            return None  # RSA keys and bad algorithms: moto's own answer
        if algorithm != "ECDSA_SHA_256":
            return None
        if message_type == "DIGEST":
            if len(message) != 32:
                raise ValidationException("Digest is invalid length for algorithm "
                                          "ECDSA_SHA_256.")
            how = ec.ECDSA(utils.Prehashed(hashes.SHA256()))
        elif message_type == "RAW":
            how = ec.ECDSA(hashes.SHA256())
        else:
            raise ValidationException("MessageType must be RAW or DIGEST")
        return key, message, how, algorithm

    original_sign, original_verify = KmsResponse.sign, KmsResponse.verify

    def sign(self):
        got = message_and_key(self)
        if got is None:
            return original_sign(self)
        key, message, how, algorithm = got
        signature = key.private_key.private_key.sign(message, how)
        return json.dumps({"KeyId": key.arn, "Signature": base64.b64encode(signature).decode(),
                           "SigningAlgorithm": algorithm})

    def verify(self):
        got = message_and_key(self)
        if got is None:
            return original_verify(self)
        key, message, how, algorithm = got
        try:
            signature = base64.b64decode(self._get_param("Signature") or "", validate=True)
            key.private_key.private_key.public_key().verify(signature, message, how)
            valid = True
        except (InvalidSignature, ValueError):
            valid = False
        if not valid:
            raise JsonRESTError("KMSInvalidSignatureException",
                                "The signature does not verify with the key.")
        return json.dumps({"KeyId": key.arn, "SignatureValid": True,
                           "SigningAlgorithm": algorithm})

    KmsResponse.sign = sign
    KmsResponse.verify = verify


def patch_moto_organizations_accounts():
    """ListAccounts as AWS answers it since Status was retired (see the module docstring)."""
    import json
    from moto.organizations.exceptions import (AWSOrganizationsNotInUseException,
                                               InvalidInputException,
                                               OrganizationsClientError)
    from moto.organizations.models import organizations_backends
    from moto.organizations.responses import OrganizationsResponse

    class AccessDeniedException(OrganizationsClientError):
        def __init__(self):
            super().__init__("AccessDeniedException",
                             "You don't have permissions to access this resource.")

    def listing_backend(self):
        # the management account lists; a delegated administrator lists its organisation's;
        # any other member is refused; an account in no organisation is told so
        b = self.organizations_backend
        if b.org is not None:
            return b
        master = organizations_backends.master_accounts.get(b.account_id)
        if master is None:
            raise AWSOrganizationsNotInUseException()
        mb = organizations_backends[master[0]][master[1]]
        if not any(a.account.id == b.account_id for a in mb.admins):
            raise AccessDeniedException()
        return mb

    def without_status(account):
        return {k: v for k, v in account.items() if k != "Status"}

    def list_accounts(self):
        max_results = self._get_int_param("MaxResults")
        if max_results is not None and not 1 <= max_results <= 20:
            raise InvalidInputException(
                "1 validation error detected: Value at 'maxResults' failed to satisfy "
                "constraint: Member must have value less than or equal to 20")
        accounts, token = listing_backend(self).list_accounts(
            max_results=max_results or 20, next_token=self._get_param("NextToken"))
        body = {"Accounts": [without_status(a) for a in accounts]}
        if token:
            body["NextToken"] = token
        return json.dumps(body)

    original_for_parent = OrganizationsResponse.list_accounts_for_parent
    original_describe = OrganizationsResponse.describe_account

    def list_accounts_for_parent(self):
        body = json.loads(original_for_parent(self))
        body["Accounts"] = [without_status(a) for a in body.get("Accounts", [])]
        if not body.get("NextToken"):
            body.pop("NextToken", None)
        return json.dumps(body)

    def describe_account(self):
        body = json.loads(original_describe(self))
        body["Account"] = without_status(body.get("Account", {}))
        return json.dumps(body)

    OrganizationsResponse.list_accounts = list_accounts
    OrganizationsResponse.list_accounts_for_parent = list_accounts_for_parent
    OrganizationsResponse.describe_account = describe_account


def patch_moto_lambda_kms_key():
    """Keep and return a function's KMSKeyArn as Lambda does (see the module docstring)."""
    from moto.awslambda.models import LambdaFunction

    init, get_cfg, update = (LambdaFunction.__init__, LambdaFunction.get_configuration,
                             LambdaFunction.update_configuration)

    def __init__(self, account_id, spec, *args, **kwargs):
        init(self, account_id, spec, *args, **kwargs)
        self.lambdrift_kms_key = spec.get("KMSKeyArn") or None

    def get_configuration(self, *args, **kwargs):
        config = get_cfg(self, *args, **kwargs)
        key = getattr(self, "lambdrift_kms_key", None)
        if key:
            config["KMSKeyArn"] = key
        return config

    def update_configuration(self, config_updates):
        if "KMSKeyArn" in config_updates:
            self.lambdrift_kms_key = config_updates["KMSKeyArn"] or None
        return update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


def patch_moto_lambda_logging_config():
    """Keep and return a function's LoggingConfig as Lambda does (see the module docstring)."""
    from moto.awslambda.models import LambdaFunction

    init, get_cfg, update = (LambdaFunction.__init__, LambdaFunction.get_configuration,
                             LambdaFunction.update_configuration)

    def __init__(self, account_id, spec, *args, **kwargs):
        init(self, account_id, spec, *args, **kwargs)
        self.lambdrift_logging = dict(spec.get("LoggingConfig") or {})

    def get_configuration(self, *args, **kwargs):
        config = get_cfg(self, *args, **kwargs)
        logging = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{self.function_name}"}
        logging.update(getattr(self, "lambdrift_logging", {}))
        config["LoggingConfig"] = logging
        return config

    def update_configuration(self, config_updates):
        if isinstance(config_updates.get("LoggingConfig"), dict):
            merged = dict(getattr(self, "lambdrift_logging", {}))
            merged.update(config_updates["LoggingConfig"])
            self.lambdrift_logging = merged
        return update(self, config_updates)

    LambdaFunction.__init__ = __init__
    LambdaFunction.get_configuration = get_configuration
    LambdaFunction.update_configuration = update_configuration


def patch_moto_lambda_code_signing():
    """Add the code-signing-config API moto 5.2 lacks (see the module docstring)."""
    import datetime
    import json
    import re
    import secrets
    from moto.awslambda import urls
    from moto.awslambda.exceptions import UnknownFunctionException
    from moto.awslambda.responses import LambdaResponse

    urls.url_paths.update({
        r"{0}/(?P<api_version>[^/]+)/code-signing-configs/?$": LambdaResponse.dispatch,
        r"{0}/(?P<api_version>[^/]+)/code-signing-configs/(?P<csc_arn>[^/]+)/?$":
            LambdaResponse.dispatch,
        r"{0}/(?P<api_version>[^/]+)/code-signing-configs/(?P<csc_arn>[^/]+)/functions/?$":
            LambdaResponse.dispatch,
    })
    csc_arn_re = re.compile(r"arn:(aws[a-zA-Z-]*)?:lambda:(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?"
                            r"-[a-z]+-\d{1}:\d{12}:code-signing-config:csc-[a-z0-9]{17}$")
    lock = threading.RLock()

    def err(status, kind, message):
        body = json.dumps({"Type": "User", "message": message})
        return status, {"status": status, "x-amzn-ErrorType": kind}, body

    def store(self):
        with lock:
            if not hasattr(self.backend, "_lambdrift_csc"):
                self.backend._lambdrift_csc = {}
            return self.backend._lambdrift_csc

    def page(self, items, key):
        marker = self.querystring.get("Marker", [None])[0]
        max_items = self.querystring.get("MaxItems", [None])[0]
        start, size = 0, 50
        if marker:
            if not marker.startswith("csc-page:") or not marker[9:].isdigit():
                return err(400, "InvalidParameterValueException", "invalid Marker")
            start = int(marker[9:])
        if max_items is not None:
            if not max_items.isdigit() or not 1 <= int(max_items) <= 10000:
                return err(400, "InvalidParameterValueException",
                           "MaxItems must be between 1 and 10000")
            size = min(int(max_items), 50)
        doc = {key: items[start:start + size]}
        if start + size < len(items):
            doc["NextMarker"] = "csc-page:%d" % (start + size)
        return 200, {}, json.dumps(doc)

    def path_arn(self):
        parts = self.path.split("?")[0].rstrip("/").split("/")
        arn = unquote(parts[3]) if len(parts) > 3 else ""
        return arn

    def find(self, arn):
        if not csc_arn_re.match(arn or ""):
            return None, err(400, "InvalidParameterValueException",
                             "1 validation error detected: Value '%s' at "
                             "'codeSigningConfigArn' failed to satisfy constraint" % arn)
        found = store(self).get(arn)
        if not found:
            return None, err(404, "CodeSigningConfigNotFoundException",
                             "The code signing configuration cannot be found. Check that "
                             "the provided configuration is not deleted: %s." % arn)
        return found, None

    def create_code_signing_config(self):
        body = self.json_body or {}
        publishers = (body.get("AllowedPublishers") or {}).get("SigningProfileVersionArns")
        if not isinstance(publishers, list) or not 1 <= len(publishers) <= 20:
            return err(400, "InvalidParameterValueException",
                       "AllowedPublishers.SigningProfileVersionArns must list 1 to 20 ARNs")
        policy = (body.get("CodeSigningPolicies") or {}).get("UntrustedArtifactOnDeployment",
                                                              "Warn")
        if policy not in ("Warn", "Enforce"):
            return err(400, "InvalidParameterValueException",
                       "UntrustedArtifactOnDeployment must be Warn or Enforce")
        ident = "csc-" + "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                 for _ in range(17))
        arn = "arn:%s:lambda:%s:%s:code-signing-config:%s" % (
            self.partition, self.region, self.current_account, ident)
        now = datetime.datetime.now(datetime.timezone.utc)
        config = {
            "CodeSigningConfigId": ident,
            "CodeSigningConfigArn": arn,
            "Description": body.get("Description", ""),
            "AllowedPublishers": {"SigningProfileVersionArns": publishers},
            "CodeSigningPolicies": {"UntrustedArtifactOnDeployment": policy},
            "LastModified": now.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+0000" % (
                now.microsecond // 1000),
        }
        with lock:
            store(self)[arn] = config
        return 201, {"status": 201}, json.dumps({"CodeSigningConfig": config})

    def list_code_signing_configs(self):
        with lock:
            items = list(store(self).values())
        return page(self, items, "CodeSigningConfigs")

    def get_code_signing_config(self):
        config, failure = find(self, path_arn(self))
        return failure or (200, {}, json.dumps({"CodeSigningConfig": config}))

    def functions_of(self, arn):
        return [fn for fn in self.backend.list_functions()
                if getattr(fn, "code_signing_config_arn", None) == arn]

    def list_functions_by_code_signing_config(self):
        arn = path_arn(self)
        config, failure = find(self, arn)
        if failure:
            # AWS answers ResourceNotFoundException here (its model declares no
            # CodeSigningConfigNotFoundException for this call)
            if failure[0] == 404:
                return err(404, "ResourceNotFoundException", failure[2] and json.loads(
                    failure[2])["message"])
            return failure
        arns = sorted(fn.function_arn for fn in functions_of(self, arn))
        return page(self, arns, "FunctionArns")

    def function_or_error(self):
        name = unquote(self.path.rsplit("/", 2)[-2])
        try:
            return self.backend.get_function(name), None
        except UnknownFunctionException as e:
            return None, err(404, "ResourceNotFoundException", e.message)

    def put_function_code_signing_config(self):
        fn, failure = function_or_error(self)
        if failure:
            return failure
        arn = (self.json_body or {}).get("CodeSigningConfigArn", "")
        config, failure = find(self, arn)
        if failure:
            return failure
        if fn.package_type == "Image":
            return err(400, "InvalidParameterValueException",
                       "Code signing is not supported for container image functions.")
        fn.code_signing_config_arn = arn
        return 200, {}, json.dumps({"CodeSigningConfigArn": arn,
                                    "FunctionName": fn.function_name})

    def get_function_code_signing_config(self):
        fn, failure = function_or_error(self)
        if failure:
            return failure
        return 200, {}, json.dumps({"CodeSigningConfigArn": fn.code_signing_config_arn or "",
                                    "FunctionName": fn.function_name})

    def delete_function_code_signing_config(self):
        fn, failure = function_or_error(self)
        if failure:
            return failure
        fn.code_signing_config_arn = None
        return 204, {"status": 204}, ""

    own_create_function = LambdaResponse.create_function

    def create_function(self):
        # moto keeps CreateFunction's CodeSigningConfigArn without looking at it; Lambda
        # refuses a malformed or unknown config, and any config on a container image
        arn = (self.json_body or {}).get("CodeSigningConfigArn")
        if arn is not None:
            _, failure = find(self, arn)
            if failure:
                return failure
            if (self.json_body or {}).get("PackageType") == "Image":
                return err(400, "InvalidParameterValueException",
                           "Code signing is not supported for container image functions.")
        return own_create_function(self)

    for f in (create_code_signing_config, list_code_signing_configs, get_code_signing_config,
              list_functions_by_code_signing_config, put_function_code_signing_config,
              get_function_code_signing_config, delete_function_code_signing_config,
              create_function):
        setattr(LambdaResponse, f.__name__, f)


def patch_moto_lambda_function_urls():
    """ListFunctionUrlConfigs, the FunctionUrlAuthType condition and reserved concurrency 0
    as Lambda answers them (see the module docstring)."""
    import json
    import re
    from moto.awslambda import urls
    from moto.awslambda.exceptions import UnknownFunctionException
    from moto.awslambda.models import FunctionUrlConfig, LambdaFunction
    from moto.awslambda.policy import Policy
    from moto.awslambda.responses import LambdaResponse

    urls.url_paths.update({
        r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/urls/?$":
            LambdaResponse.dispatch,
    })
    lock = threading.RLock()

    def err(status, kind, message):
        body = json.dumps({"Type": "User", "message": message})
        return status, {"status": status, "x-amzn-ErrorType": kind}, body

    def list_function_url_configs(self):
        name = unquote(self.path.split("?")[0].rstrip("/").split("/")[-2])
        try:
            fn = self.backend.get_function(name)
        except UnknownFunctionException as e:
            return err(404, "ResourceNotFoundException", e.message)
        items = [fn.url_config.to_dict()] if fn.url_config else []
        items += [qualified_dict(cfg, q) for q, cfg in sorted(qualified_urls(fn).items())]
        marker = self.querystring.get("Marker", [None])[0]
        max_items = self.querystring.get("MaxItems", [None])[0]
        start, size = 0, 50
        if marker:
            if not marker.startswith("url-page:") or not marker[9:].isdigit():
                return err(400, "InvalidParameterValueException", "invalid Marker")
            start = int(marker[9:])
        if max_items is not None:
            if not max_items.isdigit() or not 1 <= int(max_items) <= 50:
                return err(400, "InvalidParameterValueException",
                           "MaxItems must be between 1 and 50")
            size = int(max_items)
        for item in items:
            if item.get("Cors") is None:
                item.pop("Cors", None)
        doc = {"FunctionUrlConfigs": items[start:start + size]}
        if start + size < len(items):
            doc["NextMarker"] = "url-page:%d" % (start + size)
        return 200, {}, json.dumps(doc)

    def qualified_urls(fn):
        with lock:
            if not hasattr(fn, "_lambdrift_urls"):
                fn._lambdrift_urls = {}
            return fn._lambdrift_urls

    def qualified_dict(cfg, qualifier):
        d = cfg.to_dict()
        d["FunctionArn"] = cfg.function.function_arn + ":" + qualifier
        return d

    def url_target(self):
        """(function, qualifier, error) of a .../url request that names a Qualifier."""
        name = unquote(self.path.split("?")[0].rstrip("/").split("/")[-2])
        qualifier = self.querystring.get("Qualifier", [None])[0]
        try:
            fn = self.backend.get_function(name)
        except UnknownFunctionException as e:
            return None, qualifier, err(404, "ResourceNotFoundException", e.message)
        if qualifier not in self.backend._lambdas._get_function_aliases(fn.function_name):
            return None, qualifier, err(404, "ResourceNotFoundException",
                                        "The resource you requested does not exist.")
        return fn, qualifier, None

    def wrap(op):
        own = getattr(LambdaResponse, op)

        def handler(self):
            if not self.querystring.get("Qualifier", [None])[0]:
                return own(self)
            fn, q, failure = url_target(self)
            if failure:
                return failure
            store = qualified_urls(fn)
            if op == "create_function_url_config":
                if q in store:
                    return err(409, "ResourceConflictException",
                               "Failed to create function url config for [functionArn = %s:%s]."
                               " Error message:  FunctionUrlConfig exists for this Lambda "
                               "function" % (fn.function_arn, q))
                store[q] = FunctionUrlConfig(function=fn, config=dict(self.json_body or {}))
                return 201, {"status": 201}, json.dumps(qualified_dict(store[q], q))
            if q not in store:
                return err(404, "ResourceNotFoundException",
                           "The resource you requested does not exist.")
            if op == "delete_function_url_config":
                del store[q]
                return 204, {"status": 204}, "{}"
            if op == "update_function_url_config":
                store[q].update(self.json_body or {})
            return 200, {}, json.dumps(qualified_dict(store[q], q))

        setattr(LambdaResponse, op, handler)

    for op in ("create_function_url_config", "get_function_url_config",
               "update_function_url_config", "delete_function_url_config"):
        wrap(op)
    LambdaResponse.list_function_url_configs = list_function_url_configs

    decode = Policy.decode_policy

    def decode_policy(self, obj):
        auth = obj.pop("FunctionUrlAuthType", None)
        via_url = obj.pop("InvokedViaFunctionUrl", None)
        token = obj.get("EventSourceToken")  # moto drops it; Lambda writes a condition
        principal = obj.get("Principal")
        if isinstance(principal, str) and re.fullmatch(r"[0-9]{12}", principal):
            obj["Principal"] = {"AWS": "arn:aws:iam::%s:root" % principal}
        elif (isinstance(principal, str) and principal != "*" and "." in principal
              and not principal.startswith("arn:")):
            obj["Principal"] = {"Service": principal}
        policy = decode(self, obj)
        st = policy.statements[0]
        if token:
            cond = st.setdefault("Condition", {})
            cond.setdefault("StringEquals", {})["lambda:EventSourceToken"] = token
        if auth is not None:
            cond = st.setdefault("Condition", {})
            cond.setdefault("StringEquals", {})["lambda:FunctionUrlAuthType"] = auth
        if via_url:
            cond = st.setdefault("Condition", {})
            cond.setdefault("Bool", {})["lambda:InvokedViaFunctionUrl"] = "true"
        return policy

    Policy.decode_policy = decode_policy

    get_code = LambdaFunction.get_code

    def get_code_with_concurrency(self):
        resp = get_code(self)
        if self.reserved_concurrency is not None:
            resp["Concurrency"] = {"ReservedConcurrentExecutions":
                                   int(self.reserved_concurrency)}
        return resp

    LambdaFunction.get_code = get_code_with_concurrency


def patch_moto_lambda_policies():
    """One resource policy per qualifier, as Lambda keeps them (see the module docstring)."""
    import re
    from moto.awslambda.exceptions import UnknownPolicyException
    from moto.awslambda.models import LambdaBackend
    from moto.awslambda.policy import Policy
    from moto.awslambda.responses import LambdaResponse
    from moto.utilities.utils import ARN_PARTITION_REGEX

    lock = threading.RLock()
    add, get = LambdaBackend.add_permission, LambdaBackend.get_policy

    def split(backend, name, qualifier):
        """(unqualified function, qualifier or None); a qualifier in the ARN counts, an
        unknown function or qualifier raises moto's ResourceNotFoundException."""
        if re.match(ARN_PARTITION_REGEX, name):
            _, name, in_arn = backend._lambdas.split_function_arn(name)
            qualifier = in_arn or qualifier
        if qualifier in (None, "", "$LATEST"):
            return backend.get_function(name), None
        backend.get_function(name, qualifier)  # an unknown version or alias: 404
        return backend.get_function(name), qualifier

    def store(fn, qualifier):
        with lock:
            if not hasattr(fn, "_lambdrift_policies"):
                fn._lambdrift_policies = {}
            return fn._lambdrift_policies.setdefault(qualifier, Policy(fn))

    def add_permission(self, function_name, qualifier, raw):
        fn, q = split(self, function_name, qualifier)
        if q is None:
            return add(self, function_name, None, raw)
        statement, _ = store(fn, q).add_statement(raw, q)
        return statement

    def get_policy(self, function_name, qualifier=None):
        fn, q = split(self, function_name, qualifier)
        if q is None:
            return get(self, function_name, None)
        return store(fn, q).wire_format()

    def remove_permission(self):
        name = unquote(self.path.split("/")[-3])
        sid = self.path.split("/")[-1].split("?")[0]
        qualifier = self.querystring.get("Qualifier", [None])[0]
        revision = self.querystring.get("RevisionId", [""])[0]
        fn, q = split(self.backend, name, qualifier)
        policy = fn.policy if q is None else store(fn, q)
        if not policy.statements:
            raise UnknownPolicyException()
        policy.del_statement(sid, revision)
        return 204, {"status": 204}, "{}"

    LambdaBackend.add_permission = add_permission
    LambdaBackend.get_policy = get_policy
    LambdaResponse.remove_permission = remove_permission


def moto_version():
    import moto

    return getattr(moto, "__version__", "?")


def write_port_file(path, port):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".moto-port.", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(f"{port}\n")
    os.replace(tmp, path)


def parse_args(argv):
    p = argparse.ArgumentParser(description="run moto on 127.0.0.1 on a free port")
    p.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    p.add_argument("--port-file", help="write the port to this file once listening")
    p.add_argument("--auth", action="store_true",
                   help="check SigV4 signatures and IAM policies (patched to hash the raw body)")
    p.add_argument("--no-auth-actions", type=float, default=None,
                   help="with --auth: requests accepted unchecked before checking starts "
                        "(default: INITIAL_NO_AUTH_ACTION_COUNT, else unlimited until "
                        "POST /moto-api/reset-auth)")
    p.add_argument("--quiet", action="store_true", help="do not log requests")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    # moto reads these at import time.
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "false")
    # AWS's managed policies (AWSLambdaBasicExecutionRole, ...) exist in every account, as
    # on AWS; moto creates them only with this set (the posture tests attach them)
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    env_count = os.environ.get("INITIAL_NO_AUTH_ACTION_COUNT")
    auth = args.auth or env_count is not None

    from moto import settings
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server, WSGIRequestHandler

    patch_moto_lambda_layer_versions_by_arn()
    patch_moto_lambda_pagination()
    patch_moto_iam_policy_version_document()
    patch_moto_iam_authorization_details()
    backends = patch_moto_lambda_code_location()
    patch_moto_lambda_layer_location()
    patch_moto_lambda_code_signing()
    patch_moto_kms_sign()
    patch_moto_lambda_kms_key()
    patch_moto_lambda_logging_config()
    patch_moto_organizations_accounts()
    patch_moto_lambda_function_urls()
    patch_moto_lambda_policies()
    if auth:
        patch_moto_signature_check()
        count = args.no_auth_actions
        if count is None:
            count = float(env_count) if env_count is not None else float("inf")
        settings.INITIAL_NO_AUTH_ACTION_COUNT = count
    else:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf")

    handler = WSGIRequestHandler
    if args.quiet:
        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *a, **k):
                pass
        handler = QuietHandler

    app = DomainDispatcherApplication(create_backend_app)
    if auth:
        app = RawUriApp(app)
    app = CodeApp(app, backends)
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=handler)
    port = server.server_port
    _code["port"] = port

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.port_file:
        write_port_file(args.port_file, port)
    print(f"port {port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
