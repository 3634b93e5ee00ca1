/*
 * The "iam" member of the snapshot (private to the library): lambdrift/iam.h's data to JSON
 * and back, and the builders the collector fills it with. Policy documents are written as
 * JSON objects and read back to the same compact text, so an offline scan evaluates the
 * very bytes a live one did. Returned pointers are owned by the ld_iam_inventory.
 */
#ifndef LD_INVENTORY_IAM_H
#define LD_INVENTORY_IAM_H

#include "lambdrift/iam.h"
#include "util/json.h"

/** The snapshot's "iam" object (NULL without memory). */
ld_json *ld_iam__to_json(const ld_iam_inventory *iam);

/**
 * Read the snapshot's "iam" object into a new *out (sorted).
 * @param file the snapshot's path, for messages
 * @return 0, LD_EINVALID naming the member that is wrong, LD_ERROR without memory
 */
int ld_iam__from_json(ld_iam_inventory **out, const ld_json *j, const char *file);

/** Append a zeroed account / role / policy / log-group list / group; NULL without memory. */
ld_iam_account *ld_iam__add_account(ld_iam_inventory *iam);
ld_iam_role *ld_iam__add_role(ld_iam_account *a);
ld_iam_policy *ld_iam__add_policy(ld_iam_policy **list, size_t *n);
ld_log_groups *ld_iam__add_logs(ld_iam_inventory *iam);
ld_log_group *ld_iam__add_group(ld_log_groups *l);
/** Append a copy of `s` to a string list. */
int ld_iam__add_string(char ***list, size_t *n, const char *s);

/** Compact JSON text of a policy document given as text (URL-decoded already). */
int ld_iam__compact(char **out, const char *text, size_t len, const char *what);

#endif
