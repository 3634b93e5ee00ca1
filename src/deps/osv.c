/*
 * The OSV advisory database behind deps/osv.h. A record is parsed with util/json, reduced
 * to what matching needs (id, aliases, summary, severity, and per affected package its
 * SEMVER/ECOSYSTEM ranges and versions list) and copied into an arena; the JSON tree is
 * dropped at once, so a 20,000-record export costs tens of megabytes, not hundreds.
 * Affected entries are chained per (ecosystem, normalised name) key in an open-addressing
 * hash table, and record ids in a second one (to drop duplicates). A range is evaluated
 * without sorting its events: the events that apply to a version (introduced <= v,
 * fixed <= v, last_affected < v) are exactly those a sorted walk would visit before
 * passing v, so the state is the one set by the greatest of them.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deps/detect.h"
#include "deps/osv.h"
#include "deps/pkgver.h"
#include "lambdrift/buf.h"
#include "lambdrift/errors.h"
#include "pkg/zip.h"
#include "util/arena.h"
#include "util/array.h"
#include "util/file.h"
#include "util/json.h"
#include "util/str.h"

#define NONE UINT32_MAX
#define MAX_EVENTS 1024          /* events in one range */
#define MAX_DIR_DEPTH 32
#define SUMMARY_MAX 200          /* bytes of details used when a record has no summary */

enum { EV_INTRODUCED, EV_FIXED, EV_LAST_AFFECTED };
enum { RANGE_SEMVER, RANGE_ECOSYSTEM };

typedef struct {
	unsigned char kind;      /* EV_* */
	bool zero;               /* introduced "0": before every version */
	const char *version;
} osv_event;

typedef struct {
	unsigned char type;      /* RANGE_* */
	unsigned nevents;
	osv_event *events;
} osv_range;

typedef struct {
	uint32_t record;
	uint32_t next;           /* next entry with the same key, or NONE */
	ld_ecosystem eco;
	unsigned nranges, nversions;
	osv_range *ranges;
	const char **versions;
} osv_affected;

typedef struct {
	const char *id, *summary;
	const char **aliases;
	size_t naliases;
	ld_severity severity;
	const char *sev_label, *sev_source, *cvss_vector;
	double cvss;
} osv_record;

typedef struct {
	const char *key;         /* ecosystem '\0' normalised name */
	size_t keylen;
	uint64_t hash;
	uint32_t head, tail;
} osv_package;

typedef struct {
	uint32_t *slots;         /* index + 1; 0 = empty */
	size_t nslots;           /* power of two */
} itable;

struct ld_osv_db {
	ld_osv_limits limits;
	ld_osv_stats stats;
	uint64_t total_bytes;
	struct ld_arena *arena;  /* records, ranges, versions and keys */
	osv_record *recs;
	size_t nrecs, caprecs;
	osv_affected *affs;
	size_t naffs, capaffs;
	osv_package *pkgs;
	size_t npkgs, cappkgs;
	itable pkg_index, id_index;
	ld_buf key;              /* scratch while loading */
};

/* A record being read: its affected entries wait here until the whole record is valid. */
typedef struct {
	osv_affected a;
	char *key;               /* arena copy */
	size_t keylen;
} pending_entry;

typedef struct {
	pending_entry *e;
	size_t n, cap;
} pending;

/* ---------------------------------------------------------------- arena, growth, hashing */

static void *arena_alloc(ld_osv_db *db, size_t n)
{
	return ld_arena_alloc(db->arena, n, _Alignof(max_align_t));
}

static char *arena_strdup(ld_osv_db *db, const char *s)
{
	return ld_arena_strdup(db->arena, s, strlen(s));
}

/* GROW(array, cap, count): make room for one more element or return out of memory. */
#define GROW(arr, cap, count) \
	do { \
		if (ld_array_reserve((arr), (cap), (count) + 1) < 0) \
			return LD_ERROR; \
	} while (0)

static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

/* Slot for a key: the one holding it, or the empty one where it would go. `eq` tells
 * whether index i holds the key. */
static size_t itable_find(const itable *t, uint64_t hash, bool (*eq)(const void *, uint32_t,
								       const void *),
			  const void *ctx, const void *key)
{
	size_t mask = t->nslots - 1, s = (size_t)hash & mask;
	while (t->slots[s] && !eq(ctx, t->slots[s] - 1, key))
		s = (s + 1) & mask;
	return s;
}

/* Double the table when it passes half full; `hash_of` gives the hash of index i. */
static int itable_reserve(itable *t, size_t count, uint64_t (*hash_of)(const void *, uint32_t),
			  const void *ctx)
{
	size_t n = t->nslots ? t->nslots : 1024;
	uint32_t *slots;
	while (count * 2 >= n)
		n *= 2;
	if (n == t->nslots)
		return 0;
	if (!(slots = calloc(n, sizeof(*slots))))
		return ld_error_oom();
	for (size_t i = 0; i < t->nslots; i++) {
		if (t->slots[i]) {
			size_t s = (size_t)hash_of(ctx, t->slots[i] - 1) & (n - 1);
			while (slots[s])
				s = (s + 1) & (n - 1);
			slots[s] = t->slots[i];
		}
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = n;
	return 0;
}

typedef struct {
	const char *p;
	size_t n;
	uint64_t hash;
} keyref;

static bool pkg_eq(const void *ctx, uint32_t i, const void *key)
{
	const osv_package *p = &((const ld_osv_db *)ctx)->pkgs[i];
	const keyref *k = key;
	return p->hash == k->hash && p->keylen == k->n && memcmp(p->key, k->p, k->n) == 0;
}

static uint64_t pkg_hash(const void *ctx, uint32_t i)
{
	return ((const ld_osv_db *)ctx)->pkgs[i].hash;
}

static bool id_eq(const void *ctx, uint32_t i, const void *key)
{
	return strcmp(((const ld_osv_db *)ctx)->recs[i].id, key) == 0;
}

static uint64_t id_hash(const void *ctx, uint32_t i)
{
	const char *id = ((const ld_osv_db *)ctx)->recs[i].id;
	return fnv1a(id, strlen(id));
}

/* ---------------------------------------------------------------- keys */

/* "<ecosystem>\0<normalised name>" into `out`; known ecosystems (NuGet too) use OSV's
 * spelling, so "nuget" and "NuGet" are one key. */
static int make_key(ld_buf *out, const char *ecosystem, const char *name)
{
	ld_ecosystem eco = ld_ecosystem_of(ecosystem);
	const char *known = ld_deps_ecosystem(ecosystem);
	const char *ename = eco != LD_ECO_OTHER ? ld_ecosystem_name(eco) : known ? known : ecosystem;
	char norm[LD_DEP_NAME_MAX + 1];
	int error;

	if ((error = ld_deps_normalise(norm, ecosystem, name)) < 0)
		return error;
	ld_buf_clear(out);
	if ((error = ld_buf_puts(out, ename)) < 0 || (error = ld_buf_putc(out, '\0')) < 0)
		return error;
	return ld_buf_puts(out, norm);
}

static const osv_package *find_package(const ld_osv_db *db, const char *key, size_t n)
{
	keyref k = { key, n, fnv1a(key, n) };
	size_t s;
	if (!db->pkg_index.nslots)
		return NULL;
	s = itable_find(&db->pkg_index, k.hash, pkg_eq, db, &k);
	return db->pkg_index.slots[s] ? &db->pkgs[db->pkg_index.slots[s] - 1] : NULL;
}

/* The package for `key`, created when new. */
static int intern_package(ld_osv_db *db, const char *key, size_t n, osv_package **out)
{
	keyref k = { key, n, fnv1a(key, n) };
	osv_package *p;
	size_t s;
	int error;

	if ((error = itable_reserve(&db->pkg_index, db->npkgs + 1, pkg_hash, db)) < 0)
		return error;
	s = itable_find(&db->pkg_index, k.hash, pkg_eq, db, &k);
	if (db->pkg_index.slots[s]) {
		*out = &db->pkgs[db->pkg_index.slots[s] - 1];
		return 0;
	}
	GROW(db->pkgs, db->cappkgs, db->npkgs);
	p = &db->pkgs[db->npkgs];
	p->key = key; /* already an arena copy */
	p->keylen = n;
	p->hash = k.hash;
	p->head = p->tail = NONE;
	db->pkg_index.slots[s] = (uint32_t)++db->npkgs;
	db->stats.packages = db->npkgs;
	*out = p;
	return 0;
}

/* ---------------------------------------------------------------- severity */

/* ASCII case-insensitive equality (labels are ASCII words). */
static bool ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'a' && *a <= 'z' ? (char)(*a - 32) : *a;
		char y = *b >= 'a' && *b <= 'z' ? (char)(*b - 32) : *b;
		if (x != y)
			return false;
	}
	return *a == *b;
}

ld_severity ld_osv_severity_of(const char *label)
{
	static const struct {
		const char *label;
		ld_severity sev;
	} map[] = { { "CRITICAL", LD_SEV_ERROR }, { "HIGH", LD_SEV_ERROR },
		    { "MODERATE", LD_SEV_WARNING }, { "MEDIUM", LD_SEV_WARNING },
		    { "LOW", LD_SEV_NOTE }, { "NONE", LD_SEV_NOTE } };
	for (size_t i = 0; label && i < sizeof(map) / sizeof(map[0]); i++)
		if (ieq(label, map[i].label))
			return map[i].sev;
	return LD_SEV_NONE;
}

/* Weight of metric `m` with value `v` in a CVSS v3 base vector; -1 when unknown. */
static double cvss_weight(const char *m, char v, bool changed)
{
	if (!strcmp(m, "AV"))
		return v == 'N' ? 0.85 : v == 'A' ? 0.62 : v == 'L' ? 0.55 : v == 'P' ? 0.2 : -1;
	if (!strcmp(m, "AC"))
		return v == 'L' ? 0.77 : v == 'H' ? 0.44 : -1;
	if (!strcmp(m, "PR"))
		return v == 'N' ? 0.85 : v == 'L' ? (changed ? 0.68 : 0.62)
			: v == 'H' ? (changed ? 0.5 : 0.27) : -1;
	if (!strcmp(m, "UI"))
		return v == 'N' ? 0.85 : v == 'R' ? 0.62 : -1;
	if (!strcmp(m, "C") || !strcmp(m, "I") || !strcmp(m, "A"))
		return v == 'H' ? 0.56 : v == 'L' ? 0.22 : v == 'N' ? 0 : -1;
	return -1;
}

/* CVSS v3.1's Roundup: the smallest one-decimal number >= x, immune to float noise. */
static double cvss_roundup(double x)
{
	long long i = (long long)(x * 100000.0 + 0.5);
	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

double ld_cvss3_base_score(const char *vector)
{
	static const char *const names[] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A" };
	char val[8] = { 0 };
	const char *p;
	double w[8], iss, impact, expl, pw;
	bool changed;

	if (!vector || (strncmp(vector, "CVSS:3.0/", 9) && strncmp(vector, "CVSS:3.1/", 9)))
		return -1;
	for (p = vector + 9; *p;) {
		const char *colon = strchr(p, ':');
		size_t klen = colon ? (size_t)(colon - p) : 0;
		if (!colon || !colon[1] || (colon[2] && colon[2] != '/'))
			return -1;
		for (int i = 0; i < 8; i++) {
			if (strlen(names[i]) == klen && !strncmp(p, names[i], klen)) {
				if (val[i])
					return -1;
				val[i] = colon[1];
			}
		}
		p = colon[2] ? colon + 3 : colon + 2;
	}
	if (!val[4] || (val[4] != 'U' && val[4] != 'C'))
		return -1;
	changed = val[4] == 'C';
	for (int i = 0; i < 8; i++) {
		if (i == 4)
			continue;
		if (!val[i] || (w[i] = cvss_weight(names[i], val[i], changed)) < 0)
			return -1;
	}
	iss = 1 - (1 - w[5]) * (1 - w[6]) * (1 - w[7]);
	if (changed) {
		pw = 1;
		for (int i = 0; i < 15; i++)
			pw *= iss - 0.02;
		impact = 7.52 * (iss - 0.029) - 3.25 * pw;
	} else {
		impact = 6.42 * iss;
	}
	expl = 8.22 * w[0] * w[1] * w[2] * w[3];
	if (impact <= 0)
		return 0;
	if (changed)
		return cvss_roundup(1.08 * (impact + expl) < 10 ? 1.08 * (impact + expl) : 10);
	return cvss_roundup(impact + expl < 10 ? impact + expl : 10);
}

static const char *cvss_rating(double score)
{
	return score >= 9.0 ? "CRITICAL" : score >= 7.0 ? "HIGH" : score >= 4.0 ? "MEDIUM"
		: score > 0 ? "LOW" : "NONE";
}

/* CVSS v3 from severity[] first, then GitHub's database_specific.severity, else warning. */
static int record_severity(ld_osv_db *db, const ld_json *obj, osv_record *r)
{
	static const char *const labels[] = { "CRITICAL", "HIGH", "MODERATE", "MEDIUM", "LOW",
					      "NONE" };
	const ld_json *sev = ld_json_get(obj, "severity"), *dbs;
	const char *label;

	for (const ld_json *s = ld_json_first(sev); ld_json_is_array(sev) && s;
	     s = ld_json_next(s)) {
		const char *type = ld_json_get_str(s, "type"), *score = ld_json_get_str(s, "score");
		double v;
		if (!type || !score || strcmp(type, "CVSS_V3") || (v = ld_cvss3_base_score(score)) < 0)
			continue;
		if (!(r->cvss_vector = arena_strdup(db, score)))
			return ld_error_oom();
		r->cvss = v;
		r->sev_label = cvss_rating(v);
		r->sev_source = "CVSS_V3";
		r->severity = ld_osv_severity_of(r->sev_label);
		return 0;
	}
	dbs = ld_json_get(obj, "database_specific");
	label = ld_json_get_str(dbs, "severity");
	if (label && ld_osv_severity_of(label) != LD_SEV_NONE) {
		for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
			if (ieq(label, labels[i]))
				r->sev_label = labels[i];
		r->sev_source = "database_specific";
		r->severity = ld_osv_severity_of(label);
		return 0;
	}
	r->sev_source = "default";
	r->severity = LD_SEV_WARNING;
	return 0;
}

/* ---------------------------------------------------------------- reading one record */

/* Count a skipped record; the first one's reason is kept as "<origin> <id>: <why>" (or
 * just `why` when it already names the origin). */
static void skip(ld_osv_db *db, const char *origin, const char *id, const char *why)
{
	if (db->stats.skipped++ > 0)
		return;
	if (!origin)
		snprintf(db->stats.first_skip, sizeof(db->stats.first_skip), "%.300s", why);
	else
		snprintf(db->stats.first_skip, sizeof(db->stats.first_skip), "%s%s%s: %s", origin,
			 id ? " " : "", id ? id : "", why);
}

static int parse_event(const ld_json *e, osv_event *out, ld_osv_db *db, const char **why)
{
	static const char *const keys[] = { "introduced", "fixed", "last_affected" };
	const ld_json *m;
	const char *v;

	if (!ld_json_is_object(e) || ld_json_size(e) != 1 || !(m = ld_json_first(e)) ||
	    !(v = ld_json_str(m)) || !*v) {
		*why = "a range event is not one version";
		return 1;
	}
	for (int k = 0; k < 3; k++) {
		if (strcmp(ld_json_key(m), keys[k]) == 0) {
			out->kind = (unsigned char)k;
			out->zero = k == EV_INTRODUCED && strcmp(v, "0") == 0;
			if (!(out->version = arena_strdup(db, v)))
				return ld_error_oom();
			return 0;
		}
	}
	if (strcmp(ld_json_key(m), "limit") == 0)
		return 2; /* a GIT range notion: ignored */
	*why = "a range event is none of introduced, fixed, last_affected, limit";
	return 1;
}

/* One SEMVER/ECOSYSTEM range into `out`. @return 0 kept, 2 ignored (GIT or an unknown
 * type), 1 malformed (*why set), <0 error */
static int parse_range(ld_osv_db *db, const ld_json *r, osv_range *out, const char **why)
{
	const char *type = ld_json_get_str(r, "type");
	const ld_json *events = ld_json_get(r, "events");
	bool introduced = false;
	size_t n;

	if (!type || !ld_json_is_array(events) || !(n = ld_json_size(events))) {
		*why = "a range has no type or no events";
		return 1;
	}
	if (strcmp(type, "SEMVER") && strcmp(type, "ECOSYSTEM"))
		return 2;
	if (n > MAX_EVENTS) {
		*why = "a range has too many events";
		return 1;
	}
	out->type = strcmp(type, "SEMVER") == 0 ? RANGE_SEMVER : RANGE_ECOSYSTEM;
	out->nevents = 0;
	if (!(out->events = arena_alloc(db, n * sizeof(osv_event))))
		return ld_error_oom();
	for (const ld_json *e = ld_json_first(events); e; e = ld_json_next(e)) {
		int rc = parse_event(e, &out->events[out->nevents], db, why);
		if (rc == 1 || rc < 0)
			return rc;
		if (rc == 0)
			introduced |= out->events[out->nevents++].kind == EV_INTRODUCED;
	}
	if (!introduced) {
		*why = "a range has no introduced event";
		return 1;
	}
	return 0;
}

static int parse_ranges(ld_osv_db *db, const ld_json *ranges, osv_affected *a, const char **why)
{
	size_t n = ld_json_size(ranges);
	if (!ranges)
		return 0;
	if (!ld_json_is_array(ranges)) {
		*why = "ranges is not an array";
		return 1;
	}
	if (n && !(a->ranges = arena_alloc(db, n * sizeof(osv_range))))
		return ld_error_oom();
	for (const ld_json *r = ld_json_first(ranges); r; r = ld_json_next(r)) {
		int rc = parse_range(db, r, &a->ranges[a->nranges], why);
		if (rc == 1 || rc < 0)
			return rc;
		a->nranges += rc == 0;
	}
	return 0;
}

static int parse_versions(ld_osv_db *db, const ld_json *versions, osv_affected *a,
			  const char **why)
{
	size_t n = ld_json_size(versions);
	if (!versions)
		return 0;
	if (!ld_json_is_array(versions)) {
		*why = "versions is not an array";
		return 1;
	}
	if (n && !(a->versions = arena_alloc(db, n * sizeof(char *))))
		return ld_error_oom();
	for (const ld_json *j = ld_json_first(versions); j; j = ld_json_next(j)) {
		const char *v = ld_json_str(j);
		if (!v) {
			*why = "versions holds a non-string";
			return 1;
		}
		if (!(a->versions[a->nversions++] = arena_strdup(db, v)))
			return ld_error_oom();
	}
	return 0;
}

static int pending_add(ld_osv_db *db, pending *pd, const osv_affected *a)
{
	pending_entry *e;

	GROW(pd->e, pd->cap, pd->n);
	e = &pd->e[pd->n];
	if (!(e->key = arena_alloc(db, db->key.size + 1)))
		return ld_error_oom();
	memcpy(e->key, db->key.ptr, db->key.size + 1);
	e->keylen = db->key.size;
	e->a = *a;
	pd->n++;
	return 0;
}

/* One affected[] entry. @return 0 (kept or nothing to index), 1 malformed, <0 error */
static int parse_affected(ld_osv_db *db, const ld_json *item, pending *pd, const char **why)
{
	const ld_json *pkg = ld_json_get(item, "package");
	const char *eco, *name;
	osv_affected a;
	int rc;

	if (!ld_json_is_object(item)) {
		*why = "an affected entry is not an object";
		return 1;
	}
	if (!pkg)
		return 0; /* a GIT-only entry names a repository, not a package */
	eco = ld_json_get_str(pkg, "ecosystem");
	name = ld_json_get_str(pkg, "name");
	if (!eco || !*eco || !name || !*name) {
		*why = "an affected package has no ecosystem or name";
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.eco = ld_ecosystem_of(eco);
	a.next = NONE;
	if ((rc = parse_ranges(db, ld_json_get(item, "ranges"), &a, why)) != 0 ||
	    (rc = parse_versions(db, ld_json_get(item, "versions"), &a, why)) != 0)
		return rc;
	if (!a.nranges && !a.nversions)
		return 0;
	if ((rc = make_key(&db->key, eco, name)) < 0) {
		*why = "an affected package name cannot be normalised";
		return rc == LD_EINVALID ? 1 : rc;
	}
	return pending_add(db, pd, &a);
}

static const char *record_summary(ld_osv_db *db, const ld_json *obj)
{
	const char *s = ld_json_get_str(obj, "summary"), *d;
	size_t n = 0;
	if (s && *s)
		return arena_strdup(db, s);
	if (!(d = ld_json_get_str(obj, "details")) || !*d)
		return "";
	while (d[n] && d[n] != '\n' && d[n] != '\r' && n < SUMMARY_MAX)
		n++;
	while (n > 0 && d[n] && ((unsigned char)d[n] & 0xC0) == 0x80)
		n--; /* do not cut a UTF-8 sequence */
	return ld_arena_strdup(db->arena, d, n);
}

static int record_aliases(ld_osv_db *db, const ld_json *aliases, osv_record *r)
{
	size_t n = ld_json_size(aliases);
	if (!n)
		return 0;
	if (!(r->aliases = arena_alloc(db, n * sizeof(char *))))
		return ld_error_oom();
	for (const ld_json *j = ld_json_first(aliases); j; j = ld_json_next(j)) {
		const char *a = ld_json_str(j);
		if (a && !(r->aliases[r->naliases++] = arena_strdup(db, a)))
			return ld_error_oom();
	}
	return 0;
}

/* Append the record and link its pending affected entries under their keys. */
static int commit_record(ld_osv_db *db, const ld_json *obj, const char *id, pending *pd,
			 size_t id_slot)
{
	osv_record *r;
	uint32_t ri = (uint32_t)db->nrecs;
	int error;

	GROW(db->recs, db->caprecs, db->nrecs);
	r = &db->recs[db->nrecs];
	memset(r, 0, sizeof(*r));
	r->cvss = -1;
	if (!(r->id = arena_strdup(db, id)) || !(r->summary = record_summary(db, obj)))
		return ld_error_oom();
	if (!*r->summary)
		r->summary = NULL;
	if ((error = record_aliases(db, ld_json_get(obj, "aliases"), r)) < 0 ||
	    (error = record_severity(db, obj, r)) < 0)
		return error;
	db->nrecs++;
	db->id_index.slots[id_slot] = ri + 1;
	db->stats.records++;
	for (size_t i = 0; i < pd->n; i++) {
		osv_package *p = NULL;
		GROW(db->affs, db->capaffs, db->naffs);
		if ((error = intern_package(db, pd->e[i].key, pd->e[i].keylen, &p)) < 0)
			return error;
		db->affs[db->naffs] = pd->e[i].a;
		db->affs[db->naffs].record = ri;
		if (p->tail == NONE)
			p->head = (uint32_t)db->naffs;
		else
			db->affs[p->tail].next = (uint32_t)db->naffs;
		p->tail = (uint32_t)db->naffs++;
	}
	return 0;
}

static int add_record(ld_osv_db *db, const ld_json *obj, const char *origin)
{
	const char *id = ld_json_get_str(obj, "id"), *why = NULL;
	const ld_json *aff = ld_json_get(obj, "affected"), *aliases = ld_json_get(obj, "aliases");
	pending pd = { 0 };
	size_t slot;
	int error = 0;

	if (!ld_json_is_object(obj) || !id || !*id) {
		skip(db, origin ? origin : "record", NULL, "not an OSV record (no id)");
		goto done;
	}
	if (ld_json_get_str(obj, "withdrawn")) {
		db->stats.withdrawn++;
		goto done;
	}
	if ((error = itable_reserve(&db->id_index, db->nrecs + 1, id_hash, db)) < 0)
		goto done;
	slot = itable_find(&db->id_index, fnv1a(id, strlen(id)), id_eq, db, id);
	if (db->id_index.slots[slot]) {
		db->stats.duplicates++;
		goto done;
	}
	if (aliases && !ld_json_is_array(aliases))
		why = "aliases is not an array";
	else if (aff && !ld_json_is_array(aff))
		why = "affected is not an array";
	for (const ld_json *j = ld_json_first(aff); !why && j; j = ld_json_next(j)) {
		int rc = parse_affected(db, j, &pd, &why);
		if (rc < 0) {
			error = rc;
			goto done;
		}
	}
	if (why)
		skip(db, origin, id, why);
	else
		error = commit_record(db, obj, id, &pd, slot);
done:
	free(pd.e);
	return error;
}

int ld_osv_add_json(ld_osv_db *db, const char *text, size_t len, const char *origin)
{
	ld_json *root = NULL;
	int error = 0;

	if ((db->total_bytes += len) > db->limits.max_total_bytes)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CONFIG,
				     "advisories exceed %llu bytes in total; raise the limit or "
				     "load fewer", (unsigned long long)db->limits.max_total_bytes);
	if (len > db->limits.max_record_bytes) {
		skip(db, origin ? origin : "record", NULL, "record larger than the per-record limit");
		return 0;
	}
	if (ld_json_parse(&root, text, len, origin ? origin : "record") < 0) {
		skip(db, NULL, NULL, ld_error_last()->message);
		ld_error_clear();
		return 0;
	}
	if (ld_json_is_array(root)) {
		for (const ld_json *j = ld_json_first(root); error == 0 && j; j = ld_json_next(j))
			error = add_record(db, j, origin);
	} else {
		error = add_record(db, root, origin);
	}
	ld_json_free(root);
	return error;
}

/* ---------------------------------------------------------------- loading files */

static int count_file(ld_osv_db *db)
{
	if (++db->stats.files > db->limits.max_files)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CONFIG,
				     "more than %zu advisory files; raise the limit or load fewer",
				     db->limits.max_files);
	return 0;
}

static bool has_json_suffix(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && (name[n - 5] == '.') && (name[n - 4] | 0x20) == 'j' &&
	       (name[n - 3] | 0x20) == 's' && (name[n - 2] | 0x20) == 'o' &&
	       (name[n - 1] | 0x20) == 'n';
}

static int load_json_file(ld_osv_db *db, const char *path, off_t size)
{
	ld_buf text = LD_BUF_INIT_CAP(db->limits.max_record_bytes);
	int error;

	if ((error = count_file(db)) < 0)
		return error;
	if ((uint64_t)size > db->limits.max_record_bytes) {
		skip(db, path, NULL, "record larger than the per-record limit");
		return 0;
	}
	if ((error = ld_buf_read_file(&text, path, text.cap)) == LD_ELIMIT) {
		skip(db, path, NULL, "record larger than the per-record limit"); /* it grew */
		error = 0;
	} else if (error < 0 && !text.error) {
		error = ld_error_set(LD_ERR_OS, "cannot read advisory '%s': %s", path,
				     strerror(errno));
	} else if (error == 0) {
		error = ld_osv_add_json(db, text.ptr, text.size, path);
	}
	ld_buf_dispose(&text);
	return error;
}

/* The entries of `dir` (without . and ..), sorted bytewise. */
static int list_dir(const char *dir, char ***names, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	int error = 0;

	*names = NULL;
	*count = 0;
	if (!d)
		return ld_error_set(LD_ERR_OS, "cannot open directory '%s': %s", dir, strerror(errno));
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if ((error = ld_array_reserve(*names, cap, *count + 1)) < 0)
			break;
		if (!((*names)[*count] = strdup(e->d_name))) {
			error = ld_error_oom();
			break;
		}
		(*count)++;
	}
	closedir(d);
	if (*count)
		qsort(*names, *count, sizeof(char *), ld_strcmp_ptrs);
	return error;
}

static int load_dir(ld_osv_db *db, const char *dir, int depth)
{
	ld_buf path = LD_BUF_INIT_CAP(4096);
	char **names = NULL;
	size_t count = 0;
	struct stat st;
	int error;

	if (depth > MAX_DIR_DEPTH)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CONFIG,
				     "advisory directories nest deeper than %d levels at '%s'",
				     MAX_DIR_DEPTH, dir);
	if ((error = list_dir(dir, &names, &count)) < 0)
		goto done;
	for (size_t i = 0; i < count && error == 0; i++) {
		ld_buf_clear(&path);
		if ((error = ld_buf_printf(&path, "%s/%s", dir, names[i])) < 0)
			break;
		if (lstat(path.ptr, &st) < 0)
			error = ld_error_set(LD_ERR_OS, "cannot stat '%s': %s", path.ptr,
					     strerror(errno));
		else if (S_ISDIR(st.st_mode) && names[i][0] != '.') /* not .git and the like */
			error = load_dir(db, path.ptr, depth + 1);
		else if (S_ISREG(st.st_mode) && has_json_suffix(names[i]))
			error = load_json_file(db, path.ptr, st.st_size);
	}
done:
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
	ld_buf_dispose(&path);
	return error;
}

typedef struct {
	ld_osv_db *db;
	const char *origin;
	ld_buf name;
} zip_ctx;

static ld_zip_want zip_want(const char *container, const char *path, uint64_t size,
			    void *payload)
{
	(void)size;
	(void)payload;
	return !container && has_json_suffix(path) ? LD_ZIP_TAKE : LD_ZIP_SKIP;
}

static int zip_item(const ld_zip_item *item, void *payload)
{
	zip_ctx *z = payload;
	int error;

	if ((error = count_file(z->db)) < 0)
		return error;
	ld_buf_clear(&z->name);
	if ((error = ld_buf_printf(&z->name, "%s:%s", z->origin, item->path)) < 0)
		return error;
	switch (item->status) {
	case LD_ZIP_ITEM_OK:
		return ld_osv_add_json(z->db, (const char *)item->data, item->len, z->name.ptr);
	case LD_ZIP_ITEM_TOO_LARGE:
		skip(z->db, z->name.ptr, NULL, "record larger than the per-record limit");
		return 0;
	default:
		return ld_error_setc(LD_ELIMIT, LD_ERR_CONFIG,
				     "advisories in '%s' exceed %llu bytes in total", z->origin,
				     (unsigned long long)z->db->limits.max_total_bytes);
	}
}

int ld_osv_load_zip(ld_osv_db *db, const void *data, size_t len, const char *origin)
{
	ld_zip_limits lim = LD_ZIP_LIMITS_INIT;
	zip_ctx z = { db, origin ? origin : "zip", LD_BUF_INIT_CAP(8192) };
	int error;

	lim.max_entries = db->limits.max_files;
	lim.max_total = db->limits.max_total_bytes;
	lim.max_content_entry = db->limits.max_record_bytes;
	lim.max_content_total = db->limits.max_total_bytes;
	error = ld_zip_visit(data, len, &lim, zip_want, zip_item, &z);
	ld_buf_dispose(&z.name);
	return error;
}

static int load_zip_file(ld_osv_db *db, const char *path, int fd, off_t size)
{
	void *map;
	int error;

	if ((uint64_t)size > db->limits.max_zip_bytes)
		return ld_error_setc(LD_ELIMIT, LD_ERR_CONFIG,
				     "advisory archive '%s' is larger than %llu bytes", path,
				     (unsigned long long)db->limits.max_zip_bytes);
	if (size == 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_ZIP, "advisory archive '%s' is empty", path);
	if ((map = mmap(NULL, (size_t)size, PROT_READ, MAP_PRIVATE, fd, 0)) == MAP_FAILED)
		return ld_error_set(LD_ERR_OS, "cannot map '%s': %s", path, strerror(errno));
	error = ld_osv_load_zip(db, map, (size_t)size, path);
	munmap(map, (size_t)size);
	return error;
}

static bool looks_like_zip(int fd, const char *path)
{
	unsigned char m[4];
	size_t n = strlen(path);
	if (n > 4 && !strcmp(path + n - 4, ".zip"))
		return true;
	return pread(fd, m, 4, 0) == 4 && m[0] == 'P' && m[1] == 'K' &&
	       ((m[2] == 3 && m[3] == 4) || (m[2] == 5 && m[3] == 6));
}

/* How many records a load has read so far: loaded, withdrawn or already loaded. */
static size_t records_read(const ld_osv_stats *s)
{
	return s->records + s->withdrawn + s->duplicates;
}

/* A path that gives no record is refused: an empty file, a cut-short download or a
 * directory of something else would otherwise check every dependency against nothing and
 * report none vulnerable. `skipped` and `first` are this path's skipped records. */
static int refuse_empty(const char *path, const struct stat *st, size_t skipped,
			const char *first)
{
	const char *what = S_ISDIR(st->st_mode) ? "is a directory with" : "holds";

	if (S_ISREG(st->st_mode) && st->st_size == 0)
		return ld_error_setc(LD_EINVALID, LD_ERR_CONFIG,
				     "'%s' is empty: it holds no OSV advisory record", path);
	if (skipped)
		return ld_error_setc(LD_EINVALID, LD_ERR_CONFIG,
				     "'%s' %s no OSV advisory record that can be read (%zu "
				     "skipped; the first: %s)", path, what, skipped, first);
	return ld_error_setc(LD_EINVALID, LD_ERR_CONFIG, "'%s' %s no OSV advisory record (no "
			     "*.json %s)", path, what,
			     S_ISDIR(st->st_mode) ? "file below it" : "entry");
}

static int load_path(ld_osv_db *db, const char *path, const struct stat *st)
{
	int fd, error;

	if (S_ISDIR(st->st_mode))
		return load_dir(db, path, 0);
	if ((fd = open(path, O_RDONLY)) < 0)
		return ld_error_set(LD_ERR_OS, "cannot open '%s': %s", path, strerror(errno));
	if (looks_like_zip(fd, path))
		error = load_zip_file(db, path, fd, st->st_size);
	else
		error = load_json_file(db, path, st->st_size);
	close(fd);
	return error;
}

int ld_osv_load(ld_osv_db *db, const char *path)
{
	ld_osv_stats before = db->stats;
	char first[sizeof(before.first_skip)];
	size_t skipped;
	struct stat st;
	int error;

	if (stat(path, &st) < 0)
		return ld_error_setc(errno == ENOENT ? LD_ENOTFOUND : LD_ERROR, LD_ERR_OS,
				     "cannot read advisories at '%s': %s", path, strerror(errno));
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "'%s' is neither a directory, a zip nor a JSON file", path);
	/* this path's skipped records are counted from 0, to say why it gave none */
	db->stats.skipped = 0;
	db->stats.first_skip[0] = '\0';
	error = load_path(db, path, &st);
	memcpy(first, db->stats.first_skip, sizeof(first));
	skipped = db->stats.skipped;
	db->stats.skipped += before.skipped;
	if (before.skipped)
		memcpy(db->stats.first_skip, before.first_skip, sizeof(first));
	if (error == 0 && records_read(&db->stats) == records_read(&before))
		error = refuse_empty(path, &st, skipped, first);
	return error;
}

/* ---------------------------------------------------------------- database */

int ld_osv_db_new(ld_osv_db **out, const ld_osv_limits *limits)
{
	static const ld_osv_limits defaults = LD_OSV_LIMITS_INIT;
	ld_osv_db *db = calloc(1, sizeof(*db));

	*out = NULL;
	if (!db || !(db->arena = ld_arena_new())) {
		free(db);
		return ld_error_oom();
	}
	db->limits = limits ? *limits : defaults;
	ld_buf_init(&db->key, 4096);
	*out = db;
	return 0;
}

void ld_osv_db_free(ld_osv_db *db)
{
	if (!db)
		return;
	ld_arena_free(db->arena);
	free(db->recs);
	free(db->affs);
	free(db->pkgs);
	free(db->pkg_index.slots);
	free(db->id_index.slots);
	ld_buf_dispose(&db->key);
	free(db);
}

bool ld_osv_db_has(const ld_osv_db *db, const char *id)
{
	size_t s;
	if (!id || !db->id_index.nslots)
		return false;
	s = itable_find(&db->id_index, fnv1a(id, strlen(id)), id_eq, db, id);
	return db->id_index.slots[s] != 0;
}

const ld_osv_stats *ld_osv_db_stats(const ld_osv_db *db)
{
	return &db->stats;
}

/* ---------------------------------------------------------------- matching */

/* Order of two event versions: introduced "0" before everything. @return 0 or LD_EINVALID */
static int event_cmp(ld_ecosystem eco, const osv_event *a, const osv_event *b, int *c)
{
	if (a->zero || b->zero) {
		*c = a->zero == b->zero ? 0 : (a->zero ? -1 : 1);
		return 0;
	}
	return ld_pkgver_cmp_eco(eco, a->version, b->version, c);
}

/* @return 1 affected, 0 not, -1 cannot be evaluated */
static int range_affects(const osv_range *r, ld_ecosystem eco, const char *version)
{
	ld_ecosystem ceco = r->type == RANGE_SEMVER ? LD_ECO_NPM : eco;
	osv_event v = { EV_INTRODUCED, false, version };
	const osv_event *best = NULL;
	int c;

	if (ceco == LD_ECO_OTHER || !ld_pkgver_valid(ceco, version))
		return -1;
	for (unsigned i = 0; i < r->nevents; i++) {
		const osv_event *e = &r->events[i];
		if (event_cmp(ceco, e, &v, &c) < 0)
			return -1;
		if (e->kind == EV_LAST_AFFECTED ? c >= 0 : c > 0)
			continue; /* this event lies beyond the version */
		if (best && event_cmp(ceco, e, best, &c) < 0)
			return -1;
		/* at equal versions a fixed/last_affected ends what an introduced begins */
		if (!best || c > 0 || (c == 0 && e->kind != EV_INTRODUCED))
			best = e;
	}
	return best && best->kind == EV_INTRODUCED;
}

static bool entry_affects(const osv_affected *a, const char *version, size_t *unevaluated)
{
	int c;
	for (unsigned i = 0; i < a->nranges; i++) {
		int rc = range_affects(&a->ranges[i], a->eco, version);
		if (rc > 0)
			return true;
		if (rc < 0 && unevaluated)
			(*unevaluated)++;
	}
	for (unsigned i = 0; i < a->nversions; i++) {
		if (strcmp(a->versions[i], version) == 0 ||
		    (a->eco != LD_ECO_OTHER && ld_pkgver_valid(a->eco, a->versions[i]) &&
		     ld_pkgver_cmp_eco(a->eco, a->versions[i], version, &c) == 0 && c == 0))
			return true;
	}
	return false;
}

static bool record_affects(const ld_osv_db *db, const osv_package *p, uint32_t rec,
			   const char *version)
{
	for (uint32_t i = p->head; i != NONE; i = db->affs[i].next)
		if (db->affs[i].record == rec && entry_affects(&db->affs[i], version, NULL))
			return true;
	return false;
}

/* The lowest fixed version above `version` that the record does not affect. */
static const char *first_fixed(const ld_osv_db *db, const osv_package *p, uint32_t rec,
			       const char *version)
{
	const char *best = NULL;
	int c;

	for (uint32_t i = p->head; i != NONE; i = db->affs[i].next) {
		const osv_affected *a = &db->affs[i];
		if (a->record != rec)
			continue;
		for (unsigned r = 0; r < a->nranges; r++) {
			ld_ecosystem ceco = a->ranges[r].type == RANGE_SEMVER ? LD_ECO_NPM : a->eco;
			for (unsigned e = 0; e < a->ranges[r].nevents; e++) {
				const osv_event *ev = &a->ranges[r].events[e];
				if (ev->kind != EV_FIXED || ev->zero ||
				    ld_pkgver_cmp_eco(ceco, ev->version, version, &c) < 0 || c <= 0)
					continue;
				if (best && (ld_pkgver_cmp_eco(ceco, ev->version, best, &c) < 0 || c >= 0))
					continue;
				if (!record_affects(db, p, rec, ev->version))
					best = ev->version;
			}
		}
	}
	return best;
}

static int add_match(const ld_osv_db *db, const osv_package *p, uint32_t rec,
		     const char *version, ld_osv_matches *out, size_t *cap)
{
	const osv_record *r = &db->recs[rec];
	ld_osv_match_item *it;

	for (size_t i = 0; i < out->count; i++)
		if (out->items[i].id == r->id)
			return 0; /* another affected entry of the same advisory */
	if (ld_array_reserve(out->items, *cap, out->count + 1) < 0)
		return LD_ERROR;
	it = &out->items[out->count++];
	memset(it, 0, sizeof(*it));
	it->id = r->id;
	it->summary = r->summary;
	it->aliases = (const char *const *)r->aliases;
	it->naliases = r->naliases;
	it->severity = r->severity;
	it->severity_label = r->sev_label;
	it->severity_source = r->sev_source;
	it->cvss_score = r->cvss;
	it->cvss_vector = r->cvss_vector;
	it->fixed = first_fixed(db, p, rec, version);
	return 0;
}

int ld_osv_match(const ld_osv_db *db, const char *ecosystem, const char *name,
		 const char *version, ld_osv_matches *out)
{
	ld_ecosystem eco = ld_ecosystem_of(ecosystem);
	ld_buf key = LD_BUF_INIT_CAP(4096);
	const osv_package *p;
	size_t cap = 0;
	int error = 0;

	memset(out, 0, sizeof(*out));
	if (!version || !*version || (eco != LD_ECO_OTHER && !ld_pkgver_valid(eco, version))) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "'%.80s' is not a valid %s version",
				      version ? version : "", ecosystem ? ecosystem : "");
		goto done;
	}
	if (!ecosystem || (error = make_key(&key, ecosystem, name)) < 0) {
		error = error ? error : ld_error_setc(LD_EINVALID, LD_ERR_USAGE, "no ecosystem given");
		goto done;
	}
	if (!(p = find_package(db, key.ptr, key.size)))
		goto done;
	for (uint32_t i = p->head; i != NONE && error == 0; i = db->affs[i].next)
		if (entry_affects(&db->affs[i], version, &out->unevaluated))
			error = add_match(db, p, db->affs[i].record, version, out, &cap);
done:
	if (error < 0)
		ld_osv_matches_dispose(out);
	ld_buf_dispose(&key);
	return error;
}

void ld_osv_matches_dispose(ld_osv_matches *m)
{
	if (!m)
		return;
	free(m->items);
	memset(m, 0, sizeof(*m));
}
