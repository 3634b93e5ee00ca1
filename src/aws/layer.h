/*
 * Layers (private to the library): where an attached layer version's content is
 * (GetLayerVersion, whose LayerName takes the layer ARN; moto answers GetLayerVersionByArn
 * with an empty object, and GetLayerVersion works on both), and which versions of the
 * layer exist (ListLayerVersions, paginated), for layer-outdated. Both calls are of the
 * shared 15 req/s quota class and are counted as such. The content location is presigned,
 * a secret as in code.h: it lives only in an ld_layer_info (wiped when disposed) and no
 * message contains it. Download the content with ld_code_download(). An ld_layer_info is
 * caller-owned and released with ld_layer_info_dispose() (NULL and zeroed input accepted).
 */
#ifndef LD_AWS_LAYER_H
#define LD_AWS_LAYER_H

#include <stdint.h>

#include "lambdrift/aws.h"
#include "lambdrift/inventory.h"

/* The parts of a layer version ARN,
 * arn:PARTITION:lambda:REGION:ACCOUNT:layer:NAME:VERSION; pointers into `buf`. */
typedef struct {
	char buf[512];
	const char *partition, *region, *account, *name;
	long version;
	char layer_arn[512];     /* the ARN without ":VERSION" */
} ld_layer_arn;

/** Split a layer version ARN. @return 0, or LD_EINVALID (message names the ARN) */
int ld_layer_arn_parse(ld_layer_arn *out, const char *layer_version_arn);

typedef struct {
	char *location;          /* presigned content URL (a secret), or NULL */
	char *code_sha256;       /* Content.CodeSha256, or NULL */
	uint64_t code_size;      /* Content.CodeSize */
	long version;            /* Version */
} ld_layer_info;

void ld_layer_info_dispose(ld_layer_info *l);

/**
 * GetLayerVersion of one attached layer version, in the ARN's region.
 * @return 0; LD_ENOTFOUND when the layer version is gone; LD_EAUTH when it may not be
 *         read (another account's layer without permission); LD_EINVALID for an answer
 *         without Content; the errors of ld_aws_call()
 */
int ld_layer_get(ld_layer_info *out, ld_aws_session *s, const char *layer_version_arn,
		 ld_api_calls *calls);

/**
 * The newest version of the layer that `layer_version_arn` is a version of
 * (ListLayerVersions over every page, in the ARN's region).
 * @param newest set to the highest Version listed (0 when none are)
 * @param newest_arn when not NULL, receives that version's LayerVersionArn (caller frees),
 *        or NULL when none are listed
 * @return 0; LD_EAUTH when the versions may not be listed (say so: layer-outdated was
 *         not checked); LD_ENOTFOUND when the layer is gone; the errors of ld_aws_call()
 */
int ld_layer_newest(long *newest, char **newest_arn, ld_aws_session *s,
		    const char *layer_version_arn, ld_api_calls *calls);

#endif
