/*
 * Dependency checks of one served version (private to the library; the public side is
 * lambdrift/deps.h). verify and ld_depcheck_scan() both read a version's deployed dependencies
 * here, from its package and its layers, and then ask the same two questions of them:
 * which advisories affect them, and whether the tag's lockfiles pin them. A target names
 * the version and carries the identity its findings get; it borrows everything.
 *
 * Compare only: nothing here downloads, lists or asks a service. The collect stage
 * (aws/depfetch.c) fills an ld_depcheck with what compare reads: each layer version's
 * reduced content (ld_layer_read: its state, digests, content manifest digest, detected
 * dependencies and newest listed version), each served version's package reduced the same
 * way (ld_depcheck_reads), and the advisories the OSV API named. What the collect stage
 * could not get is kept as data with its message, and said here, on the function it
 * concerns, as findings and problems of the inventory.
 */
#ifndef LD_AUDIT_DEPCHECK_H
#define LD_AUDIT_DEPCHECK_H

#include <stdbool.h>

#include "audit/findings.h"
#include "audit/source.h"
#include "deps/detect.h"
#include "deps/lockfile.h"
#include "deps/osv.h"
#include "lambdrift/deps.h"

typedef struct {
	ld_findings *out;            /* NULL: rows only, no findings */
	ld_inventory *inv;           /* marked incomplete for what cannot be read */
	bool online;                 /* layers were collected; false offline: not read */
	const ld_function *fn;
	const ld_version *v;
	ld_finding_id id;            /* account, region, function, qualifier, spec_line */
} ld_depcheck_target;

/* --- what the collect stage leaves for compare ---------------------------------------- */

typedef enum {
	LD_LAYER_READ = 0,       /* content read, deps filled */
	LD_LAYER_UNREAD,         /* GetLayerVersion, the download or the zip failed: `why` */
	LD_LAYER_CORRUPT         /* the bytes do not hash to Content.CodeSha256 */
} ld_layer_state;

/* One layer version as collected: the run reads each once, however many functions
 * attach it. Entries never move once made. */
typedef struct {
	char *arn;                  /* layer version ARN */
	ld_layer_state state;
	bool bad_arn;               /* the ARN does not parse: `why`; nothing was asked */
	char *why;                  /* UNREAD: the reason, one line */
	char reported[LD_CODE_SHA256_LEN + 1], got[LD_CODE_SHA256_LEN + 1]; /* CORRUPT */
	char manifest[LD_SHA256_HEX_LEN + 1]; /* READ: digest of its content manifest */
	ld_deps deps;               /* finished, origin = arn */
	long attached;              /* the ARN's version */
	int listed;                 /* ListLayerVersions: 0, LD_EAUTH refused, < 0 failed */
	char *list_message;         /* why it was refused or failed */
	long newest;                /* highest listed version, 0 when not known */
	char *newest_arn;
	bool said;                  /* compare has said what its collection left undone */
} ld_layer_read;

/** The run's entry for `arn`, or NULL when it was not collected. */
ld_layer_read *ld_depcheck__layer(ld_depcheck *c, const char *arn);

/** The entry for `arn`, made (empty, `arn` copied) when there is none; *made says which.
 *  The collect stage serialises its calls. @return 0, or LD_ERROR without memory */
int ld_depcheck__layer_add(ld_depcheck *c, const char *arn, ld_layer_read **out, bool *made);

/** How many layer entries the run holds, and entry `i` of them (in the order made). */
size_t ld_depcheck__nlayers(const ld_depcheck *c);
const ld_layer_read *ld_depcheck__layer_at(const ld_depcheck *c, size_t i);

/* A served version's package as collected: ld_depcheck_pkg_read (audit/source.h). */

/* One function's served versions as collected, in ld_depcheck__served() order. */
typedef struct {
	bool reachable;             /* a session reaches its account */
	ld_depcheck_pkg_read *served; /* one per served version (images: untouched) */
	size_t nserved;
} ld_depcheck_fn_read;

/* What ld_depcheck_scan's collect step read: one per inventory function, in its order. */
typedef struct {
	ld_depcheck_fn_read *fns;
	size_t nfns;
} ld_depcheck_reads;

void ld_depcheck_reads_dispose(ld_depcheck_reads *r);

/** Versions of `fn` that serve traffic, aliased ones first, each once (versions with the
 *  same code and layers are read once): *out malloc'd, caller frees. @return 0, LD_ERROR */
int ld_depcheck__served(const ld_function *fn, const ld_version ***out, size_t *n);

/** The version's Layers setting: a canonical JSON array of layer version ARNs, "" none. */
const char *ld_depcheck__layers_value(const ld_version *v);

/** Whether the version attaches layers (offline runs cannot read them). */
bool ld_depcheck__has_layers(const ld_version *v);

/** Whether `v` is a container image (its dependencies are not read). */
bool ld_depcheck__is_image(const ld_version *v);

/* What the run was created with, for the collect stage. */
typedef struct {
	size_t max_package;          /* download cap per package or layer */
	size_t workers;              /* functions read at once */
	const char *osv_api;         /* --osv-api base URL, or NULL */
	ld_depcheck_progress_fn progress;
	void *progress_ctx;
} ld_depcheck_plan;

const ld_depcheck_plan *ld_depcheck__plan(const ld_depcheck *c);

/** The advisory database (NULL when no advisories were asked for); the collect stage adds
 *  what the OSV API names to it. */
ld_osv_db *ld_depcheck__osv(ld_depcheck *c);

/** The OSV API was asked and did not answer: `message` says why (copied). Every version
 *  with dependencies then says so. @return 0, or LD_ERROR without memory */
int ld_depcheck__api_unanswered(ld_depcheck *c, const char *message);

/** Why the OSV API did not answer the run's query, or NULL when it answered (or was not
 *  asked). */
const char *ld_depcheck__api_message(const ld_depcheck *c);

/* --- compare ---------------------------------------------------------------------------- */

/* Where the package's own dependencies come from. */
typedef enum {
	LD_DEPCHECK_PKG_FETCH = 0,  /* to be collected (ld_depcheck__read_collected()); an
				       offline run has none: as NONE */
	LD_DEPCHECK_PKG_GIVEN,      /* `pkg` holds bytes known to be the deployed package */
	LD_DEPCHECK_PKG_READ,       /* `deps` already holds them (read with the manifest) */
	LD_DEPCHECK_PKG_NONE        /* not to be had; a finding already says why */
} ld_depcheck_pkg;

/**
 * The version's deployed dependencies, finished: its package's (see ld_depcheck_pkg) and
 * each attached layer's, from the layers collected. *whole is false when some part could
 * not be read; a finding or a problem of the inventory then says which.
 * @return 0, or LD_ERROR without memory
 */
int ld_depcheck__read(ld_depcheck *c, const ld_depcheck_target *t, ld_depcheck_pkg how,
		      const void *pkg, size_t len, ld_deps *deps, bool *whole);

/** As ld_depcheck__read() with the package as collected (`p`: its dependencies are moved
 *  to `deps`, which must be empty). */
int ld_depcheck__read_collected(ld_depcheck *c, const ld_depcheck_target *t,
				ld_depcheck_pkg_read *p, ld_deps *deps, bool *whole);

/** dependency-vulnerable for every advisory that affects one of `deps`. */
int ld_depcheck__vulnerable(ld_depcheck *c, const ld_depcheck_target *t, const ld_deps *deps);

/** The problem that the OSV API did not answer for the target (`why`). */
int ld_depcheck__unanswered(const ld_depcheck_target *t, const char *why);

/** dependency-drift for each difference between `deps` and `lock`; `tag` names the tag and
 *  `files` the lockfiles read, for messages. */
int ld_depcheck__drift(const ld_depcheck_target *t, const ld_deps *deps, const ld_lock *lock,
		       const char *tag, const char *files);

/** ld_depcheck_scan()'s compare: every function's served versions from `reads` (consumed:
 *  their dependency lists are moved out), the layers and advisories in `c`. */
int ld_depcheck__scan(ld_findings *out, ld_dep_rows *rows, ld_inventory *inv,
		      ld_depcheck *c, ld_depcheck_reads *reads);

/** ld_depcheck_new() in compare's part: the --osv files loaded, `opts` kept (copied). */
int ld_depcheck__new(ld_depcheck **out, const ld_depcheck_opts *opts);

#endif
