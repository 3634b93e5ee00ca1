/*
 * The spec file, lambdrift.json (docs/ARCHITECTURE.md, "Expect"; its schema in the README):
 * what a tag says should run.
 * ld_spec_parse() reads and fully validates it, so later stages never meet an unknown key,
 * a wrong type or an out-of-range value. The first problem found is reported as LD_EUSAGE
 * with a message "<file>: <json path>: <what is wrong>" (e.g. "lambdrift.json:
 * functions[2].config.MemorySize: expected an integer between 128 and 10240"), or
 * "<file>:<line>:<column>: malformed JSON" for syntax errors. Messages never quote
 * environment variable values. An ld_spec owns all its strings and is freed with
 * ld_spec_free(); pointers into it live as long as it does.
 */
#ifndef LD_SPEC_SPEC_H
#define LD_SPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "util/json.h"

#define LD_SPEC_MAX_BYTES ((size_t)1024 * 1024)
#define LD_SPEC_MAX_FUNCTIONS 1000
#define LD_SPEC_MAX_EXCLUDES 256
#define LD_SPEC_MAX_LOCKFILES 16
#define LD_SPEC_DEFAULT_BUILD_TIMEOUT 600  /* seconds */
#define LD_SPEC_MAX_BUILD_TIMEOUT 86400

/* Where a function's package comes from: exactly one per function. */
typedef enum {
	LD_SPEC_SOURCE = 1,  /* a subtree of the tag */
	LD_SPEC_BUILD,       /* an artifact a command builds from the exported tag */
	LD_SPEC_IMAGE        /* a container image, by digest */
} ld_spec_kind;

typedef struct {
	char *name;
	char *region;          /* the function's own, else the file's; NULL when neither */
	char *alias;           /* likewise */
	unsigned line;         /* 1-based line of the function's '{' in the spec text */
	ld_spec_kind kind;
	char *source;          /* SOURCE: normalised relative path, "" for the tree root */
	char **exclude;        /* SOURCE: glob patterns (util/glob.h), validated */
	size_t nexclude;
	char *build_command;   /* BUILD */
	char *build_artifact;  /* BUILD: normalised relative path */
	unsigned build_timeout;/* BUILD: seconds */
	char *image_digest;    /* IMAGE: "sha256:<64 lowercase hex>" */
	char **lockfiles;      /* "lockfiles": paths in the tag for dependency-drift */
	size_t nlockfiles;
	bool has_lockfiles;    /* given (maybe empty: no drift check); else SOURCE looks for
				  lockfiles at the root of its source directory */
	ld_json *config;       /* validated "config" object (own copy), or NULL when absent */
} ld_spec_function;

typedef struct {
	char *file;            /* name used in messages */
	char sha256[65];       /* hex sha256 of the spec's bytes as read (release records) */
	int version;           /* "lambdrift": 1 */
	char *region;          /* top-level defaults, or NULL */
	char *alias;
	ld_spec_function *functions; /* in file order */
	size_t nfunctions;
} ld_spec;

/**
 * Parse and validate a spec.
 * @param out the spec, freed with ld_spec_free(); NULL on failure
 * @param text spec bytes (need not be NUL-terminated)
 * @param file name of the file for messages, e.g. "lambdrift.json" or "v1.2.0:lambdrift.json"
 * @return 0; LD_EUSAGE for a syntax or validation error; LD_ELIMIT when the text exceeds
 *         LD_SPEC_MAX_BYTES or a count bound; LD_ERROR without memory
 */
int ld_spec_parse(ld_spec **out, const char *text, size_t len, const char *file);

/** Read `path` from disk (bounded by LD_SPEC_MAX_BYTES) and parse it. */
int ld_spec_load(ld_spec **out, const char *path);

/** Free a spec; accepts NULL. */
void ld_spec_free(ld_spec *spec);

/** The function named `name` (in `region` when not NULL), or NULL. */
const ld_spec_function *ld_spec_find(const ld_spec *spec, const char *name, const char *region);

#endif
