/*
 * The regions of each partition where Lambda has an endpoint, and which of them an account
 * must enable first, from data/aws-regions.tsv (botocore's endpoint data, compiled in). The
 * table is parsed once, on first use, into static arrays that live as long as the process;
 * every string handed out points into them.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "aws/client.h"
#include "aws/session.h"
#include "lambdrift/aws.h"
#include "lambdrift/errors.h"

extern const char ld_regions_data[];
extern const size_t ld_regions_data_len;

#define MAX_REGIONS 128
#define MAX_NAME 32

typedef struct {
	char partition[MAX_NAME];
	char region[MAX_NAME];
	bool opt_in;
} region_row;

static region_row rows[MAX_REGIONS];
static const char *names[MAX_REGIONS]; /* rows[i].region, grouped by partition as in rows */
static size_t nrows;
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Copy a tab-separated field of line[0..len) into out; false when absent or too long. */
static bool field(char *out, const char *line, size_t len, int idx)
{
	const char *p = line, *end = line + len, *tab;
	size_t n;

	for (int i = 0; i < idx; i++) {
		if (!(tab = memchr(p, '\t', (size_t)(end - p))))
			return false;
		p = tab + 1;
	}
	tab = memchr(p, '\t', (size_t)(end - p));
	n = (size_t)((tab ? tab : end) - p);
	if (!n || n >= MAX_NAME)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

static void parse(void)
{
	const char *p = ld_regions_data, *end = ld_regions_data + ld_regions_data_len, *nl;
	char flag[MAX_NAME];
	bool header = true;

	for (; p < end; p = nl + 1) {
		size_t len;
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		len = (size_t)(nl - p);
		if (!len || *p == '#')
			continue;
		if (header) { /* the column names */
			header = false;
			continue;
		}
		if (nrows >= MAX_REGIONS)
			break;
		if (!field(rows[nrows].partition, p, len, 0) || !field(rows[nrows].region, p, len, 1) ||
		    !field(flag, p, len, 2))
			continue;
		rows[nrows].opt_in = !strcmp(flag, "yes");
		names[nrows] = rows[nrows].region;
		nrows++;
	}
}

static const region_row *find(const char *region)
{
	pthread_once(&once, parse);
	for (size_t i = 0; region && i < nrows; i++)
		if (!strcmp(rows[i].region, region))
			return &rows[i];
	return NULL;
}

int ld_aws_partition_regions(const char *const **regions, size_t *nregions, const char *partition)
{
	size_t first = 0, n = 0;

	pthread_once(&once, parse);
	/* rows of one partition are contiguous (the table is grouped by partition) */
	for (size_t i = 0; i < nrows; i++) {
		if (strcmp(rows[i].partition, partition))
			continue;
		if (!n)
			first = i;
		n++;
	}
	if (!n) {
		*regions = NULL;
		*nregions = 0;
		return ld_error_setc(LD_ENOTFOUND, LD_ERR_USAGE,
				     "no regions known for partition '%s'", partition);
	}
	*regions = names + first;
	*nregions = n;
	return 0;
}

bool ld_aws_region_opt_in(const char *region)
{
	const region_row *r = find(region);
	return r && r->opt_in;
}

const char *ld_aws_session_partition(const ld_aws_session *s)
{
	const char *region = ld_aws_session_region(s);
	const region_row *r = find(region);
	return r ? r->partition : ld_aws_partition_of(region);
}
