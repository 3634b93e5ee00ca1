/*
 * What the benchmark drivers share: a monotonic clock, and a package mapped into memory
 * (lambdrift holds packages in memory, so reading the file stays out of the timed region).
 * Header-only: each driver is one file.
 */
#ifndef LD_BENCH_H
#define LD_BENCH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static inline double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The file at `path`, mapped read-only (release with unload()), or NULL. lambdrift gets a
 * package as bytes already in memory (a download or a git blob), so the drivers map the
 * file from the page cache rather than copy it into fresh pages: copying 23 MB into new
 * anonymous memory costs more page faults than computing the manifest's inflating on one
 * core, a cost of this harness that neither lambdrift nor the peer pays. */
static inline char *load(const char *path, size_t *len)
{
	struct stat st;
	void *p = MAP_FAILED;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && st.st_size > 0)
		p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return NULL;
	*len = (size_t)st.st_size;
	return p;
}

static inline void unload(char *data, size_t len)
{
	if (data)
		munmap(data, len);
}

#endif
