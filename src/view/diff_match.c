/* SPDX-License-Identifier: MIT */
/*
 * Which node of graph B is which node of graph A.  Three rounds: by name
 * (same op type; a name held by two nodes of B matches none), by first
 * output name (same op type, so a renamed node is found), then by
 * structure: op type and domain plus, per input, the matched producer
 * and output slot or the name of a graph input or initializer, taken in
 * B's order so that a chain of renamed nodes matches in one sweep (four
 * sweeps at most).  On A's side a structural key looks through the
 * Transposes and Identities that have no partner (the ones a fix
 * removed), so the node that now reads what they read still matches.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "view/diff_int.h"

/* A value's key in A's terms: "nI.K" (output K of A's node I), "vNAME"
 * (input or initializer) or NULL when it cannot be expressed. */
char *
diff_value_key(struct diff *D, const struct ir_value *v, const struct side *own,
    bool is_b)
{
	if (v == NULL)
		return arena_strdup(&D->arena, "-");
	if (v->kind == IR_VALUE_NODE) {
		const struct ir_node *p = v->producer;
		long ia;

		if (p == NULL || p->dead || !diff_in_graph(own->g, p))
			return arena_printf(&D->arena, "o%s", v->name);
		ia = is_b ? own->partner[p->index] : (long)p->index;
		/* A's value whose producer has no partner (yet) may be
		 * B's initializer of that name (a folded constant). */
		if (!is_b && own->partner[p->index] < 0)
			return arena_printf(&D->arena, "v%s", v->name);
		if (ia < 0)
			return NULL;
		return arena_printf(&D->arena, "n%ld.%d", ia, v->out_index);
	}
	return arena_printf(&D->arena, "v%s", v->name);
}

static char *
node_key(struct diff *D, const struct ir_node *n, const struct side *own,
    bool is_b)
{
	char *k = arena_printf(&D->arena, "%s|%s", n->domain, n->op_type);
	size_t i;

	for (i = 0; k != NULL && i < n->ninputs; i++) {
		const struct ir_value *v = n->inputs[i];
		char *vk;
		int hop;

		/* In A, through Transposes and Identities without a partner
		 * (removed): B's node reads what they read. */
		for (hop = 0; !is_b && v != NULL && hop < 16; hop++) {
			const struct ir_node *p = v->producer;

			if (v->kind != IR_VALUE_NODE || p == NULL || p->dead ||
			    !diff_in_graph(own->g, p) ||
			    own->partner[p->index] >= 0 || p->ninputs < 1 ||
			    (!ir_is_op(p, "Transpose") &&
			    !ir_is_op(p, "Identity")))
				break;
			v = p->inputs[0];
		}
		vk = diff_value_key(D, v, own, is_b);

		if (vk == NULL)
			return NULL;
		k = arena_printf(&D->arena, "%s|%s", k, vk);
	}
	return k;
}

static void
link(struct side *sa, struct side *sb, size_t i, size_t j)
{
	sa->partner[i] = (long)j;
	sb->partner[j] = (long)i;
}

static bool
same_op(const struct ir_node *x, const struct ir_node *y)
{
	return diff_str_eq(x->op_type, y->op_type) &&
	    ir_domain_is_onnx(x->domain) == ir_domain_is_onnx(y->domain) &&
	    (ir_domain_is_onnx(x->domain) || diff_str_eq(x->domain, y->domain));
}

/* Sentinel for a name that occurs more than once. */
static char ambiguous;

int
diff_match_nodes(struct diff *D, struct side *sa, struct side *sb)
{
	struct ir_graph *ga = sa->g, *gb = sb->g;
	struct hmap byname, byout, bykey;
	size_t i, j, round;

	hmap_init(&byname, &D->arena);
	hmap_init(&byout, &D->arena);
	for (j = 0; j < gb->nnodes; j++) {
		const struct ir_node *n = gb->nodes[j];
		void *old;

		if (n->name != NULL && n->name[0] != '\0' &&
		    hmap_put(&byname, n->name, (void *)(uintptr_t)(j + 1),
		    &old) == 0)
			hmap_set(&byname, n->name, &ambiguous);
		if (n->noutputs > 0 && n->outputs[0] != NULL &&
		    hmap_put(&byout, n->outputs[0]->name,
		    (void *)(uintptr_t)(j + 1), NULL) < 0)
			return -1;
	}
	for (i = 0; i < ga->nnodes; i++) {
		const struct ir_node *n = ga->nodes[i];
		void *v;

		if (n->name == NULL || n->name[0] == '\0' ||
		    (v = hmap_get(&byname, n->name)) == NULL ||
		    v == &ambiguous)
			continue;
		j = (size_t)(uintptr_t)v - 1;
		if (sb->partner[j] < 0 && same_op(n, gb->nodes[j]))
			link(sa, sb, i, j);
	}
	for (i = 0; i < ga->nnodes; i++) {
		const struct ir_node *n = ga->nodes[i];
		void *v;

		if (sa->partner[i] >= 0 || n->noutputs == 0 ||
		    n->outputs[0] == NULL ||
		    (v = hmap_get(&byout, n->outputs[0]->name)) == NULL)
			continue;
		j = (size_t)(uintptr_t)v - 1;
		if (sb->partner[j] < 0 && same_op(n, gb->nodes[j]))
			link(sa, sb, i, j);
	}
	/* Structure: unmatched A nodes by key; B nodes in B's order. */
	for (round = 0; round < 4; round++) {
		bool more = false;

		hmap_init(&bykey, &D->arena);
		for (i = 0; i < ga->nnodes; i++) {
			char *k;

			if (sa->partner[i] >= 0)
				continue;
			if ((k = node_key(D, ga->nodes[i], sa, false)) == NULL)
				continue;
			if (hmap_put(&bykey, k, (void *)(uintptr_t)(i + 1),
			    NULL) < 0)
				return -1;
		}
		for (j = 0; j < gb->nnodes; j++) {
			char *k;
			void *v;

			if (sb->partner[j] >= 0 ||
			    (k = node_key(D, gb->nodes[j], sb, true)) == NULL ||
			    (v = hmap_get(&bykey, k)) == NULL)
				continue;
			i = (size_t)(uintptr_t)v - 1;
			if (sa->partner[i] >= 0)
				continue;
			link(sa, sb, i, j);
			more = true;
		}
		if (!more)
			break;
	}
	return D->oom ? -1 : 0;
}
