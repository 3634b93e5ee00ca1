/*
 * Expected artifacts from a tag (see expect.h). Source mode reads every blob of the
 * function's subtree once and feeds the same bytes to the manifest (sha256 per file) and to
 * the format-v1 writer, so the manifest always describes exactly the zip that
 * `lambdrift package` writes. In build mode the command runs in a child process prepared
 * entirely before fork (argv, environment, descriptors), so the child only calls
 * async-signal-safe functions until exec; it leads its own process group, so a time limit
 * or its end takes down everything it started.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include "lambdrift/errors.h"
#include "pkg/expect.h"
#include "pkg/zip.h"
#include "pkg/zipwrite.h"
#include "util/array.h"
#include "util/hash.h"

extern char **environ;

void ld_expected_dispose(ld_expected *e)
{
	if (!e)
		return;
	ld_manifest_free(e->manifest);
	memset(e, 0, sizeof(*e));
}

void ld_code_sha256(char out[LD_CODE_SHA256_LEN + 1], const void *data, size_t len)
{
	uint8_t digest[LD_SHA256_LEN];
	ld_buf b = LD_BUF_INIT_CAP(LD_CODE_SHA256_LEN + 1);

	ld_sha256(digest, data, len);
	out[0] = '\0';
	if (ld_base64_encode(&b, digest, sizeof(digest)) == 0 && b.size == LD_CODE_SHA256_LEN)
		memcpy(out, b.ptr, LD_CODE_SHA256_LEN + 1);
	ld_buf_dispose(&b);
}

/* ---- source mode ---- */

typedef struct {
	ld_git_repo *repo;
	const char *function;
	ld_zipw_entry *entries;
	size_t count, alloc;
	size_t total;           /* content bytes read so far */
	ld_manifest *manifest;
} source_ctx;

static void source_ctx_dispose(source_ctx *c)
{
	for (size_t i = 0; i < c->count; i++) {
		free((char *)c->entries[i].path);
		free((void *)c->entries[i].data);
	}
	free(c->entries);
	ld_manifest_free(c->manifest);
}

static int reserve_entry(source_ctx *c)
{
	return ld_array_reserve(c->entries, c->alloc, c->count + 1);
}

static int on_blob(const ld_git_entry *entry, void *payload)
{
	source_ctx *c = payload;
	ld_buf data = LD_BUF_INIT_CAP(LD_EXPECT_MAX_TREE - c->total);
	char hex[LD_SHA256_HEX_LEN + 1];
	bool link = entry->mode == LD_GIT_MODE_LINK;
	bool exec = entry->mode == LD_GIT_MODE_EXEC;
	ld_zipw_entry *e;
	char *path = NULL;
	int error;

	if (entry->size > LD_EXPECT_MAX_TREE - c->total) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_ZIP,
				      "the source of function %s holds more than %zu bytes; Lambda "
				      "accepts at most 250 MB unzipped", c->function,
				      LD_EXPECT_MAX_TREE);
		goto done;
	}
	if ((error = reserve_entry(c)) < 0 || (error = ld_git_entry_read(&data, c->repo, entry)) < 0)
		goto done;
	c->total += data.size;
	/* `lambdrift package` needs only the zip: no manifest, no hashing */
	if (c->manifest) {
		ld_sha256_hex(hex, data.ptr, data.size);
		if ((error = ld_manifest_add(c->manifest, entry->path,
					     link ? LD_MANIFEST_SYMLINK : LD_MANIFEST_FILE,
					     exec && !link, data.size, hex)) < 0)
			goto done;
	}
	if (!(path = strdup(entry->path))) {
		error = ld_error_oom();
		goto done;
	}
	e = &c->entries[c->count++];
	e->path = path;
	e->mode = link ? LD_ZIPW_SYMLINK : exec ? LD_ZIPW_EXEC : LD_ZIPW_FILE;
	e->len = data.size;
	/* detach hands over the bytes; an empty file detaches to a 1-byte allocation */
	e->data = ld_buf_detach(&data);
	path = NULL;
	if (!e->data) {
		c->count--;
		free((char *)e->path);
		error = ld_error_oom();
	}
done:
	free(path);
	ld_buf_dispose(&data);
	return error;
}

int ld_expect_source(ld_expected *out, ld_buf *zip, ld_git_repo *repo, const ld_git_rev *rev,
		     const ld_spec_function *fn)
{
	source_ctx c;
	ld_buf own = LD_BUF_INIT_CAP(LD_EXPECT_MAX_PACKAGE);
	ld_buf *z = zip ? zip : &own;
	size_t start = z->size;
	int error;

	memset(&c, 0, sizeof(c));
	if (out)
		memset(out, 0, sizeof(*out));
	if (fn->kind != LD_SPEC_SOURCE)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE,
				     "function %s is not built from a source directory (it uses "
				     "\"%s\"); only source-mode functions can be packaged", fn->name,
				     fn->kind == LD_SPEC_BUILD ? "build" : "image");
	c.repo = repo;
	c.function = fn->name;
	if (out && (error = ld_manifest_new(&c.manifest)) < 0)
		goto done;
	if ((error = ld_git_walk(repo, rev, fn->source, (const char *const *)fn->exclude,
				 fn->nexclude, on_blob, &c)) < 0 ||
	    (c.manifest && (error = ld_manifest_finish(c.manifest)) < 0) ||
	    (error = ld_zip_write(z, c.entries, c.count)) < 0)
		goto done;
	if (out) {
		ld_code_sha256(out->code_sha256, z->ptr + start, z->size - start);
		out->package_size = z->size - start;
		out->manifest = c.manifest;
		c.manifest = NULL;
	}
done:
	source_ctx_dispose(&c);
	ld_buf_dispose(&own);
	return error;
}

/* ---- build mode ---- */

#define BUILD_POLL_MS 100
#define REMOVE_MAX_DEPTH 256

void ld_build_log_dispose(ld_build_log *log)
{
	if (!log)
		return;
	free(log->tail);
	memset(log, 0, sizeof(*log));
}

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Remove `name` under `parent` and everything below it, following no symlink. Directories
 * a build made read-only (module caches do) are made writable first. */
static int remove_tree_at(int parent, const char *name, int depth)
{
	struct dirent *e;
	DIR *d;
	int fd, error = 0;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return unlinkat(parent, name, 0) == 0 || errno == ENOENT ? 0 : -1;
	if (depth > REMOVE_MAX_DEPTH) {
		close(fd);
		return -1;
	}
	fchmod(fd, 0700);
	if (!(d = fdopendir(fd))) {
		close(fd);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(fd, e->d_name, 0) < 0 && remove_tree_at(fd, e->d_name, depth + 1) < 0)
			error = -1;
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		error = -1;
	return error;
}

/* The environment of a build: ours minus every AWS_* variable and HOME, plus a HOME
 * nobody's credentials live in and credential files that read as empty. Built before fork. */
static char **build_environment(const char *home)
{
	static const char *const fixed[] = { "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
					     "AWS_CONFIG_FILE=/dev/null",
					     "AWS_EC2_METADATA_DISABLED=true" };
	size_t n = 0, k = 0, nfixed = sizeof(fixed) / sizeof(fixed[0]);
	char **env;

	while (environ && environ[n])
		n++;
	if (!(env = calloc(n + nfixed + 2, sizeof(*env))))
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *e = environ[i];
		if (!strncasecmp(e, "AWS_", 4) || !strncmp(e, "HOME=", 5))
			continue;
		env[k++] = (char *)e;
	}
	for (size_t i = 0; i < nfixed; i++)
		env[k++] = (char *)fixed[i];
	/* the only allocated entry, last, so the caller frees env[k - 1] and env */
	if (!(env[k] = malloc(strlen(home) + 6))) {
		free(env);
		return NULL;
	}
	memcpy(env[k], "HOME=", 5);
	memcpy(env[k] + 5, home, strlen(home) + 1);
	return env;
}

static void free_environment(char **env)
{
	size_t n = 0;
	if (!env)
		return;
	while (env[n])
		n++;
	if (n)
		free(env[n - 1]);
	free(env);
}

/* The last LD_BUILD_LOG_TAIL bytes of the output. */
typedef struct {
	char ring[LD_BUILD_LOG_TAIL];
	size_t len, head;   /* bytes held; next write position */
} tail_buf;

static void tail_add(tail_buf *t, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		t->ring[t->head] = p[i];
		t->head = (t->head + 1) % sizeof(t->ring);
		if (t->len < sizeof(t->ring))
			t->len++;
	}
}

/* One printable line: control characters dropped, line breaks become " | ". */
static char *tail_text(const tail_buf *t)
{
	ld_buf b = LD_BUF_INIT_CAP(LD_BUILD_LOG_TAIL * 3 + 1);
	size_t start = (t->head + sizeof(t->ring) - t->len) % sizeof(t->ring);
	bool pending = false;

	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->ring[(start + i) % sizeof(t->ring)];
		if (c == '\n') {
			pending = b.size > 0;
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			continue;
		if (pending)
			ld_buf_puts(&b, " | ");
		pending = false;
		ld_buf_putc(&b, (char)c);
	}
	return b.size ? ld_buf_detach(&b) : (ld_buf_dispose(&b), NULL);
}

typedef struct {
	const char *command;
	const char *dir;       /* working directory */
	char **env;
	unsigned timeout;      /* seconds */
} build_cmd;

/* Collect output until the command exits or its time runs out (then kill its group). */
static void wait_child(pid_t pid, int fd, unsigned timeout, tail_buf *tail, int *status,
		       bool *timed_out)
{
	int64_t deadline = mono_ms() + (int64_t)timeout * 1000;
	bool eof = false, exited = false;
	char chunk[4096];

	while (!exited) {
		int64_t left = deadline - mono_ms();
		struct pollfd p = { fd, POLLIN, 0 };
		pid_t w;

		if (left <= 0) {
			*timed_out = true;
			kill(-pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			break;
		}
		if (!eof && poll(&p, 1, left < BUILD_POLL_MS ? (int)left : BUILD_POLL_MS) > 0) {
			ssize_t n = read(fd, chunk, sizeof(chunk));
			if (n > 0)
				tail_add(tail, chunk, (size_t)n);
			else if (n == 0 || (errno != EINTR && errno != EAGAIN))
				eof = true;
		} else if (eof) {
			struct timespec ts = { 0, BUILD_POLL_MS * 1000000L };
			nanosleep(&ts, NULL);
		}
		w = waitpid(pid, status, WNOHANG);
		if (w == pid || (w < 0 && errno != EINTR))
			exited = true;
	}
	/* whatever the command left running in its group goes with it */
	kill(-pid, SIGKILL);
}

static int run_command(const build_cmd *c, ld_build_log *log, const char *function)
{
	char *argv[] = { "sh", "-c", (char *)c->command, NULL };
	int pipefd[2] = { -1, -1 }, devnull = -1, status = 0;
	tail_buf *tail = NULL;
	pid_t pid;
	int error = 0;

	if (!(tail = calloc(1, sizeof(*tail))))
		return ld_error_oom();
	if (pipe(pipefd) < 0 || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 ||
	    fcntl(pipefd[0], F_SETFD, FD_CLOEXEC) < 0 || fcntl(pipefd[1], F_SETFD, FD_CLOEXEC) < 0) {
		error = ld_error_set(LD_ERR_OS, "cannot prepare the build of %s: %s", function,
				     strerror(errno));
		goto done;
	}
	if ((pid = fork()) < 0) {
		error = ld_error_set(LD_ERR_OS, "cannot start the build of %s: %s", function,
				     strerror(errno));
		goto done;
	}
	if (pid == 0) {
		/* async-signal-safe calls only until exec */
		setpgid(0, 0);
		if (chdir(c->dir) < 0 || dup2(devnull, 0) < 0 || dup2(pipefd[1], 1) < 0 ||
		    dup2(pipefd[1], 2) < 0)
			_exit(126);
		execve("/bin/sh", argv, c->env);
		_exit(127);
	}
	setpgid(pid, pid); /* also here: whichever runs first, the group exists before a kill */
	close(pipefd[1]);
	pipefd[1] = -1;
	log->ran = true;
	wait_child(pid, pipefd[0], c->timeout, tail, &status, &log->timed_out);
	log->status = WIFEXITED(status) ? WEXITSTATUS(status)
		      : WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
	log->tail = tail_text(tail);
	if (log->timed_out)
		error = ld_error_setc(LD_ELIMIT, LD_ERR_OS,
				      "the build command of %s ran past its time limit of %u s and "
				      "was stopped", function, c->timeout);
	else if (log->status != 0)
		error = ld_error_set(LD_ERR_OS, "the build command of %s %s %d", function,
				     log->status > 0 ? "exited with status" : "was killed by signal",
				     log->status > 0 ? log->status : -log->status);
done:
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (devnull >= 0)
		close(devnull);
	free(tail);
	return error;
}

/* Read the artifact, which must resolve to a regular file inside `root`. */
static int read_artifact(ld_buf *out, const char *root, const char *artifact,
			 const char *function, size_t max_bytes)
{
	char *rroot = NULL, *rpath = NULL, *joined = NULL;
	struct stat st;
	size_t rlen;
	int fd = -1, error = 0;

	if (!(joined = malloc(strlen(root) + strlen(artifact) + 2))) {
		error = ld_error_oom();
		goto done;
	}
	sprintf(joined, "%s/%s", root, artifact);
	if (!(rroot = realpath(root, NULL)) || !(rpath = realpath(joined, NULL))) {
		error = errno == ENOENT
				? ld_error_setc(LD_ENOTFOUND, LD_ERR_OS,
						"the build of %s did not produce its artifact %s",
						function, artifact)
				: ld_error_set(LD_ERR_OS, "cannot resolve the artifact %s of %s: %s",
					       artifact, function, strerror(errno));
		goto done;
	}
	rlen = strlen(rroot);
	if (strncmp(rpath, rroot, rlen) || rpath[rlen] != '/') {
		error = ld_error_setc(LD_EINVALID, LD_ERR_OS,
				      "the artifact %s of %s resolves outside the build directory; "
				      "refused", artifact, function);
		goto done;
	}
	if ((fd = open(rpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0) {
		error = ld_error_set(LD_ERR_OS, "cannot open the artifact %s of %s: %s", artifact,
				     function, strerror(errno));
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		error = ld_error_setc(LD_EINVALID, LD_ERR_OS,
				      "the artifact %s of %s is not a regular file", artifact,
				      function);
		goto done;
	}
	if ((uint64_t)st.st_size > max_bytes) {
		error = ld_error_setc(LD_ELIMIT, LD_ERR_OS,
				      "the artifact %s of %s is larger than %zu bytes", artifact,
				      function, max_bytes);
		goto done;
	}
	out->cap = max_bytes > out->size ? max_bytes : out->size;
	for (;;) {
		ssize_t n;
		if ((error = ld_buf_grow(out, 65536)) < 0) {
			if (error == LD_ELIMIT)
				error = ld_error_setc(LD_ELIMIT, LD_ERR_OS,
						      "the artifact %s of %s is larger than %zu bytes",
						      artifact, function, max_bytes);
			goto done;
		}
		n = read(fd, out->ptr + out->size, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error = ld_error_set(LD_ERR_OS, "cannot read the artifact %s of %s: %s",
					     artifact, function, strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		out->size += (size_t)n;
		out->ptr[out->size] = '\0';
	}
done:
	if (fd >= 0)
		close(fd);
	free(joined);
	free(rroot);
	free(rpath);
	return error;
}

static int make_dirs(char *base, size_t len, char **src, char **home)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(base, len, "%s/lambdrift-build-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(base)) {
		base[0] = '\0';
		return ld_error_set(LD_ERR_OS, "cannot create a temporary build directory: %s",
				    strerror(errno));
	}
	if (!(*src = malloc(strlen(base) + 8)) || !(*home = malloc(strlen(base) + 8)))
		return ld_error_oom();
	sprintf(*src, "%s/src", base);
	sprintf(*home, "%s/home", base);
	if (mkdir(*home, 0700) < 0)
		return ld_error_set(LD_ERR_OS, "cannot create %s: %s", *home, strerror(errno));
	return 0;
}

int ld_expect_build(ld_expected *out, ld_buf *artifact, ld_build_log *log, ld_git_repo *repo,
		    const ld_git_rev *rev, const ld_spec_function *fn, size_t max_bytes)
{
	char base[PATH_MAX];
	char *src = NULL, *home = NULL, **env = NULL;
	size_t start = artifact->size;
	build_cmd cmd;
	int error;

	memset(out, 0, sizeof(*out));
	memset(log, 0, sizeof(*log));
	base[0] = '\0';
	if (fn->kind != LD_SPEC_BUILD)
		return ld_error_setc(LD_EUSAGE, LD_ERR_USAGE, "function %s has no build command",
				     fn->name);
	if ((error = make_dirs(base, sizeof(base), &src, &home)) < 0 ||
	    (error = ld_git_export(repo, rev, src)) < 0)
		goto done;
	if (!(env = build_environment(home))) {
		error = ld_error_oom();
		goto done;
	}
	cmd = (build_cmd){ fn->build_command, src, env, fn->build_timeout
							     ? fn->build_timeout
							     : LD_SPEC_DEFAULT_BUILD_TIMEOUT };
	if ((error = run_command(&cmd, log, fn->name)) < 0 ||
	    (error = read_artifact(artifact, src, fn->build_artifact, fn->name, max_bytes)) < 0)
		goto done;
	if ((error = ld_zip_manifest(&out->manifest, artifact->ptr + start, artifact->size - start,
				     NULL)) < 0) {
		char why[sizeof(ld_error_last()->message)];
		snprintf(why, sizeof(why), "%s", ld_error_last()->message);
		error = ld_error_setc(error, LD_ERR_ZIP, "the artifact %s of %s is not a package "
				      "lambdrift can read: %s", fn->build_artifact, fn->name, why);
		goto done;
	}
	ld_code_sha256(out->code_sha256, artifact->ptr + start, artifact->size - start);
	out->package_size = artifact->size - start;
done:
	if (base[0] && remove_tree_at(AT_FDCWD, base, 0) < 0 && error == 0)
		error = ld_error_set(LD_ERR_OS, "cannot remove the build directory %s", base);
	if (error < 0)
		ld_expected_dispose(out);
	free_environment(env);
	free(src);
	free(home);
	return error;
}
