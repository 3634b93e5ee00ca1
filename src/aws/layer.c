/*
 * Layer versions (see layer.h): the ARN of an attached layer version split into its parts,
 * GetLayerVersion for its content, and ListLayerVersions followed over every page for the
 * newest version. Both calls go to the region the ARN names (a layer lives in one region,
 * whatever the function's session says) and are counted in the shared 15 req/s class. The
 * layer ARN, not its bare name, is the path's LayerName, so another account's layer is
 * addressed too. The content location is presigned: it is copied into the ld_layer_info and
 * nowhere else, and no message here quotes a response body.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/layer.h"
#include "aws/session.h"
#include "aws/sigv4.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/hash.h"
#include "util/json.h"

/* 1000 pages of 50: far more versions than any layer has; a server that never stops is
 * stopped here rather than paced through forever. */
#define MAX_PAGES_LAYER_VERSIONS 1000
#define MAX_PATH ((size_t)1024)
#define MAX_QUERY ((size_t)8 * 1024)
#define NAME_MAX_LEN 140 /* the model's LayerName bound */

/* --- the ARN ---------------------------------------------------------------------- */

/* The ARN for a message: at most 200 bytes, control characters replaced, so a malformed
 * value from a file cannot break the one-line rule. */
static void for_message(char out[208], const char *arn)
{
	size_t n = 0;
	for (; arn[n] && n < 200; n++)
		out[n] = ((unsigned char)arn[n] < 0x20 || arn[n] == 0x7f) ? '?' : arn[n];
	if (arn[n]) {
		memcpy(out + n, "...", 3);
		n += 3;
	}
	out[n] = '\0';
}

static bool all_of(const char *s, const char *extra, bool digits, bool upper)
{
	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (islower(ch) || (digits && isdigit(ch)) || (upper && isupper(ch)) ||
		    (extra && ch && strchr(extra, ch)))
			continue;
		return false;
	}
	return true;
}

static bool is_account(const char *s)
{
	size_t n = 0;
	for (; isdigit((unsigned char)s[n]); n++)
		;
	return n == 12 && !s[n];
}

static bool parse_version(long *out, const char *s)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s) || strlen(s) > 18)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1)
		return false;
	*out = v;
	return true;
}

static int bad_arn(const char *arn, const char *why)
{
	char shown[208];
	for_message(shown, arn);
	return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
			     "'%s' is not a layer version arn (%s); expected "
			     "arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION", shown, why);
}

int ld_layer_arn_parse(ld_layer_arn *out, const char *layer_version_arn)
{
	char *field[8];
	size_t n = 0, len;
	char *p;

	memset(out, 0, sizeof(*out));
	if (!layer_version_arn || !*layer_version_arn)
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "an empty layer version arn was given");
	if ((len = strlen(layer_version_arn)) >= sizeof(out->buf))
		return bad_arn(layer_version_arn, "too long");
	if (strstr(layer_version_arn, ":awslayer:")) {
		char shown[208];
		for_message(shown, layer_version_arn);
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
				     "'%s' is an aws-owned layer (awslayer), not a layer version of "
				     "an account: its content and versions cannot be read through "
				     "GetLayerVersion or ListLayerVersions", shown);
	}
	memcpy(out->buf, layer_version_arn, len + 1);
	for (p = out->buf; n < 8; n++) {
		field[n] = p;
		if (!(p = strchr(p, ':')))
			break;
		*p++ = '\0';
	}
	if (n != 7 || p)
		return bad_arn(layer_version_arn, "it must have 8 ':'-separated fields");
	if (strcmp(field[0], "arn") || strcmp(field[2], "lambda") || strcmp(field[5], "layer"))
		return bad_arn(layer_version_arn, "not a lambda layer arn");
	if (!all_of(field[1], "-", false, false) || !all_of(field[3], "-", true, false))
		return bad_arn(layer_version_arn, "bad partition or region");
	if (!is_account(field[4]))
		return bad_arn(layer_version_arn, "the account must be 12 digits");
	if (strlen(field[6]) > NAME_MAX_LEN || !all_of(field[6], "-_", true, true))
		return bad_arn(layer_version_arn, "bad layer name");
	if (!parse_version(&out->version, field[7]))
		return bad_arn(layer_version_arn, "the version must be a number from 1");
	out->partition = field[1];
	out->region = field[3];
	out->account = field[4];
	out->name = field[6];
	/* the ARN up to the version's ':' (field[7] - 1 is that separator's place in buf) */
	len = (size_t)(field[7] - 1 - out->buf);
	memcpy(out->layer_arn, layer_version_arn, len);
	out->layer_arn[len] = '\0';
	return 0;
}

/* --- GetLayerVersion -------------------------------------------------------------- */

void ld_layer_info_dispose(ld_layer_info *l)
{
	if (!l)
		return;
	if (l->location) {
		memset(l->location, 0, strlen(l->location));
		free(l->location);
	}
	free(l->code_sha256);
	memset(l, 0, sizeof(*l));
}

static int dup_member(char **out, const ld_json *obj, const char *key)
{
	const char *s = ld_json_get_str(obj, key);
	if (!s || !*s)
		return 0;
	return (*out = strdup(s)) ? 0 : ld_error_oom();
}

/* "/2018-10-31/layers/<encoded layer arn>/versions", then what `suffix` adds. */
static int layer_path(ld_buf *path, const ld_layer_arn *arn, const char *suffix)
{
	ld_buf_puts(path, "/2018-10-31/layers/");
	ld_sigv4_uri_encode(path, arn->layer_arn, false);
	ld_buf_puts(path, "/versions");
	ld_buf_puts(path, suffix);
	if (path->error)
		return ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "the layer arn %.200s is too long for a "
				     "request path", arn->layer_arn);
	return 0;
}

/* Name the layer version in a gone or denied answer: the call's own message names the
 * operation only, and a function may have several layers attached. */
static int with_layer(int error, const char *layer_version_arn)
{
	char prior[sizeof(ld_error_last()->message)];

	if (error != LD_EAUTH && error != LD_ENOTFOUND)
		return error;
	snprintf(prior, sizeof(prior), "%s", ld_error_last()->message);
	return ld_error_setc(error, LD_ERR_AWS, "cannot read layer version %.160s: %.300s",
			     layer_version_arn, prior);
}

static int parse_get_layer_version(ld_layer_info *out, const ld_http_response *resp,
				   const ld_layer_arn *arn)
{
	char what[160];
	ld_json *root = NULL;
	const ld_json *content;
	double num;
	int error;

	snprintf(what, sizeof(what), "GetLayerVersion response for %.100s:%ld", arn->layer_arn,
		 arn->version);
	if ((error = ld_json_parse(&root, resp->body.ptr, resp->body.size, what)) < 0)
		return error;
	content = ld_json_get(root, "Content");
	if (!ld_json_is_object(content)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s has no Content object", what);
		goto done;
	}
	if ((error = dup_member(&out->location, content, "Location")) < 0 ||
	    (error = dup_member(&out->code_sha256, content, "CodeSha256")) < 0)
		goto done;
	if (ld_json_get_num(content, "CodeSize", &num) && num >= 0 && num < 1e18)
		out->code_size = (uint64_t)num;
	out->version = arn->version;
	if (ld_json_get_num(root, "Version", &num) && num >= 1 && num < 1e18)
		out->version = (long)num;
done:
	ld_json_free(root);
	return error;
}

int ld_layer_get(ld_layer_info *out, ld_aws_session *s, const char *layer_version_arn,
		 ld_api_calls *calls)
{
	ld_buf path = LD_BUF_INIT_CAP(MAX_PATH);
	ld_http_response resp;
	ld_aws_client client;
	ld_layer_arn arn;
	char suffix[32];
	int error;

	memset(out, 0, sizeof(*out));
	memset(&client, 0, sizeof(client));
	ld_http_response_init(&resp);
	if ((error = ld_layer_arn_parse(&arn, layer_version_arn)) < 0)
		goto done;
	snprintf(suffix, sizeof(suffix), "/%ld", arn.version);
	if ((error = layer_path(&path, &arn, suffix)) < 0 ||
	    (error = ld_aws_session__client(&client, s, arn.region, calls)) < 0 ||
	    (error = ld_aws_call(&client, &resp, "GetLayerVersion", "GET", path.ptr, NULL, NULL,
				 LD_QUOTA_CONTROL)) < 0) {
		error = with_layer(error, layer_version_arn);
		goto done;
	}
	error = parse_get_layer_version(out, &resp, &arn);
done:
	if (error < 0)
		ld_layer_info_dispose(out);
	ld_aws_client_dispose(&client);
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&path);
	return error;
}

/* --- ListLayerVersions ------------------------------------------------------------ */

typedef struct {
	long newest;
	char *newest_arn;
	ld_pager pager;
} lister;

/* Fold one page's versions into the newest seen. */
static int take_versions(lister *l, const ld_json *page, const char *what)
{
	const ld_json *list = ld_json_get(page, "LayerVersions");
	size_t n;
	double num;

	if (!list || ld_json_is_null(list))
		return 0;
	if (!ld_json_is_array(list))
		return ld_error_setc(LD_EINVALID, LD_ERR_AWS, "%s: LayerVersions is not a list",
				     what);
	n = ld_json_size(list);
	for (size_t i = 0; i < n; i++) {
		const ld_json *v = ld_json_at(list, i);
		const char *varn = ld_json_get_str(v, "LayerVersionArn");
		if (!ld_json_get_num(v, "Version", &num) || num < 1 || num >= 1e18)
			return ld_error_setc(LD_EINVALID, LD_ERR_AWS,
					     "%s: entry %zu has no valid Version", what, i);
		if ((long)num <= l->newest)
			continue;
		l->newest = (long)num;
		free(l->newest_arn);
		l->newest_arn = NULL;
		if (varn && *varn && !(l->newest_arn = strdup(varn)))
			return ld_error_oom();
	}
	return 0;
}

/* One page: GET, parse, fold, advance. */
static int list_page(lister *l, ld_aws_client *c, const char *path, const ld_layer_arn *arn)
{
	ld_buf query = LD_BUF_INIT_CAP(MAX_QUERY);
	ld_http_response resp;
	ld_json *page = NULL;
	char what[256];
	int error;

	ld_http_response_init(&resp);
	ld_buf_puts(&query, "MaxItems=50");
	if (l->pager.marker) {
		ld_buf_puts(&query, "&Marker=");
		ld_sigv4_uri_encode(&query, l->pager.marker, false);
	}
	if (query.error) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_AWS, "ListLayerVersions marker is too long");
		goto done;
	}
	l->pager.pages++;
	snprintf(what, sizeof(what), "ListLayerVersions response (page %zu) for %.200s",
		 l->pager.pages, arn->layer_arn);
	if ((error = ld_aws_call(c, &resp, "ListLayerVersions", "GET", path, query.ptr, NULL,
				 LD_QUOTA_CONTROL)) < 0 ||
	    (error = ld_json_parse(&page, resp.body.ptr, resp.body.size, what)) < 0)
		goto done;
	if (!ld_json_is_object(page)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_JSON, "%s is not a JSON object", what);
		goto done;
	}
	if ((error = take_versions(l, page, what)) < 0)
		goto done;
	snprintf(what, sizeof(what), "ListLayerVersions of %.200s", arn->layer_arn);
	error = ld_pager_advance(&l->pager, page, what);
done:
	ld_json_free(page);
	ld_http_response_dispose(&resp);
	ld_buf_dispose(&query);
	return error;
}

/* An access-denied listing means one rule went unchecked: say which. */
static int unchecked(int error, const char *layer_arn)
{
	char prior[sizeof(ld_error_last()->message)];

	if (error != LD_EAUTH)
		return error;
	snprintf(prior, sizeof(prior), "%s", ld_error_last()->message);
	return ld_error_setc(LD_EAUTH, LD_ERR_AWS,
			     "cannot list the versions of layer %.160s, so layer-outdated was not "
			     "checked: %.300s", layer_arn, prior);
}

int ld_layer_newest(long *newest, char **newest_arn, ld_aws_session *s,
		    const char *layer_version_arn, ld_api_calls *calls)
{
	ld_buf path = LD_BUF_INIT_CAP(MAX_PATH);
	ld_aws_client client;
	ld_layer_arn arn;
	lister *l = NULL;
	int error;

	*newest = 0;
	if (newest_arn)
		*newest_arn = NULL;
	memset(&client, 0, sizeof(client));
	if ((error = ld_layer_arn_parse(&arn, layer_version_arn)) < 0 ||
	    (error = layer_path(&path, &arn, "")) < 0)
		goto done;
	if (!(l = calloc(1, sizeof(*l)))) {
		error = ld_error_oom();
		goto done;
	}
	l->pager.op = "ListLayerVersions";
	l->pager.max_pages = MAX_PAGES_LAYER_VERSIONS;
	if ((error = ld_aws_session__client(&client, s, arn.region, calls)) < 0)
		goto done;
	do {
		if ((error = list_page(l, &client, path.ptr, &arn)) < 0) {
			error = unchecked(error, arn.layer_arn);
			goto done;
		}
	} while (l->pager.marker);
	*newest = l->newest;
	if (newest_arn) {
		*newest_arn = l->newest_arn;
		l->newest_arn = NULL;
	}
done:
	if (l) {
		ld_pager_dispose(&l->pager);
		free(l->newest_arn);
		free(l);
	}
	ld_aws_client_dispose(&client);
	ld_buf_dispose(&path);
	return error;
}
