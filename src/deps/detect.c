/*
 * Dependency inventory (see detect.h). A package path is classified once by its shape
 * (which also decides what the zip reader is asked for), and each kind of file has a small
 * parser that pulls out name and version and nothing else. Parsers take untrusted bytes:
 * JSON goes through util/json.h (bounded depth), text formats are scanned line by line
 * without copying, and every value is checked by ld_deps_add before it is kept, so a
 * hostile file can at worst be counted as malformed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "deps/detect.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/json.h"
#include "util/str.h"

const char ld_eco_npm[] = "npm";
const char ld_eco_pypi[] = "PyPI";
const char ld_eco_maven[] = "Maven";
const char ld_eco_nuget[] = "NuGet";

/* A v1 lockfile nests dependencies; real trees stay far below this. */
#define LOCK_MAX_DEPTH 64
/* "<jar>!/<path>": two package paths and the separator. */
#define NESTED_PATH_MAX (2 * 4096 + 3)

typedef enum {
	K_NONE,
	K_NPM_PACKAGE,   /* node_modules/[@scope/]name/package.json */
	K_NPM_LOCK,      /* package-lock.json, npm-shrinkwrap.json,
			    node_modules/.package-lock.json */
	K_PY_METADATA,   /* *.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg-info */
	K_MAVEN_PROPS,   /* META-INF/maven/<g>/<a>/pom.properties */
	K_NUGET_DEPS,    /* *.deps.json */
	K_JAR            /* *.jar: opened, one level deep */
} file_kind;

/* ---- the list ---- */

void ld_deps_init(ld_deps *d)
{
	memset(d, 0, sizeof(*d));
}

static void dep_free(ld_dep *x)
{
	free(x->name);
	free(x->version);
	free(x->path);
	free(x->origin);
}

void ld_deps_dispose(ld_deps *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->count; i++)
		dep_free(&d->items[i]);
	free(d->items);
	free(d->first_problem);
	memset(d, 0, sizeof(*d));
}

const char *ld_deps_ecosystem(const char *name)
{
	static const char *const all[] = { ld_eco_npm, ld_eco_pypi, ld_eco_maven, ld_eco_nuget };

	for (size_t i = 0; name && i < sizeof(all) / sizeof(all[0]); i++)
		if (strcasecmp(name, all[i]) == 0)
			return all[i];
	return NULL;
}

/* Python's \s for ASCII: what PEP 440 and PEP 503 tools strip around names and versions. */
/* Trimmed [*s, *e): not empty, at most `max` bytes, printable ASCII only. Registry names
 * and versions of all four ecosystems are ASCII; anything else in a deployed file is
 * hostile or broken, and is kept out of reports (JSON, SARIF) rather than escaped there. */
static int trimmed(const char **s, size_t *len, size_t max)
{
	const char *p = *s, *e = *s + *len;

	while (p < e && ld_is_blank(*p))
		p++;
	while (e > p && ld_is_blank(e[-1]))
		e--;
	if (p == e || (size_t)(e - p) > max)
		return -1;
	for (const char *q = p; q < e; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7e)
			return -1;
	*s = p;
	*len = (size_t)(e - p);
	return 0;
}

int ld_deps_normalise(char *out, const char *ecosystem, const char *name)
{
	const char *eco = ld_deps_ecosystem(ecosystem);
	size_t len = name ? strlen(name) : 0, n = 0;
	int pypi = eco == ld_eco_pypi, lower = pypi || eco == ld_eco_npm || eco == ld_eco_nuget;

	if (!name || trimmed(&name, &len, LD_DEP_NAME_MAX) < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
				     "dependency name is empty, longer than %d bytes or holds "
				     "characters other than printable ASCII", LD_DEP_NAME_MAX);
	for (size_t i = 0; i < len; i++) {
		char c = name[i];
		if (pypi && (c == '-' || c == '_' || c == '.')) {
			if (n == 0 || out[n - 1] != '-')
				out[n++] = '-';
			continue;
		}
		out[n++] = lower ? (char)tolower((unsigned char)c) : c;
	}
	out[n] = '\0';
	return 0;
}

static int set_problem(ld_deps *d, const char *path, const char *why)
{
	size_t n;

	if (d->first_problem)
		return 0;
	n = strlen(path) + strlen(why) + 3;
	if (!(d->first_problem = malloc(n)))
		return ld_error_oom();
	snprintf(d->first_problem, n, "%s: %s", path, why);
	return 0;
}

static int malformed(ld_deps *d, const char *path, const char *why)
{
	d->malformed++;
	return set_problem(d, path, why);
}

int ld_deps_add(ld_deps *d, const char *ecosystem, const char *name, const char *version,
		const char *path, const char *origin)
{
	char norm[LD_DEP_NAME_MAX + 1];
	size_t vlen = version ? strlen(version) : 0;
	ld_dep *x;
	int error;

	if (!ld_deps_ecosystem(ecosystem))
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, "unknown ecosystem '%s'",
				     ecosystem ? ecosystem : "");
	if ((error = ld_deps_normalise(norm, ecosystem, name)) < 0)
		return error;
	if (!version || trimmed(&version, &vlen, LD_DEP_VERSION_MAX) < 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY,
				     "version of '%s' is empty, longer than %d bytes or holds "
				     "characters other than printable ASCII", norm,
				     LD_DEP_VERSION_MAX);
	if (ld_array_reserve(d->items, d->alloc, d->count + 1) < 0)
		return LD_ERROR;
	x = &d->items[d->count];
	memset(x, 0, sizeof(*x));
	x->ecosystem = ld_deps_ecosystem(ecosystem);
	if (!(x->name = strdup(norm)) || !(x->version = strndup(version, vlen)) ||
	    !(x->path = strdup(path ? path : "")) ||
	    !(x->origin = strdup(origin ? origin : LD_DEPS_ORIGIN_FUNCTION))) {
		dep_free(x);
		return ld_error_oom();
	}
	d->count++;
	return 0;
}

static int cmp_dep(const void *a, const void *b)
{
	const ld_dep *x = a, *y = b;
	int c;

	if ((c = strcmp(x->ecosystem, y->ecosystem)) || (c = strcmp(x->name, y->name)) ||
	    (c = strcmp(x->version, y->version)) || (c = strcmp(x->path, y->path)))
		return c;
	return strcmp(x->origin, y->origin);
}

int ld_deps_finish(ld_deps *d)
{
	size_t n = 0;

	if (d->count)
		qsort(d->items, d->count, sizeof(*d->items), cmp_dep);
	for (size_t i = 0; i < d->count; i++) {
		if (n && cmp_dep(&d->items[n - 1], &d->items[i]) == 0)
			dep_free(&d->items[i]);
		else
			d->items[n++] = d->items[i];
	}
	d->count = n;
	return 0;
}

/* ---- which files ---- */

static int ends_with(const char *s, size_t len, const char *suffix, int nocase)
{
	size_t n = strlen(suffix);

	if (len < n)
		return 0;
	if (nocase)
		return strncasecmp(s + len - n, suffix, n) == 0;
	return memcmp(s + len - n, suffix, n) == 0;
}

/* Component `k` from the end of the directory part [path, dir_end): k = 0 is the last. */
static int component(const char *path, size_t dir_end, int k, const char **c, size_t *n)
{
	size_t e = dir_end, s;

	for (;;) {
		if (e == 0)
			return 0;
		s = e;
		while (s > 0 && path[s - 1] != '/')
			s--;
		if (k-- == 0) {
			*c = path + s;
			*n = e - s;
			return 1;
		}
		if (s == 0)
			return 0;
		e = s - 1;
	}
}

static int is_comp(const char *c, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(c, want, n) == 0;
}

/* node_modules/name/package.json or node_modules/@scope/name/package.json: a package root.
 * package.json files deeper in a package (dist/esm/package.json, test fixtures) are not. */
static int npm_root(const char *path, size_t dir_end)
{
	const char *c0, *c1, *c2;
	size_t n0, n1, n2;

	if (!component(path, dir_end, 0, &c0, &n0) || c0[0] == '@' || c0[0] == '.' ||
	    !component(path, dir_end, 1, &c1, &n1))
		return 0;
	if (is_comp(c1, n1, "node_modules"))
		return 1;
	return c1[0] == '@' && n1 > 1 && component(path, dir_end, 2, &c2, &n2) &&
	       is_comp(c2, n2, "node_modules");
}

/* A package's own lockfile (node_modules/x/package-lock.json) lists what its author
 * developed with, not what is installed: only lockfiles outside node_modules count, and
 * npm's hidden lockfile directly inside the top node_modules. */
static int npm_lock(const char *path, const char *base, size_t dir_end)
{
	const char *first = strstr(path, "node_modules/");
	int top = first && (first == path || first[-1] == '/');

	if (strcmp(base, "package-lock.json") == 0 || strcmp(base, "npm-shrinkwrap.json") == 0)
		return !top && !strstr(path, "/node_modules/");
	if (strcmp(base, ".package-lock.json") != 0 || !top)
		return 0;
	return (size_t)(first - path) + strlen("node_modules") == dir_end;
}

static int maven_props(const char *path, const char *base)
{
	const char *m = strstr(path, "META-INF/maven/");

	while (m && m != path && m[-1] != '/')
		m = strstr(m + 1, "META-INF/maven/");
	return m && strcmp(base, "pom.properties") == 0;
}

static file_kind classify(const char *path, int nested)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path, *c;
	size_t dir_end = slash ? (size_t)(slash - path) : 0, blen = strlen(base), n;

	if (maven_props(path, base))
		return K_MAVEN_PROPS;
	if (nested)
		return K_NONE;
	if (strcmp(base, "package.json") == 0)
		return slash && npm_root(path, dir_end) ? K_NPM_PACKAGE : K_NONE;
	if (npm_lock(path, base, dir_end))
		return K_NPM_LOCK;
	if (ends_with(base, blen, ".egg-info", 0))
		return K_PY_METADATA;
	if ((strcmp(base, "METADATA") == 0 || strcmp(base, "PKG-INFO") == 0) && slash &&
	    component(path, dir_end, 0, &c, &n))
		return ends_with(c, n, base[0] == 'M' ? ".dist-info" : ".egg-info", 0) ?
		       K_PY_METADATA : K_NONE;
	if (ends_with(base, blen, ".deps.json", 0) && blen > strlen(".deps.json"))
		return K_NUGET_DEPS;
	if (ends_with(base, blen, ".jar", 1) && blen > 4)
		return K_JAR;
	return K_NONE;
}

ld_zip_want ld_deps_want(const char *container, const char *path, uint64_t size,
			 void *payload)
{
	switch (classify(path, container != NULL)) {
	case K_NONE:
		return LD_ZIP_SKIP;
	case K_JAR:
		return LD_ZIP_OPEN;
	default:
		return LD_ZIP_TAKE;
	}
}

/* ---- parsers ---- */

/* Add, or count the file as malformed when the values are unusable. */
static int add_or_count(ld_deps *d, const char *eco, const char *name, const char *version,
			const char *path, const char *origin)
{
	int error = ld_deps_add(d, eco, name, version, path, origin);

	if (error == LD_EINVALID)
		return malformed(d, path, ld_error_last()->message);
	return error;
}

/* JSON text, without the byte-order mark some Windows tools write (.NET deps.json). */
static int parse_json(ld_json **out, const void *data, size_t len, const char *path)
{
	const char *p = data;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	return ld_json_parse(out, p, len, path);
}

/* ---- package.json: two top-level members, read without building a tree ----
 * A package carries hundreds of package.json files and only "name" and "version" matter,
 * so they are found by a validating scan (strict JSON, depth-bounded, no allocation) at
 * several times the speed of a full parse. A wanted value or key with escapes defers to
 * util/json.h, so decoding has one implementation. */

#define JS_MAX_DEPTH 64

typedef struct {
	const char *p, *end;
	int depth;
} jscan;

static void js_ws(jscan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int js_hex4(const char *p)
{
	for (int i = 0; i < 4; i++)
		if (!isxdigit((unsigned char)p[i]))
			return 0;
	return 1;
}

/* A string at s->p: its raw content [*v, *v + *n), and whether it holds escapes. */
static int js_string(jscan *s, const char **v, size_t *n, int *esc)
{
	const char *start;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	start = ++s->p;
	*esc = 0;
	for (; s->p < s->end; s->p++) {
		unsigned char c = (unsigned char)*s->p;
		if (c == '"') {
			*v = start;
			*n = (size_t)(s->p++ - start);
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c != '\\')
			continue;
		*esc = 1;
		if (++s->p >= s->end)
			return -1;
		if (*s->p == 'u') {
			if (s->end - s->p < 5 || !js_hex4(s->p + 1))
				return -1;
			s->p += 4;
		} else if (!strchr("\"\\/bfnrt", *s->p) || !*s->p) {
			return -1;
		}
	}
	return -1;
}

static int js_digits(jscan *s)
{
	const char *start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start ? 0 : -1;
}

/* true, false, null or a number, by the JSON grammar. */
static int js_scalar(jscan *s)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t left = (size_t)(s->end - s->p);

	for (size_t i = 0; i < 3; i++) {
		size_t n = strlen(lits[i]);
		if (left >= n && memcmp(s->p, lits[i], n) == 0) {
			s->p += n;
			return 0;
		}
	}
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (js_digits(s) < 0)
		return -1;
	if (s->p < s->end && *s->p == '.' && (s->p++, js_digits(s) < 0))
		return -1;
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		return js_digits(s);
	}
	return 0;
}

static int js_value(jscan *s);

/* An object or array; members' values are checked and skipped. */
static int js_container(jscan *s)
{
	char close = *s->p == '{' ? '}' : ']';
	const char *k;
	size_t kn;
	int esc;

	if (++s->depth > JS_MAX_DEPTH)
		return -1;
	s->p++;
	js_ws(s);
	if (s->p < s->end && *s->p == close)
		goto closed;
	for (;;) {
		if (close == '}') {
			if (js_string(s, &k, &kn, &esc) < 0)
				return -1;
			js_ws(s);
			if (s->p >= s->end || *s->p++ != ':')
				return -1;
		}
		if (js_value(s) < 0)
			return -1;
		js_ws(s);
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			js_ws(s);
			continue;
		}
		if (s->p < s->end && *s->p == close)
			goto closed;
		return -1;
	}
closed:
	s->p++;
	s->depth--;
	return 0;
}

static int js_value(jscan *s)
{
	const char *v;
	size_t n;
	int esc;

	js_ws(s);
	if (s->p >= s->end)
		return -1;
	if (*s->p == '"')
		return js_string(s, &v, &n, &esc);
	if (*s->p == '{' || *s->p == '[')
		return js_container(s);
	return js_scalar(s);
}

/* The first "name" and "version" members of a top-level object, as util/json.h's getters
 * would see them. */
typedef struct {
	const char *v[2];   /* raw string contents, or NULL (absent or not a string) */
	size_t n[2];
	int seen[2];
} pkg_fields;

int ld_deps__package_fields(const char *data, size_t len, const char **name, size_t *nlen,
			    const char **version, size_t *vlen)
{
	static const char *const keys[2] = { "name", "version" };
	jscan s = { data, data + len, 1 };
	pkg_fields f;
	const char *k;
	size_t kn;
	int esc, i;

	memset(&f, 0, sizeof(f));
	js_ws(&s);
	if (s.p >= s.end || *s.p++ != '{')
		return -1;
	js_ws(&s);
	while (s.p < s.end && *s.p != '}') {   /* one member per turn; breaks at the '}' */
		if (js_string(&s, &k, &kn, &esc) < 0)
			return -1;
		if (esc)
			return 2;
		js_ws(&s);
		if (s.p >= s.end || *s.p++ != ':')
			return -1;
		js_ws(&s);
		for (i = 0; i < 2 && !(kn == strlen(keys[i]) && memcmp(k, keys[i], kn) == 0); i++)
			;
		if (i < 2 && !f.seen[i] && s.p < s.end && *s.p == '"') {
			if (js_string(&s, &f.v[i], &f.n[i], &esc) < 0)
				return -1;
			if (esc)
				return 2;
		} else if (js_value(&s) < 0) {
			return -1;
		}
		if (i < 2)
			f.seen[i] = 1;
		js_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			js_ws(&s);
			if (s.p >= s.end || *s.p != '"')
				return -1;   /* a trailing comma */
			continue;
		}
		if (s.p >= s.end || *s.p != '}')
			return -1;
	}
	if (s.p >= s.end)
		return -1;
	s.p++;
	js_ws(&s);
	if (s.p != s.end)
		return -1;   /* trailing bytes: Node's JSON.parse refuses the file too */
	*name = f.v[0];
	*nlen = f.n[0];
	*version = f.v[1];
	*vlen = f.n[1];
	return f.v[0] && f.v[1] ? 1 : 0;
}

/* The full parser, for the rare package.json whose wanted members hold escapes. */
static int npm_package_tree(ld_deps *d, const char *path, const void *data, size_t len,
			    const char *origin)
{
	ld_json *j = NULL;
	const char *name, *version;
	int error;

	if (parse_json(&j, data, len, path) < 0 || !ld_json_is_object(j)) {
		ld_json_free(j);
		return malformed(d, path, "not a JSON object");
	}
	name = ld_json_get_str(j, "name");
	version = ld_json_get_str(j, "version");
	error = name && version ? add_or_count(d, ld_eco_npm, name, version, path, origin) : 0;
	ld_json_free(j);
	return error;
}

static int parse_npm_package(ld_deps *d, const char *path, const void *data, size_t len,
			     const char *origin)
{
	const char *p = data, *name = NULL, *version = NULL;
	char n[LD_DEP_NAME_MAX + 1], v[LD_DEP_VERSION_MAX + 1];
	size_t nlen = 0, vlen = 0;
	int r;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	r = ld_deps__package_fields(p, len, &name, &nlen, &version, &vlen);
	if (r == 2)
		return npm_package_tree(d, path, p, len, origin);
	if (r < 0)
		return malformed(d, path, "not a JSON object");
	/* Without both it is not a published package (a fixture or a private stub). */
	if (r == 0)
		return 0;
	if (nlen > LD_DEP_NAME_MAX || vlen > LD_DEP_VERSION_MAX)
		return malformed(d, path, "name or version longer than the limit");
	memcpy(n, name, nlen);
	n[nlen] = '\0';
	memcpy(v, version, vlen);
	v[vlen] = '\0';
	return add_or_count(d, ld_eco_npm, n, v, path, origin);
}

int ld_deps__npm_version(const char *v, char *alias, size_t asize, const char **version)
{
	const char *at;

	*version = v;
	if (!v)
		return 0;
	if (strncmp(v, "npm:", 4) == 0 && strlen(v) >= 6 && (at = strrchr(v + 5, '@')) &&
	    (size_t)(at - v - 4) < asize) {
		memcpy(alias, v + 4, (size_t)(at - v - 4));
		alias[at - v - 4] = '\0';
		*version = v = at + 1;
	}
	/* git, file and tarball "versions" name no registry release */
	return *v && !strchr(v, ':') && !strchr(v, '/');
}

static int lock_v1(ld_deps *d, const ld_json *deps, const char *path, const char *origin,
		   int depth)
{
	char alias[LD_DEP_NAME_MAX + 1];
	const char *version;
	int error = 0;

	if (depth > LOCK_MAX_DEPTH)
		return malformed(d, path, "dependencies nest too deep");
	for (ld_json *m = ld_json_first(deps); m && error == 0; m = ld_json_next(m)) {
		if (!ld_json_is_object(m) || ld_json_is_true(ld_json_get(m, "dev")))
			continue;
		alias[0] = '\0';
		if (ld_deps__npm_version(ld_json_get_str(m, "version"), alias, sizeof(alias),
					 &version))
			error = add_or_count(d, ld_eco_npm, alias[0] ? alias : ld_json_key(m),
					     version, path, origin);
		if (error == 0 && ld_json_is_object(ld_json_get(m, "dependencies")))
			error = lock_v1(d, ld_json_get(m, "dependencies"), path, origin, depth + 1);
	}
	return error;
}

/* v2/v3: "packages" keyed by install path; the name is what follows the last
 * "node_modules/" (or the entry's own "name" for an alias). Workspace folders and links
 * are the project itself, not dependencies. */
static int lock_packages(ld_deps *d, const ld_json *pkgs, const char *path, const char *origin)
{
	char alias[LD_DEP_NAME_MAX + 1];
	const char *key, *name, *version, *nm;
	int error = 0;

	for (ld_json *m = ld_json_first(pkgs); m && error == 0; m = ld_json_next(m)) {
		key = ld_json_key(m);
		if (!ld_json_is_object(m) || !key || ld_json_is_true(ld_json_get(m, "dev")) ||
		    ld_json_is_true(ld_json_get(m, "link")))
			continue;
		for (nm = NULL, name = key; (name = strstr(name, "node_modules/")); name++)
			if (name == key || name[-1] == '/')
				nm = name;
		if (!nm)
			continue;
		name = ld_json_get_str(m, "name");
		if (!name)
			name = nm + strlen("node_modules/");
		if (ld_deps__npm_version(ld_json_get_str(m, "version"), alias, sizeof(alias),
					 &version))
			error = add_or_count(d, ld_eco_npm, name, version, path, origin);
	}
	return error;
}

static int parse_npm_lock(ld_deps *d, const char *path, const void *data, size_t len,
			  const char *origin)
{
	ld_json *j = NULL, *pkgs, *deps;
	int error = 0;

	if (parse_json(&j, data, len, path) < 0 || !ld_json_is_object(j)) {
		ld_json_free(j);
		return malformed(d, path, "not a JSON object");
	}
	pkgs = ld_json_get(j, "packages");
	deps = ld_json_get(j, "dependencies");
	if (ld_json_is_object(pkgs))
		error = lock_packages(d, pkgs, path, origin);
	else if (ld_json_is_object(deps))
		error = lock_v1(d, deps, path, origin, 0);
	else
		error = malformed(d, path, "no \"packages\" or \"dependencies\" object");
	ld_json_free(j);
	return error;
}

/* Next line of [*p, end): its bounds without the line break; advances *p. */
static int next_line(const char **p, const char *end, const char **ls, size_t *ll)
{
	const char *nl;

	if (*p >= end)
		return 0;
	nl = memchr(*p, '\n', (size_t)(end - *p));
	*ls = *p;
	*ll = (size_t)((nl ? nl : end) - *p);
	if (*ll && (*ls)[*ll - 1] == '\r')
		(*ll)--;
	*p = nl ? nl + 1 : end;
	return 1;
}

/* A copy of a header or property value, or NULL when unusable; ld_deps_add checks it. */
static char *value_copy(const char *v, size_t n)
{
	if (trimmed(&v, &n, LD_DEP_NAME_MAX) < 0)
		return NULL;
	return strndup(v, n);
}

/* Core metadata (METADATA, PKG-INFO) is RFC 822: "Name:" and "Version:" headers before
 * the first blank line; the body (the long description) may be megabytes and is never
 * read. Continuation lines (leading space) belong to the previous header. */
static int parse_py_metadata(ld_deps *d, const char *path, const void *data, size_t len,
			     const char *origin)
{
	const char *p = data, *end = p + len, *ls;
	char *name = NULL, *version = NULL;
	size_t ll;
	int error = 0;

	while (next_line(&p, end, &ls, &ll) && ll > 0) {
		if (!name && ll > 5 && strncasecmp(ls, "Name:", 5) == 0)
			name = value_copy(ls + 5, ll - 5);
		else if (!version && ll > 8 && strncasecmp(ls, "Version:", 8) == 0)
			version = value_copy(ls + 8, ll - 8);
		if (name && version)
			break;
	}
	if (name && version)
		error = add_or_count(d, ld_eco_pypi, name, version, path, origin);
	else
		error = malformed(d, path, "no Name: and Version: headers");
	free(name);
	free(version);
	return error;
}

/* A java.util.Properties line "key=value" or "key: value"; comments start with # or !. */
static int property(const char *ls, size_t ll, const char *key, char **out)
{
	size_t k = strlen(key), i = 0;

	while (i < ll && (ls[i] == ' ' || ls[i] == '\t'))
		i++;
	if (*out || ll - i <= k || memcmp(ls + i, key, k) != 0)
		return 0;
	for (i += k; i < ll && (ls[i] == ' ' || ls[i] == '\t'); i++)
		;
	if (i >= ll || (ls[i] != '=' && ls[i] != ':'))
		return 0;
	*out = value_copy(ls + i + 1, ll - i - 1);
	return 1;
}

static int parse_maven_props(ld_deps *d, const char *path, const void *data, size_t len,
			     const char *origin)
{
	const char *p = data, *end = p + len, *ls;
	char *group = NULL, *artifact = NULL, *version = NULL, *name = NULL;
	size_t ll, n;
	int error = 0;

	while (next_line(&p, end, &ls, &ll)) {
		if (ll && (ls[0] == '#' || ls[0] == '!'))
			continue;
		if (!property(ls, ll, "groupId", &group) &&
		    !property(ls, ll, "artifactId", &artifact))
			property(ls, ll, "version", &version);
	}
	if (!group || !artifact || !version) {
		error = malformed(d, path, "no groupId, artifactId and version");
		goto done;
	}
	n = strlen(group) + strlen(artifact) + 2;
	if (!(name = malloc(n))) {
		error = ld_error_oom();
		goto done;
	}
	snprintf(name, n, "%s:%s", group, artifact);
	error = add_or_count(d, ld_eco_maven, name, version, path, origin);
done:
	free(group);
	free(artifact);
	free(version);
	free(name);
	return error;
}

/* .NET: "libraries": { "Name/Version": { "type": "package" | "project" | ... } }. */
static int parse_nuget_deps(ld_deps *d, const char *path, const void *data, size_t len,
			    const char *origin)
{
	char name[LD_DEP_NAME_MAX + 1];
	ld_json *j = NULL, *libs;
	const char *key, *slash, *type;
	int error = 0;

	if (parse_json(&j, data, len, path) < 0 || !ld_json_is_object(j) ||
	    !ld_json_is_object(libs = ld_json_get(j, "libraries"))) {
		ld_json_free(j);
		return malformed(d, path, "no \"libraries\" object");
	}
	for (ld_json *m = ld_json_first(libs); m && error == 0; m = ld_json_next(m)) {
		key = ld_json_key(m);
		type = ld_json_get_str(m, "type");
		if (!key || !type || strcmp(type, "package") != 0)
			continue;
		if (!(slash = strchr(key, '/')) || (size_t)(slash - key) > LD_DEP_NAME_MAX) {
			error = malformed(d, path, "a library key is not \"Name/Version\"");
			continue;
		}
		memcpy(name, key, (size_t)(slash - key));
		name[slash - key] = '\0';
		error = add_or_count(d, ld_eco_nuget, name, slash + 1, path, origin);
	}
	ld_json_free(j);
	return error;
}

static int parse_kind(ld_deps *d, file_kind kind, const char *path, const void *data,
		      size_t len, const char *origin)
{
	switch (kind) {
	case K_NPM_PACKAGE:
		return parse_npm_package(d, path, data, len, origin);
	case K_NPM_LOCK:
		return parse_npm_lock(d, path, data, len, origin);
	case K_PY_METADATA:
		return parse_py_metadata(d, path, data, len, origin);
	case K_MAVEN_PROPS:
		return parse_maven_props(d, path, data, len, origin);
	case K_NUGET_DEPS:
		return parse_nuget_deps(d, path, data, len, origin);
	default:
		return 0;
	}
}

int ld_deps_parse_file(ld_deps *d, const char *path, const void *data, size_t len,
		       const char *origin)
{
	const char *inner = strstr(path, "!/");

	return parse_kind(d, classify(inner ? inner + 2 : path, inner != NULL), path,
			  data ? data : "", data ? len : 0, origin);
}

/* ---- the zip reader's side ---- */

int ld_deps_item(const ld_zip_item *item, void *payload)
{
	static const char *const why[] = {
		[LD_ZIP_ITEM_TOO_LARGE] = "too large to read",
		[LD_ZIP_ITEM_OVER_BUDGET] = "not read: the package's content budget is spent",
		[LD_ZIP_ITEM_BAD_NESTED] = "not a readable jar",
	};
	ld_deps_scan *scan = payload;
	char path[NESTED_PATH_MAX];

	if (item->container)
		snprintf(path, sizeof(path), "%s!/%s", item->container, item->path);
	else
		snprintf(path, sizeof(path), "%s", item->path);
	if (item->status != LD_ZIP_ITEM_OK) {
		scan->deps->skipped++;
		return set_problem(scan->deps, path, item->why ? item->why :
				   (unsigned)item->status < sizeof(why) / sizeof(why[0]) &&
				   why[item->status] ? why[item->status] : "not read");
	}
	return parse_kind(scan->deps, classify(item->path, item->container != NULL), path,
			  item->data, item->len, scan->origin);
}

int ld_deps_manifest(ld_manifest **out, ld_deps *d, const void *data, size_t len,
		     const ld_zip_limits *limits, const char *origin)
{
	ld_deps_scan scan = { d, origin };

	return ld_zip_manifest_visit(out, data, len, limits, ld_deps_want, ld_deps_item, &scan);
}

int ld_deps_from_zip(ld_deps *d, const void *data, size_t len, const ld_zip_limits *limits,
		     const char *origin)
{
	ld_deps_scan scan = { d, origin };

	return ld_zip_visit(data, len, limits, ld_deps_want, ld_deps_item, &scan);
}
