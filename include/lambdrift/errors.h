/*
 * lambdrift error model: functions return 0 on success and a negative LD_E* code on
 * failure, after recording a one-line, lowercase message with ld_error_set(). The last
 * error is per thread and is read with ld_error_last(). Messages never contain secrets.
 */
#ifndef LAMBDRIFT_ERRORS_H
#define LAMBDRIFT_ERRORS_H

#include <stdarg.h>

enum {
	LD_OK = 0,
	LD_ERROR = -1,       /* generic failure */
	LD_ENOTFOUND = -2,   /* a named thing does not exist */
	LD_EAUTH = -3,       /* credentials missing, rejected or expired */
	LD_EUSAGE = -4,      /* bad command line, spec or input file */
	LD_ELIMIT = -5,      /* a size, count or time bound was hit */
	LD_ENET = -6,        /* transport failure after retries */
	LD_ETHROTTLED = -7,  /* throttled after retries */
	LD_EINVALID = -8     /* malformed data from a server or file */
};

/* Subsystem a message comes from, used as its prefix. */
typedef enum {
	LD_ERR_NONE = 0,
	LD_ERR_OS,
	LD_ERR_NOMEM,
	LD_ERR_JSON,
	LD_ERR_HTTP,
	LD_ERR_AWS,
	LD_ERR_CREDS,
	LD_ERR_CONFIG,
	LD_ERR_INVENTORY,
	LD_ERR_USAGE,
	LD_ERR_GIT,
	LD_ERR_ZIP
} ld_error_class;

typedef struct {
	int code;              /* the LD_E* value last passed to ld_error_setc */
	ld_error_class klass;
	char message[512];
} ld_error;

/**
 * Record an error for this thread and return LD_ERROR, so `return ld_error_set(...)` works.
 * @param klass subsystem
 * @param fmt printf-style message: lowercase, one line, no secrets
 * @return LD_ERROR
 */
int ld_error_set(ld_error_class klass, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/** As ld_error_set, but records and returns `code` (an LD_E* value). */
int ld_error_setc(int code, ld_error_class klass, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Record an out-of-memory error; returns LD_ERROR. */
int ld_error_oom(void);

/**
 * Say what a failure is about: prefix the last error's message with "WHAT: " (an option,
 * a file) unless it already names it. Code and class are kept.
 * @return error, unchanged
 */
int ld_error_about(int error, const char *what);

/** The last error of this thread; never NULL (message is "" when none). */
const ld_error *ld_error_last(void);

/** Forget the last error. */
void ld_error_clear(void);

#endif
