/* STS XML: AssumeRole responses and the error documents of any query-protocol answer. */
#include "aws/profile.h"
#include "aws/sts.h"
#include "aws/xml.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[128], message[512], text[256];
	const char *val;
	size_t vlen;
	ld_credentials cr;
	char *s = ld_fuzz_cstr(data, size);
	int rc;

	if (!s)
		return 0;
	memset(&cr, 0, sizeof(cr));
	rc = ld_sts_parse_assume_role(&cr, s, size);
	ld_fuzz_check_error(rc);
	ld_credentials_dispose(&cr);
	(void)ld_xml_parse_error(code, sizeof(code), message, sizeof(message), s, size);
	if (ld_xml_find(s, size, "Arn", &val, &vlen))
		(void)ld_xml_text(text, sizeof(text), val, vlen);
	free(s);
	return 0;
}
