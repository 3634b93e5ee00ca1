/*
 * OSV advisories: a database loaded from a directory of OSV JSON files (searched
 * recursively), an ecosystem's all.zip export, or records added one at a time (the OSV
 * API client does that), indexed by (ecosystem, normalised package name) for lookup; and
 * the question a rule asks of it: which advisories affect this deployed version, and which
 * version fixes each. Ranges are evaluated as the OSV schema says (SEMVER and ECOSYSTEM
 * ranges, introduced/fixed/last_affected events, explicit versions lists; GIT ranges are
 * ignored), with the orderings of deps/pkgver.h. Loading is bounded (files, bytes per
 * record, bytes in total); a malformed record is skipped and counted, with the reason the
 * first one was skipped, never fatal. Strings in results are borrowed from the database
 * and live until ld_osv_db_free().
 */
#ifndef LD_DEPS_OSV_H
#define LD_DEPS_OSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lambdrift/audit.h"

typedef struct ld_osv_db ld_osv_db;

typedef struct {
	size_t max_files;          /* JSON files or zip entries read */
	size_t max_record_bytes;   /* one file or entry; a larger one is skipped */
	uint64_t max_total_bytes;  /* all records together */
	uint64_t max_zip_bytes;    /* an all.zip file itself */
} ld_osv_limits;

/* A full GitHub advisory database or OSV ecosystem export fits with room to spare. */
#define LD_OSV_LIMITS_INIT { 1000000, (size_t)4 << 20, (uint64_t)4 << 30, (uint64_t)2 << 30 }

typedef struct {
	size_t files;        /* files or zip entries read */
	size_t records;      /* records loaded */
	size_t skipped;      /* malformed records skipped */
	size_t withdrawn;    /* withdrawn records ignored */
	size_t duplicates;   /* records whose id was already loaded (the first one is kept) */
	size_t packages;     /* distinct (ecosystem, name) keys */
	char first_skip[320];/* "<file>: <reason>" of the first skipped record, "" when none */
} ld_osv_stats;

/* One advisory that affects the version asked about. */
typedef struct {
	const char *id;               /* "GHSA-p6mc-m468-83gw" */
	const char *summary;          /* the summary, else the first line of details; or NULL */
	const char *const *aliases;   /* "CVE-2020-8203", ... */
	size_t naliases;
	const char *fixed;            /* the lowest fixed version above the deployed one that
					 this advisory does not affect; NULL when none is known */
	ld_severity severity;         /* see ld_osv_severity_of() */
	const char *severity_label;   /* "CRITICAL", "HIGH", "MODERATE"/"MEDIUM", "LOW", or NULL */
	const char *severity_source;  /* "CVSS_V3", "database_specific" or "default" */
	double cvss_score;            /* CVSS v3 base score, or -1 */
	const char *cvss_vector;      /* the vector it was computed from, or NULL */
} ld_osv_match_item;

typedef struct {
	ld_osv_match_item *items;     /* in the order the advisories were loaded */
	size_t count;
	size_t unevaluated;           /* ranges of this package that could not be evaluated
					 (no ordering for the ecosystem, or an event version
					 that is not valid in it): the answer may be incomplete */
} ld_osv_matches;

/** A new, empty database. @param limits NULL for LD_OSV_LIMITS_INIT
 *  @return 0 or LD_ERROR (no memory); free with ld_osv_db_free() */
int ld_osv_db_new(ld_osv_db **out, const ld_osv_limits *limits);
void ld_osv_db_free(ld_osv_db *db);

/**
 * Load `path`: a directory (every *.json below it, in byte order of names; symlinks and
 * directories whose name starts with '.', such as .git, are not followed), a zip file (every *.json entry, checked by the strict reader of
 * pkg/zip.h), or a single JSON file. May be called several times on one database.
 * @return 0 (skipped records are counted, not errors); LD_ENOTFOUND when path does not
 *         exist; LD_ELIMIT when a bound is passed; LD_EINVALID for an unreadable zip or a
 *         path that gives no record (empty, every record skipped, nothing *.json): checking
 *         against it would find nothing vulnerable; LD_ERROR on an I/O error or without memory
 */
int ld_osv_load(ld_osv_db *db, const char *path);

/** Load the *.json entries of a zip archive held in memory (`origin` names it in messages). */
int ld_osv_load_zip(ld_osv_db *db, const void *data, size_t len, const char *origin);

/**
 * Add the OSV record (or JSON array of records) in `text`. A malformed record is skipped and
 * counted with its reason, naming `origin`.
 * @return 0, also when the record was skipped; LD_ELIMIT past a bound; LD_ERROR no memory
 */
int ld_osv_add_json(ld_osv_db *db, const char *text, size_t len, const char *origin);

/** Whether a record with this id was loaded (the OSV API client skips fetching it again). */
bool ld_osv_db_has(const ld_osv_db *db, const char *id);

/** Counters of what was loaded so far; borrowed from db. */
const ld_osv_stats *ld_osv_db_stats(const ld_osv_db *db);

/**
 * Every advisory that affects `version` of package `name` in `ecosystem` (OSV spelling;
 * the name is normalised as ld_deps_normalise() does, so "Axios" finds "axios").
 * @param out initialised here; release with ld_osv_matches_dispose()
 * @return 0 (also with no match); LD_EINVALID when `version` is not a valid version of a
 *         known ecosystem or the name is empty; LD_ERROR without memory
 */
int ld_osv_match(const ld_osv_db *db, const char *ecosystem, const char *name,
		 const char *version, ld_osv_matches *out);
void ld_osv_matches_dispose(ld_osv_matches *m);

/**
 * The finding severity of an advisory severity: a CVSS v3 base score maps by its rating
 * (critical and high → error, medium → warning, low and none → note); GitHub's
 * database_specific.severity the same way (CRITICAL, HIGH → error; MODERATE → warning;
 * LOW → note). Exposed for the tests and the documentation of the rule.
 * @param label "CRITICAL", "HIGH", "MODERATE", "MEDIUM", "LOW" or "NONE" (any case)
 * @return the severity, or LD_SEV_NONE for an unknown label
 */
ld_severity ld_osv_severity_of(const char *label);

/**
 * The CVSS v3.0/v3.1 base score of a vector such as
 * "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" (9.8), per the FIRST specification.
 * @return the score (0.0 to 10.0), or -1 when the vector is not a complete v3 base vector
 */
double ld_cvss3_base_score(const char *vector);

#endif
