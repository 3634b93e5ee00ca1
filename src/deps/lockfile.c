/*
 * Lockfile parsers and the deployed-versus-locked comparison (see lockfile.h). JSON formats
 * go through util/json.h; poetry.lock is read by a small TOML reader that understands
 * enough of the language (strings of all four kinds, arrays and inline tables over several
 * lines, comments) to skip what it does not need without being fooled by it, and reports
 * anything else as malformed with its line; requirements.txt is read a logical line at a
 * time. Entries are kept sorted and unique so the comparison is a merge of two sorted
 * lists.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deps/lockfile.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "util/array.h"
#include "util/json.h"

#define LOCK_MAX_DEPTH 64
#define TOML_MAX_DEPTH 32
#define REQ_LINE_MAX ((size_t)64 * 1024)

#define BAD(...) ld_error_setc(LD_EINVALID, LD_ERR_INVENTORY, __VA_ARGS__)

/* ---- the set ---- */

void ld_lock_init(ld_lock *lock)
{
	memset(lock, 0, sizeof(*lock));
}

void ld_lock_dispose(ld_lock *lock)
{
	if (!lock)
		return;
	for (size_t i = 0; i < lock->count; i++) {
		free(lock->items[i].name);
		free(lock->items[i].version);
	}
	free(lock->items);
	memset(lock, 0, sizeof(*lock));
}

int ld_lock_covers(const ld_lock *lock, const char *ecosystem)
{
	for (size_t i = 0; i < lock->ncovered; i++)
		if (lock->covered[i] == ecosystem)
			return 1;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

const char *ld_lock_ecosystem(const char *name)
{
	const char *b = base_name(name);
	size_t n = strlen(b);

	if (strcmp(b, "package-lock.json") == 0 || strcmp(b, "npm-shrinkwrap.json") == 0)
		return ld_eco_npm;
	if (strcmp(b, "poetry.lock") == 0 || strcmp(b, "Pipfile.lock") == 0 ||
	    (strncmp(b, "requirements", 12) == 0 && n > 16 && strcmp(b + n - 4, ".txt") == 0) ||
	    strcmp(b, "requirements.txt") == 0)
		return ld_eco_pypi;
	return NULL;
}

/* Append one entry; `version` NULL or of length `vlen` (not necessarily NUL-terminated). */
static int lock_add(ld_lock *lock, const char *eco, const char *name, const char *version,
		    size_t vlen, unsigned flags, const char *file)
{
	char norm[LD_DEP_NAME_MAX + 1];
	ld_locked *x;

	if (ld_deps_normalise(norm, eco, name) < 0)
		return BAD("%s: a package name is empty, too long or not printable ASCII",
			   file);
	if (version && (vlen == 0 || vlen > LD_DEP_VERSION_MAX))
		return BAD("%s: the version of '%s' is empty or longer than %d bytes", file, norm,
			   LD_DEP_VERSION_MAX);
	for (size_t i = 0; version && i < vlen; i++)
		if ((unsigned char)version[i] < 0x21 || (unsigned char)version[i] > 0x7e)
			return BAD("%s: the version of '%s' holds spaces or characters other "
				   "than printable ASCII", file, norm);
	if (ld_array_reserve(lock->items, lock->alloc, lock->count + 1) < 0)
		return LD_ERROR;
	x = &lock->items[lock->count];
	x->ecosystem = eco;
	x->flags = flags;
	x->version = NULL;
	if (!(x->name = strdup(norm)) || (version && !(x->version = strndup(version, vlen)))) {
		free(x->name);
		return ld_error_oom();
	}
	lock->count++;
	return 0;
}

static int cmp_opt(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int cmp_locked(const void *a, const void *b)
{
	const ld_locked *x = a, *y = b;
	int c;

	if ((c = strcmp(x->ecosystem, y->ecosystem)) || (c = strcmp(x->name, y->name)))
		return c;
	return cmp_opt(x->version, y->version);
}

/* Sort and merge repeats; a name@version listed as required anywhere stays required. */
static void lock_tidy(ld_lock *lock)
{
	size_t n = 0;

	if (lock->count)
		qsort(lock->items, lock->count, sizeof(*lock->items), cmp_locked);
	for (size_t i = 0; i < lock->count; i++) {
		if (n && cmp_locked(&lock->items[n - 1], &lock->items[i]) == 0) {
			lock->items[n - 1].flags &= lock->items[i].flags;
			free(lock->items[i].name);
			free(lock->items[i].version);
		} else {
			lock->items[n++] = lock->items[i];
		}
	}
	lock->count = n;
}

static int add_str(ld_lock *lock, const char *eco, const char *name, const char *version,
		   unsigned flags, const char *file)
{
	return lock_add(lock, eco, name, version, version ? strlen(version) : 0, flags, file);
}

/* ---- package-lock.json ---- */

static unsigned npm_flags(const ld_json *m)
{
	unsigned f = 0;

	if (ld_json_is_true(ld_json_get(m, "dev")))
		f |= LD_LOCK_DEV;
	if (ld_json_is_true(ld_json_get(m, "optional")))
		f |= LD_LOCK_OPTIONAL;
	if (ld_json_is_true(ld_json_get(m, "devOptional")))
		f |= LD_LOCK_DEV | LD_LOCK_OPTIONAL;
	return f;
}

static int npm_entry(ld_lock *lock, const char *name, const ld_json *m, const char *file)
{
	char alias[LD_DEP_NAME_MAX + 1] = "";
	const char *version;
	int pinned = ld_deps__npm_version(ld_json_get_str(m, "version"), alias, sizeof(alias),
					  &version);

	if (ld_json_get_str(m, "name"))
		name = ld_json_get_str(m, "name");
	else if (alias[0])
		name = alias;
	return add_str(lock, ld_eco_npm, name, pinned ? version : NULL, npm_flags(m), file);
}

static int npm_v1(ld_lock *lock, const ld_json *deps, const char *file, int depth)
{
	ld_json *sub;
	int error = 0;

	if (depth > LOCK_MAX_DEPTH)
		return BAD("%s: dependencies nest more than %d levels", file, LOCK_MAX_DEPTH);
	for (ld_json *m = ld_json_first(deps); m && error == 0; m = ld_json_next(m)) {
		if (!ld_json_is_object(m))
			return BAD("%s: dependency '%s' is not an object", file, ld_json_key(m));
		if ((error = npm_entry(lock, ld_json_key(m), m, file)) == 0 &&
		    ld_json_is_object(sub = ld_json_get(m, "dependencies")))
			error = npm_v1(lock, sub, file, depth + 1);
	}
	return error;
}

static int npm_packages(ld_lock *lock, const ld_json *pkgs, const char *file)
{
	const char *key, *nm, *s;
	int error = 0;

	for (ld_json *m = ld_json_first(pkgs); m && error == 0; m = ld_json_next(m)) {
		key = ld_json_key(m);
		if (!ld_json_is_object(m))
			return BAD("%s: package '%s' is not an object", file, key);
		if (ld_json_is_true(ld_json_get(m, "link")))
			continue;
		for (nm = NULL, s = key; (s = strstr(s, "node_modules/")); s++)
			if (s == key || s[-1] == '/')
				nm = s;
		if (nm)   /* "" is the project, other keys without node_modules workspaces */
			error = npm_entry(lock, nm + strlen("node_modules/"), m, file);
	}
	return error;
}

static int parse_npm(ld_lock *lock, const char *file, const char *data, size_t len)
{
	ld_json *j = NULL, *pkgs, *deps;
	int error;

	if ((error = ld_json_parse(&j, data, len, file)) < 0)
		return error;
	pkgs = ld_json_get(j, "packages");
	deps = ld_json_get(j, "dependencies");
	if (ld_json_is_object(pkgs))
		error = npm_packages(lock, pkgs, file);
	else if (ld_json_is_object(deps))
		error = npm_v1(lock, deps, file, 0);
	else if (ld_json_is_object(j) && !ld_json_get(j, "packages") && !deps)
		error = 0;   /* a project without dependencies */
	else
		error = BAD("%s: neither \"packages\" nor \"dependencies\" is an object", file);
	ld_json_free(j);
	return error;
}

/* ---- Pipfile.lock ---- */

/* "==1.2.3" (or "===1.2.3") pins; "*", ranges and wildcards do not. */
static const char *pip_pin(const char *spec, size_t *vlen)
{
	size_t n;

	if (!spec || strncmp(spec, "==", 2) != 0)
		return NULL;
	spec += spec[2] == '=' ? 3 : 2;
	while (*spec == ' ')
		spec++;
	n = strlen(spec);
	while (n && spec[n - 1] == ' ')
		n--;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)spec[i]) && !strchr(".+!-_", spec[i]))
			return NULL;
	*vlen = n;
	return n ? spec : NULL;
}

static int pipfile_section(ld_lock *lock, const ld_json *sec, unsigned flags, const char *file)
{
	const char *v;
	size_t vlen = 0;
	int error = 0;

	for (ld_json *m = ld_json_first(sec); m && error == 0; m = ld_json_next(m)) {
		unsigned f = flags;
		if (!ld_json_is_object(m))
			return BAD("%s: package '%s' is not an object", file, ld_json_key(m));
		if (ld_json_get(m, "markers"))
			f |= LD_LOCK_OPTIONAL;
		v = pip_pin(ld_json_get_str(m, "version"), &vlen);
		error = lock_add(lock, ld_eco_pypi, ld_json_key(m), v, vlen, f, file);
	}
	return error;
}

static int parse_pipfile(ld_lock *lock, const char *file, const char *data, size_t len)
{
	ld_json *j = NULL, *def, *dev;
	int error;

	if ((error = ld_json_parse(&j, data, len, file)) < 0)
		return error;
	def = ld_json_get(j, "default");
	dev = ld_json_get(j, "develop");
	if ((def && !ld_json_is_object(def)) || (dev && !ld_json_is_object(dev)) ||
	    (!def && !dev))
		error = BAD("%s: \"default\" and \"develop\" must be objects", file);
	else if ((error = pipfile_section(lock, def, 0, file)) == 0)
		error = pipfile_section(lock, dev, LD_LOCK_DEV, file);
	ld_json_free(j);
	return error;
}

/* ---- requirements.txt ---- */

static int is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_' || c == '.';
}

/* One logical line (continuations joined, comment removed). Only "name==version" pins;
 * any other requirement is recorded unpinned, and what is not a requirement at all (an
 * option such as -r or -e, a path, a URL) is passed over, as pip would not compare it. */
static int requirement(ld_lock *lock, char *s, const char *file, int line)
{
	char name[LD_DEP_NAME_MAX + 1], *p;
	const char *v = NULL;
	unsigned flags = 0;
	size_t n = 0, vlen = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!isalnum((unsigned char)*s))
		return 0;
	if ((p = strchr(s, ';'))) {   /* an environment marker */
		*p = '\0';
		flags |= LD_LOCK_OPTIONAL;
	}
	for (p = s; *p; p++) {        /* per-requirement options: " --hash=..." */
		if ((*p == ' ' || *p == '\t') && p[1] == '-' && p[2] == '-') {
			*p = '\0';
			break;
		}
	}
	while (is_name_char(s[n]))
		n++;
	if (n > LD_DEP_NAME_MAX)
		return BAD("%s line %d: a package name is longer than %d bytes", file, line,
			   LD_DEP_NAME_MAX);
	memcpy(name, s, n);
	name[n] = '\0';
	for (s += n; *s == ' ' || *s == '\t'; s++)
		;
	if (*s == '[') {               /* extras */
		if (!(p = strchr(s, ']')))
			return BAD("%s line %d: unclosed extras bracket", file, line);
		for (s = p + 1; *s == ' ' || *s == '\t'; s++)
			;
	}
	if (*s && !strchr("=<>!~@", *s))
		return 0;
	if (s[0] == '=' && s[1] == '=' && !strchr(s, ','))
		v = pip_pin(s, &vlen);
	return lock_add(lock, ld_eco_pypi, name, v, vlen, flags, file);
}

static int parse_requirements(ld_lock *lock, const char *file, const char *data, size_t len)
{
	ld_buf b = LD_BUF_INIT_CAP(REQ_LINE_MAX);
	const char *p = data, *end = data + len, *nl, *hash;
	int line = 0, start = 1, error = 0;
	size_t n;

	while (p < end && error == 0) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		line++;
		if (b.size == 0)
			start = line;
		if (n && p[n - 1] == '\r')
			n--;
		/* a comment starts at '#' at the line's start or after whitespace */
		for (hash = p; (hash = memchr(hash, '#', (size_t)(p + n - hash))); hash++)
			if (hash == p || hash[-1] == ' ' || hash[-1] == '\t') {
				n = (size_t)(hash - p);
				break;
			}
		if (n && p[n - 1] == '\\') {
			if ((error = ld_buf_put(&b, p, n - 1)) < 0)
				error = BAD("%s line %d: a requirement is longer than %zu bytes",
					    file, start, REQ_LINE_MAX);
		} else if ((error = ld_buf_put(&b, p, n)) < 0) {
			error = BAD("%s line %d: a requirement is longer than %zu bytes", file,
				    start, REQ_LINE_MAX);
		} else {
			error = requirement(lock, b.ptr, file, start);
			ld_buf_clear(&b);
		}
		p = nl ? nl + 1 : end;
	}
	if (error == 0 && b.size)
		error = requirement(lock, b.ptr, file, start);
	ld_buf_dispose(&b);
	return error;
}

/* ---- poetry.lock: a TOML subset ---- */

typedef struct {
	const char *p, *end, *file;
	int line;
} toml;

typedef struct {
	char *name, *version, *category, *optional;
	int groups, main;          /* a "groups" array was seen; it holds "main" */
	int line;
} poetry_pkg;

#define TBAD(t, what) BAD("%s line %d: %s", (t)->file, (t)->line, what)

static void t_blank(toml *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t' || *t->p == '\r'))
		t->p++;
}

/* Blanks, newlines and comments, as allowed between array elements. */
static void t_space(toml *t)
{
	for (;;) {
		t_blank(t);
		if (t->p < t->end && *t->p == '#')
			while (t->p < t->end && *t->p != '\n')
				t->p++;
		if (t->p >= t->end || *t->p != '\n')
			return;
		t->line++;
		t->p++;
	}
}

static int t_at(const toml *t, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(t->end - t->p) >= n && memcmp(t->p, s, n) == 0;
}

/* A string of any of the four kinds; its raw text (escapes undecoded: names and versions
 * have none) is copied to *out when out is not NULL. */
static int t_string(toml *t, char **out)
{
	char q = *t->p;
	int multi = t_at(t, q == '"' ? "\"\"\"" : "'''");
	const char *s;

	t->p += multi ? 3 : 1;
	for (s = t->p; t->p < t->end; t->p++) {
		if (*t->p == '\\' && q == '"') {
			if (++t->p >= t->end)
				break;
			if (*t->p == '\n')
				t->line++;
			continue;
		}
		if (*t->p == '\n') {
			if (!multi)
				return TBAD(t, "newline in a string");
			t->line++;
		}
		if (*t->p == q && (!multi || t_at(t, q == '"' ? "\"\"\"" : "'''"))) {
			/* up to two quotes may sit just inside a multi-line closing delimiter */
			for (int k = 0; multi && k < 2 && t->p + 3 < t->end && t->p[3] == q; k++)
				t->p++;
			if (out && !(*out = strndup(s, (size_t)(t->p - s))))
				return ld_error_oom();
			t->p += multi ? 3 : 1;
			return 0;
		}
	}
	return TBAD(t, "unterminated string");
}

static int t_key(toml *t, char *out, size_t size);
static int t_value(toml *t, int depth, char **out, poetry_pkg *groups);

/* [ value, value, ... ] over any number of lines; for "groups", notes "main". */
static int t_array(toml *t, int depth, poetry_pkg *groups)
{
	char *s = NULL;
	int error;

	for (t->p++;;) {
		t_space(t);
		if (t->p < t->end && *t->p == ']') {
			t->p++;
			return 0;
		}
		if ((error = t_value(t, depth + 1, groups ? &s : NULL, NULL)) < 0)
			return error;
		if (s && strcmp(s, "main") == 0)
			groups->main = 1;
		free(s);
		s = NULL;
		t_space(t);
		if (t->p < t->end && *t->p == ',')
			t->p++;
		else if (t->p >= t->end || *t->p != ']')
			return TBAD(t, "expected ',' or ']' in an array");
	}
}

static int t_table(toml *t, int depth)
{
	char key[256];
	int error;

	for (t->p++;;) {
		t_space(t);
		if (t->p < t->end && *t->p == '}') {
			t->p++;
			return 0;
		}
		if ((error = t_key(t, key, sizeof(key))) < 0)
			return error;
		t_blank(t);
		if (t->p >= t->end || *t->p != '=')
			return TBAD(t, "expected '=' in an inline table");
		t->p++;
		t_blank(t);
		if ((error = t_value(t, depth + 1, NULL, NULL)) < 0)
			return error;
		t_space(t);
		if (t->p < t->end && *t->p == ',')
			t->p++;
		else if (t->p >= t->end || *t->p != '}')
			return TBAD(t, "expected ',' or '}' in an inline table");
	}
}

static int t_value(toml *t, int depth, char **out, poetry_pkg *groups)
{
	const char *s;

	if (depth > TOML_MAX_DEPTH)
		return TBAD(t, "values nest too deep");
	if (t->p >= t->end)
		return TBAD(t, "missing value");
	if (*t->p == '"' || *t->p == '\'')
		return t_string(t, out);
	if (*t->p == '[')
		return t_array(t, depth, groups);
	if (*t->p == '{')
		return t_table(t, depth);
	/* booleans, numbers, dates: up to what ends a value */
	for (s = t->p; t->p < t->end && !strchr(",]}#\n\r", *t->p); t->p++)
		;
	while (t->p > s && (t->p[-1] == ' ' || t->p[-1] == '\t'))
		t->p--;
	if (t->p == s)
		return TBAD(t, "missing value");
	if (out && !(*out = strndup(s, (size_t)(t->p - s))))
		return ld_error_oom();
	return 0;
}

/* A key, bare or quoted, dotted parts joined with '.'; cut to `size` for comparison. */
static int t_key(toml *t, char *out, size_t size)
{
	size_t n = 0;
	char *q = NULL;
	int error;

	for (;;) {
		t_blank(t);
		if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
			if ((error = t_string(t, &q)) < 0)
				return error;
			for (char *c = q; *c && n + 1 < size; c++)
				out[n++] = *c;
			free(q);
			q = NULL;
		} else {
			const char *s = t->p;
			while (t->p < t->end && (isalnum((unsigned char)*t->p) || *t->p == '_' ||
						 *t->p == '-'))
				if (n + 1 < size)
					out[n++] = *t->p++;
				else
					t->p++;
			if (t->p == s)
				return TBAD(t, "expected a key");
		}
		t_blank(t);
		if (t->p >= t->end || *t->p != '.')
			break;
		t->p++;
		if (n + 1 < size)
			out[n++] = '.';
	}
	out[n] = '\0';
	return 0;
}

static void pkg_clear(poetry_pkg *k)
{
	free(k->name);
	free(k->version);
	free(k->category);
	free(k->optional);
	memset(k, 0, sizeof(*k));
}

/* The end of one [[package]] table. */
static int pkg_flush(ld_lock *lock, poetry_pkg *k, const char *file)
{
	unsigned flags = 0;
	int error;

	if (!k->line)
		return 0;
	if (!k->name || !k->version) {
		error = BAD("%s line %d: a [[package]] without name or version", file, k->line);
		pkg_clear(k);
		return error;
	}
	if ((k->category && strcmp(k->category, "dev") == 0) || (k->groups && !k->main))
		flags |= LD_LOCK_DEV;
	if (k->optional && strcmp(k->optional, "true") == 0)
		flags |= LD_LOCK_OPTIONAL;
	error = add_str(lock, ld_eco_pypi, k->name, k->version, flags, file);
	pkg_clear(k);
	return error;
}

/* "[name]" or "[[name]]"; returns whether it opens a new top-level package. */
static int t_header(toml *t, int *is_package)
{
	char key[256];
	int array = t_at(t, "[["), error;

	t->p += array ? 2 : 1;
	if ((error = t_key(t, key, sizeof(key))) < 0)
		return error;
	if (!t_at(t, array ? "]]" : "]"))
		return TBAD(t, "malformed table header");
	t->p += array ? 2 : 1;
	*is_package = array && strcmp(key, "package") == 0;
	return 0;
}

/* One "key = value" of the current table; kept when it is a package's own field. */
static int t_pair(toml *t, poetry_pkg *k, int in_package)
{
	char key[64], **slot = NULL;
	int error;

	if ((error = t_key(t, key, sizeof(key))) < 0)
		return error;
	if (t->p >= t->end || *t->p != '=')
		return TBAD(t, "expected '='");
	t->p++;
	t_blank(t);
	if (in_package) {
		if (strcmp(key, "name") == 0)
			slot = &k->name;
		else if (strcmp(key, "version") == 0)
			slot = &k->version;
		else if (strcmp(key, "category") == 0)
			slot = &k->category;
		else if (strcmp(key, "optional") == 0)
			slot = &k->optional;
		else if (strcmp(key, "groups") == 0)
			k->groups = 1;
	}
	if (slot && *slot)
		return TBAD(t, "a key is defined twice");
	return t_value(t, 0, slot, in_package && strcmp(key, "groups") == 0 ? k : NULL);
}

static int parse_poetry(ld_lock *lock, const char *file, const char *data, size_t len)
{
	toml t = { data, data + len, file, 1 };
	poetry_pkg k;
	int in_package = 0, is_package = 0, error = 0;

	memset(&k, 0, sizeof(k));
	while (error == 0) {
		t_space(&t);
		if (t.p >= t.end)
			break;
		if (*t.p == '[') {
			if ((error = t_header(&t, &is_package)) < 0 ||
			    (is_package && (error = pkg_flush(lock, &k, file)) < 0))
				break;
			in_package = is_package;
			if (is_package)
				k.line = t.line;
		} else if ((error = t_pair(&t, &k, in_package)) < 0) {
			break;
		}
		t_blank(&t);
		if (t.p < t.end && *t.p == '#')
			continue;   /* t_space skips it */
		if (t.p < t.end && *t.p != '\n')
			error = TBAD(&t, "unexpected text after a value");
	}
	if (error == 0)
		error = pkg_flush(lock, &k, file);
	pkg_clear(&k);
	return error;
}

/* ---- dispatch ---- */

int ld_lock_parse(ld_lock *lock, const char *name, const void *data, size_t len)
{
	const char *b = base_name(name), *eco = ld_lock_ecosystem(name), *text = data;
	size_t before = lock->count;
	int error;

	if (!eco)
		return ld_error_setc(LD_EUSAGE, LD_ERR_INVENTORY, "'%s' is not a lockfile "
				     "lambdrift reads (package-lock.json, npm-shrinkwrap.json, "
				     "poetry.lock, Pipfile.lock, requirements.txt)", name);
	if (!text)
		text = "";
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (eco == ld_eco_npm)
		error = parse_npm(lock, name, text, len);
	else if (strcmp(b, "poetry.lock") == 0)
		error = parse_poetry(lock, name, text, len);
	else if (strcmp(b, "Pipfile.lock") == 0)
		error = parse_pipfile(lock, name, text, len);
	else
		error = parse_requirements(lock, name, text, len);
	for (size_t i = before; error < 0 && i < lock->count; i++) {
		free(lock->items[i].name);   /* a refused file leaves nothing behind */
		free(lock->items[i].version);
	}
	if (error < 0)
		lock->count = before;
	lock_tidy(lock);
	if (error == 0 && !ld_lock_covers(lock, eco))
		lock->covered[lock->ncovered++] = eco;
	return error;
}

/* ---- comparison ---- */

const char *ld_deps_change_name(ld_deps_change_kind kind)
{
	switch (kind) {
	case LD_DEPS_CHANGED:
		return "changed";
	case LD_DEPS_MISSING:
		return "missing";
	case LD_DEPS_UNEXPECTED:
		return "unexpected";
	}
	return "unknown";
}

void ld_deps_diff_dispose(ld_deps_diff *diff)
{
	if (!diff)
		return;
	for (size_t i = 0; i < diff->count; i++) {
		ld_deps_change *c = &diff->changes[i];
		free(c->name);
		free(c->deployed);
		free(c->locked);
		free(c->path);
		free(c->origin);
	}
	free(diff->changes);
	memset(diff, 0, sizeof(*diff));
}

static int from_function(const ld_dep *d)
{
	return strcmp(d->origin, LD_DEPS_ORIGIN_FUNCTION) == 0;
}

static int cmp_dep_ptr(const void *a, const void *b)
{
	const ld_dep *x = *(const ld_dep *const *)a, *y = *(const ld_dep *const *)b;
	int c;

	if ((c = strcmp(x->ecosystem, y->ecosystem)) || (c = strcmp(x->name, y->name)) ||
	    (c = strcmp(x->version, y->version)) || (c = from_function(y) - from_function(x)) ||
	    (c = strcmp(x->path, y->path)))
		return c;
	return strcmp(x->origin, y->origin);
}

/* Distinct strings of a sorted list, ", "-joined (NULL for none). */
static char *join(const char *const *v, size_t n, int *oom)
{
	ld_buf b = LD_BUF_INIT;

	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i - 1], v[i]) != 0)
			ld_buf_printf(&b, "%s%s", b.size ? ", " : "", v[i]);
	if (b.error)
		*oom = 1;
	return b.size ? ld_buf_detach(&b) : (ld_buf_dispose(&b), NULL);
}

static int contains(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

typedef struct {
	const ld_dep **d;          /* the name's deployed copies that count */
	size_t nd;
	const char **dv, **all, **req;   /* versions: deployed, pinned, pinned and required */
	size_t ndv, nall, nreq;
	int unpinned;
} group;

static int add_change(ld_deps_diff *diff, ld_deps_change_kind kind, const char *eco,
		      const char *name, const group *g, const ld_dep *where)
{
	ld_deps_change *c;
	int oom = 0;

	if (ld_array_grow(diff->changes, diff->count, 1) < 0)
		return LD_ERROR;
	c = &diff->changes[diff->count];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->ecosystem = eco;
	diff->count++;
	if (kind != LD_DEPS_MISSING)
		c->deployed = join(g->dv, g->ndv, &oom);
	if (kind != LD_DEPS_UNEXPECTED)
		c->locked = kind == LD_DEPS_MISSING ? join(g->req, g->nreq, &oom)
						    : join(g->all, g->nall, &oom);
	if (!(c->name = strdup(name)) || oom ||
	    (where && (!(c->path = strdup(where->path)) || !(c->origin = strdup(where->origin)))))
		return ld_error_oom();
	diff->changed += kind == LD_DEPS_CHANGED;
	diff->missing += kind == LD_DEPS_MISSING;
	diff->unexpected += kind == LD_DEPS_UNEXPECTED;
	return 0;
}

/* One (ecosystem, name): deployed copies d[0..nd) (sorted, function first within a
 * version), locked entries l[0..nl) (sorted by version, unpinned first). */
static int compare_name(ld_deps_diff *diff, group *g, const ld_dep **d, size_t nd,
			const ld_locked *l, size_t nl)
{
	const char *eco = nd ? d[0]->ecosystem : l[0].ecosystem;
	const char *name = nd ? d[0]->name : l[0].name;
	const ld_dep *where = NULL;
	size_t nf = 0;

	g->nd = g->ndv = g->nall = g->nreq = 0;
	g->unpinned = 0;
	for (size_t i = 0; i < nd; i++)
		nf += from_function(d[i]);
	for (size_t i = 0; i < nd; i++)
		if (!nf || from_function(d[i])) {
			g->d[g->nd++] = d[i];
			g->dv[g->ndv++] = d[i]->version;
		}
	for (size_t i = 0; i < nl; i++) {
		if (!l[i].version) {
			g->unpinned = 1;
			continue;
		}
		g->all[g->nall++] = l[i].version;
		if (!(l[i].flags & (LD_LOCK_DEV | LD_LOCK_OPTIONAL)))
			g->req[g->nreq++] = l[i].version;
	}
	if (nl == 0)
		return nf ? add_change(diff, LD_DEPS_UNEXPECTED, eco, name, g, g->d[0]) : 0;
	if (nd == 0)
		return g->nreq ? add_change(diff, LD_DEPS_MISSING, eco, name, g, NULL) : 0;
	if (g->nall == 0)
		return 0;   /* listed, never pinned: not compared */
	for (size_t i = 0; i < g->nd && !where; i++)
		if (!contains(g->all, g->nall, g->d[i]->version))
			where = g->d[i];
	for (size_t i = 0; i < g->nreq && !where; i++)
		if (!contains(g->dv, g->ndv, g->req[i]))
			where = g->d[0];
	return where ? add_change(diff, LD_DEPS_CHANGED, eco, name, g, where) : 0;
}

static int key_cmp(const char *eco1, const char *n1, const char *eco2, const char *n2)
{
	int c = strcmp(eco1, eco2);
	return c ? c : strcmp(n1, n2);
}

int ld_deps_compare(const ld_deps *deployed, const ld_lock *locked, ld_deps_diff *diff)
{
	const ld_dep **dv = NULL;
	group g;
	size_t nd = 0, i = 0, j = 0, i2, j2;
	int error = 0;

	memset(diff, 0, sizeof(*diff));
	memset(&g, 0, sizeof(g));
	if ((deployed->count && !(dv = malloc(deployed->count * sizeof(*dv)))) ||
	    !(g.d = malloc((deployed->count + 1) * sizeof(*g.d))) ||
	    !(g.dv = malloc((deployed->count + 1) * sizeof(*g.dv))) ||
	    !(g.all = malloc((locked->count + 1) * sizeof(*g.all))) ||
	    !(g.req = malloc((locked->count + 1) * sizeof(*g.req)))) {
		error = ld_error_oom();
		goto done;
	}
	for (size_t k = 0; k < deployed->count; k++)
		if (ld_lock_covers(locked, deployed->items[k].ecosystem))
			dv[nd++] = &deployed->items[k];
	if (nd)
		qsort(dv, nd, sizeof(*dv), cmp_dep_ptr);
	while (error == 0 && (i < nd || j < locked->count)) {
		const ld_locked *l = j < locked->count ? &locked->items[j] : NULL;
		const char *eco = l ? l->ecosystem : NULL, *name = l ? l->name : NULL;
		if (i < nd && (!l || key_cmp(dv[i]->ecosystem, dv[i]->name, eco, name) <= 0)) {
			eco = dv[i]->ecosystem;
			name = dv[i]->name;
		}
		for (i2 = i; i2 < nd && key_cmp(dv[i2]->ecosystem, dv[i2]->name, eco, name) == 0;
		     i2++)
			;
		for (j2 = j; j2 < locked->count && key_cmp(locked->items[j2].ecosystem,
							   locked->items[j2].name, eco, name) == 0;
		     j2++)
			;
		error = compare_name(diff, &g, dv + i, i2 - i, l, j2 - j);
		i = i2;
		j = j2;
	}
done:
	if (error < 0)
		ld_deps_diff_dispose(diff);
	free(dv);
	free(g.d);
	free(g.dv);
	free(g.all);
	free(g.req);
	return error;
}
