/*
 * docs/rules.md, compiled into lambdrift, cut into per-rule sections: `lambdrift explain`
 * prints one, SARIF takes each rule's full description and help from it, so the help a
 * code-scanning alert shows is the page in the repository, word for word. A section runs
 * from its "## slug" heading to the next "## " heading or the end of the file.
 */
#include <string.h>

#include "report/formats.h"

/* Generated from docs/rules.md by cmake/embed.cmake. */
extern const char ld_rules_md_data[];
extern const size_t ld_rules_md_data_len;

static const char *embedded(size_t *len)
{
	*len = ld_rules_md_data_len;
	return ld_rules_md_data;
}

static const char *line_end(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

const char *ld_rule_doc(const char *slug, size_t *len)
{
	size_t doc_len, slen = slug ? strlen(slug) : 0;
	const char *doc = embedded(&doc_len), *end, *start = NULL;

	*len = 0;
	if (!doc || !slen)
		return NULL;
	end = doc + doc_len;
	for (const char *p = doc; p < end; p = line_end(p, end)) {
		bool heading = (size_t)(end - p) >= 3 && !memcmp(p, "## ", 3);
		if (start && heading) {
			*len = (size_t)(p - start);
			return start;
		}
		if (heading && (size_t)(end - p) >= 3 + slen && !memcmp(p + 3, slug, slen) &&
		    (p + 3 + slen == end || p[3 + slen] == '\n'))
			start = p;
	}
	if (start)
		*len = (size_t)(end - start);
	return start;
}

bool ld_report__rule_meaning(ld_buf *out, const char *slug)
{
	static const char marker[] = "**What it means.** ";
	size_t len;
	const char *doc = ld_rule_doc(slug, &len), *end, *p;

	if (!doc)
		return false;
	end = doc + len;
	for (p = doc; p < end; p = line_end(p, end))
		if ((size_t)(end - p) > sizeof(marker) - 1 && !memcmp(p, marker, sizeof(marker) - 1))
			break;
	if (p >= end)
		return false;
	/* The paragraph ends at a blank line; its line breaks become spaces. */
	for (p += sizeof(marker) - 1; p < end && *p != '\n'; p = line_end(p, end)) {
		const char *e = line_end(p, end);
		size_t n = (size_t)(e - p) - (e[-1] == '\n');
		if (out->size)
			ld_buf_putc(out, ' ');
		ld_buf_put(out, p, n);
	}
	return out->error == 0 && out->size > 0;
}
