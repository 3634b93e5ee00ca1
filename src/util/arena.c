/*
 * The arena behind arena.h: large blocks carved without per-piece malloc overhead (a piece
 * too big for a block gets its own, behind the head, which keeps filling), and an
 * open-addressing table that stores each repeated string once.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lambdrift/errors.h"
#include "util/arena.h"

#define ARENA_BLOCK ((size_t)256 * 1024)
#define INTERN_MAX_LEN 1024 /* longer strings are copied, not looked up */

typedef struct block {
	struct block *next;
	size_t used, size;
	max_align_t data[]; /* so `align` up to max_align_t holds from the block start */
} block;

struct ld_arena {
	block *head;       /* the block being filled; older ones follow */
	const char **slots; /* interning table, open addressing; NULL slots are free */
	size_t nslots, nused;
};

struct ld_arena *ld_arena_new(void)
{
	return calloc(1, sizeof(struct ld_arena));
}

void ld_arena_free(struct ld_arena *a)
{
	block *b, *next;

	if (!a)
		return;
	for (b = a->head; b; b = next) {
		next = b->next;
		free(b);
	}
	free(a->slots);
	free(a);
}

void ld_arena_join(struct ld_arena *dst, struct ld_arena *src)
{
	block *tail;

	if (!src)
		return;
	/* dst keeps filling its own head; src's blocks join the chain behind it */
	for (tail = dst->head; tail && tail->next; tail = tail->next)
		;
	if (tail)
		tail->next = src->head;
	else
		dst->head = src->head;
	src->head = NULL;
	ld_arena_free(src);
}

void *ld_arena_alloc(struct ld_arena *a, size_t n, size_t align)
{
	block *b = a->head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at + n > b->size) {
		size_t size = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		if (!(b = malloc(sizeof(block) + size))) {
			ld_error_oom();
			return NULL;
		}
		b->size = size;
		b->used = 0;
		at = 0;
		if (size == n && a->head) {
			/* a large piece gets its own block behind the head, which keeps filling */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	b->used = at + n;
	return (unsigned char *)b->data + at;
}

char *ld_arena_strdup(struct ld_arena *a, const char *s, size_t len)
{
	char *p = ld_arena_alloc(a, len + 1, 1);
	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

static size_t hash_str(const char *s, size_t len)
{
	size_t h = 1469598103934665603ULL & SIZE_MAX;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * (size_t)1099511628211ULL;
	return h;
}

static int intern_grow(struct ld_arena *a)
{
	size_t n = a->nslots ? a->nslots * 2 : 1024;
	const char **slots = calloc(n, sizeof(*slots));

	if (!slots)
		return ld_error_oom();
	for (size_t i = 0; i < a->nslots; i++) {
		const char *s = a->slots[i];
		size_t j;
		if (!s)
			continue;
		for (j = hash_str(s, strlen(s)) & (n - 1); slots[j]; j = (j + 1) & (n - 1))
			;
		slots[j] = s;
	}
	free(a->slots);
	a->slots = slots;
	a->nslots = n;
	return 0;
}

int ld_arena_intern(struct ld_arena *a, const char *s, const char **out)
{
	size_t len, j;
	char *copy;

	*out = NULL;
	if (!s)
		return 0;
	len = strlen(s);
	if (len > INTERN_MAX_LEN)
		return (*out = ld_arena_strdup(a, s, len)) ? 0 : LD_ERROR;
	if (a->nused * 2 >= a->nslots && intern_grow(a) < 0)
		return LD_ERROR;
	for (j = hash_str(s, len) & (a->nslots - 1); a->slots[j]; j = (j + 1) & (a->nslots - 1)) {
		if (!strcmp(a->slots[j], s)) {
			*out = a->slots[j];
			return 0;
		}
	}
	if (!(copy = ld_arena_strdup(a, s, len)))
		return LD_ERROR;
	a->slots[j] = copy;
	a->nused++;
	*out = copy;
	return 0;
}
