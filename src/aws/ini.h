/*
 * A reader for the AWS shared config and credentials files, parsed the way botocore's
 * RawConfigParser setup does: `[section]` headers, `key = value` (or `key: value`) lines,
 * full-line comments starting with `#` or `;`, keys case-folded, values trimmed, more-indented
 * lines continuing the previous value, and a key with an empty value followed by indented
 * `sub = value` lines holding a nested block (used by `[services NAME]`). Duplicate sections
 * or keys are errors, as in botocore. Files are bounded (LD_INI_FILE_MAX bytes,
 * LD_INI_LINE_MAX per line) and error messages name the file and line but never quote file
 * content, since the files hold secrets. An ld_ini owns its strings; ld_ini_dispose() wipes
 * and frees them. Lookups return borrowed pointers that live as long as the ld_ini.
 */
#ifndef LD_AWS_INI_H
#define LD_AWS_INI_H

#include <stddef.h>

#define LD_INI_FILE_MAX ((size_t)1024 * 1024)
#define LD_INI_LINE_MAX ((size_t)16 * 1024)

typedef struct ld_ini_entry {
	char *key;                 /* lower-cased */
	char *value;               /* trimmed; "" when the key only opens a nested block */
	struct ld_ini_entry *subs; /* nested `sub = value` lines, in file order */
	size_t nsubs;
	unsigned line;
} ld_ini_entry;

typedef struct {
	char *name;                /* text between the brackets, trimmed */
	ld_ini_entry *entries;
	size_t nentries;
	unsigned line;
} ld_ini_section;

typedef struct {
	char *path;                /* file name used in messages */
	ld_ini_section *sections;
	size_t nsections;
} ld_ini;

#define LD_INI_INIT { NULL, NULL, 0 }

/**
 * Read and parse the file at `path` into `out` (which is initialised first, so it can be
 * disposed whatever the result). `out->path` is set even when the file does not exist.
 * @return 0; LD_ENOTFOUND when the file does not exist (out is then empty);
 *         LD_EUSAGE when it cannot be read, is too large or is malformed
 */
int ld_ini_load(ld_ini *out, const char *path);

/**
 * Parse `len` bytes of `data`; `name` is used as the path in messages.
 * @return 0; LD_EUSAGE when malformed or too large
 */
int ld_ini_parse(ld_ini *out, const char *data, size_t len, const char *name);

/** Wipe and free everything; accepts a zeroed or already disposed ld_ini. */
void ld_ini_dispose(ld_ini *ini);

/** The section named exactly `name`, or NULL. */
const ld_ini_section *ld_ini_section_find(const ld_ini *ini, const char *name);

/** The entry `key` (case-insensitive) of `sec`, or NULL; `sec` may be NULL. */
const ld_ini_entry *ld_ini_entry_find(const ld_ini_section *sec, const char *key);

/** The value of `key` in `sec`, or NULL when `sec` is NULL or has no such key. */
const char *ld_ini_get(const ld_ini_section *sec, const char *key);

/** The value of nested key `sub` under `key` in `sec`, or NULL. */
const char *ld_ini_sub_get(const ld_ini_section *sec, const char *key, const char *sub);

#endif
