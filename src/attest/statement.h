/*
 * What the attest stage's files share (private to the library): the subject digest of a
 * function's code, from CodeSha256 as Lambda reports it.
 */
#ifndef LD_ATTEST_STATEMENT_H
#define LD_ATTEST_STATEMENT_H

/**
 * The hex sha256 of a version's code: CodeSha256 is base64 of the zip's sha256, or the hex
 * image digest (maybe "sha256:"-prefixed) for a container image.
 * @return 0, or LD_EINVALID when it is neither
 */
int ld_attest__code_hex(char out[65], const char *code_sha256);

#endif
