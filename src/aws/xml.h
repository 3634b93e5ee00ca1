/*
 * The small bounded XML reader that the query-protocol responses (STS, IAM) and the XML error
 * bodies of query services need (private to the library; sts.c, iam.c and client.c use it).
 * It is not a general XML parser: it finds the first <Tag>...</Tag> element, or the first
 * direct child of that name (no attributes needed, namespaces on the root tolerated), never
 * reads past the given length, and decodes the
 * five predefined entities and numeric character references. Everything returned is a span
 * of the caller's text or a copy into the caller's buffer: nothing is allocated.
 */
#ifndef LD_AWS_XML_H
#define LD_AWS_XML_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Find the content of the first element named `tag` in xml[0..len) (the element name must
 * match exactly, so "Code" does not match "CodeX"). Nested content is returned raw.
 * @return true and the content's span, or false when absent or not closed within len
 */
bool ld_xml_find(const char *xml, size_t len, const char *tag, const char **val, size_t *vlen);

/**
 * Find the content of the first element named `tag` that is a direct child of xml[0..len)
 * (an element's content): nested elements are skipped whole and same-name nesting is
 * matched, so a <member> inside a list member's own sub-list is neither taken for the next
 * member nor ends it (IAM's GetAccountAuthorizationDetails nests roles in instance
 * profiles in roles).
 * @return true and the content's span, or false when absent, not closed within len, or
 *         the text ends its parent first
 */
bool ld_xml_child(const char *xml, size_t len, const char *tag, const char **val, size_t *vlen);

/**
 * ld_xml_child from offset *pos (start at 0), moving *pos past the element found: called
 * again, it yields a list's next member.
 */
bool ld_xml_next_child(const char *xml, size_t len, const char *tag, size_t *pos,
		       const char **val, size_t *vlen);

/**
 * Decode entities of an element's text into `out` (NUL-terminated, at most outlen-1 bytes).
 * @return 0; LD_ELIMIT when it does not fit; LD_EINVALID for a malformed entity
 */
int ld_xml_text(char *out, size_t outlen, const char *val, size_t vlen);

/**
 * Parse an XML error body (<ErrorResponse><Error><Code>..</Code><Message>..</Message>).
 * @return true when a Code was found; `code`/`message` are "" otherwise
 */
bool ld_xml_parse_error(char *code, size_t codelen, char *message, size_t msglen,
			const char *xml, size_t len);

#endif
