/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the graph IR: use lists, scopes, names, location paths,
 * element sizes with overflow, and the stable topological sort.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "builder.h"
#include "base/outfile.h"

static void
test_use_lists(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *a = b_node(g, "Relu", "a", 1, x);
	struct ir_node *b = b_node(g, "Add", "b", 2, a->outputs[0], x);
	char why[256];

	(void)state;
	assert_int_equal(x->nuses, 2);
	assert_int_equal(a->outputs[0]->nuses, 1);
	assert_ptr_equal(a->outputs[0]->uses[0].node, b);
	assert_int_equal(ir_value_replace_uses(a->outputs[0], x), 0);
	assert_int_equal(x->nuses, 3);
	assert_int_equal(a->outputs[0]->nuses, 0);
	assert_ptr_equal(b->inputs[0], x);
	ir_node_kill(a);
	assert_int_equal(x->nuses, 2);
	ir_graph_compact(g);
	assert_int_equal(g->nnodes, 1);
	assert_int_equal(b->index, 0);
	assert_int_equal(ir_verify(m, why, sizeof(why)), 0);
	ir_model_free(m);
}

static void
test_verify_catches_stale_use(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *a = b_node(g, "Relu", "a", 1, x);
	char why[256];

	(void)state;
	/* Break an invariant behind the API's back. */
	a->inputs[0] = NULL;
	assert_int_equal(ir_verify(m, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "stale use"));
	ir_model_free(m);
}

/* Removals from either end, or the middle, keep the list's order. */
static void
test_use_remove_order(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *n[10];
	static const int left[] = { 1, 3, 4, 6, 7 };
	char name[8], why[256];
	size_t i;

	(void)state;
	for (i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "r%zu", i);
		n[i] = b_node(g, "Relu", name, 1, x);
	}
	ir_node_kill(n[0]);	/* front */
	ir_node_kill(n[9]);	/* back */
	ir_node_kill(n[2]);	/* near the front */
	ir_node_kill(n[8]);	/* near the back */
	ir_node_kill(n[5]);	/* middle */
	assert_int_equal(x->nuses, 5);
	for (i = 0; i < 5; i++)
		assert_ptr_equal(x->uses[i].node, n[left[i]]);
	/* The list grows again after losing slots at its front. */
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "q%zu", i);
		b_node(g, "Relu", name, 1, x);
	}
	assert_int_equal(x->nuses, 25);
	assert_ptr_equal(x->uses[0].node, n[1]);
	assert_ptr_equal(x->uses[4].node, n[7]);
	assert_int_equal(ir_verify(m, why, sizeof(why)), 0);
	ir_model_free(m);
}

static void
test_nodes_kill(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *a = b_node(g, "Relu", "a", 1, x);
	struct ir_node *s = b_node(g, "Sum", "s", 3, x, x, a->outputs[0]);
	struct ir_node *b = b_node(g, "Relu", "b", 1, x);
	struct ir_node *c = b_node(g, "Relu", "c", 1, s->outputs[0]);
	struct ir_node *kill[] = { s, c, s };
	struct arena scratch;
	char why[256];

	(void)state;
	arena_init(&scratch, m->budget);
	ir_nodes_kill(&scratch, kill, 3);
	arena_release(&scratch);
	assert_true(s->dead && c->dead && !a->dead && !b->dead);
	assert_int_equal(x->nuses, 2);
	assert_ptr_equal(x->uses[0].node, a);
	assert_ptr_equal(x->uses[1].node, b);
	assert_int_equal(a->outputs[0]->nuses, 0);
	assert_int_equal(s->outputs[0]->nuses, 0);
	ir_graph_compact(g);
	assert_int_equal(ir_verify(m, why, sizeof(why)), 0);
	ir_model_free(m);
}

/* Two records of one slot and none of another: as many records as
 * slots, and still a slot without one. */
static void
test_verify_catches_missing_use(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *a = b_node(g, "Add", "a", 2, x, x);
	char why[256];

	(void)state;
	assert_int_equal(ir_verify(m, why, sizeof(why)), 0);
	assert_int_equal(x->nuses, 2);
	x->uses[1].index = x->uses[0].index;
	assert_int_equal(ir_verify(m, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "no use record"));
	(void)a;
	ir_model_free(m);
}

static void
test_scopes_and_names(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph, *sub;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *n = b_node(g, "If", "y", 1, x);
	const char *u;

	(void)state;
	sub = ir_graph_new(m, IR_GRAPH_SUB, g);
	sub->owner = n;
	sub->attr_name = "then_branch";
	sub->attr_index = -1;
	assert_ptr_equal(ir_lookup(sub, "x"), x);
	assert_null(ir_lookup(sub, "nope"));
	u = ir_unique_name(sub, "x");
	assert_string_equal(u, "x__1");
	assert_string_equal(ir_unique_name(g, "fresh"), "fresh");
	/* Taken suffixes are skipped, handed-out ones not handed twice. */
	ir_value_new(g, "z", IR_VALUE_NODE);
	ir_value_new(g, "z__1", IR_VALUE_NODE);
	ir_value_new(g, "z__3", IR_VALUE_NODE);
	assert_string_equal(ir_unique_name(g, "z"), "z__2");
	assert_string_equal(ir_unique_name(g, "z"), "z__4");
	ir_value_new(g, "z__5", IR_VALUE_NODE);
	assert_string_equal(ir_unique_name(g, "z"), "z__6");
	/* A second definition of a name is kept and marked. */
	assert_true(ir_value_new(g, "x", IR_VALUE_NODE)->duplicate);
	assert_false(x->duplicate);
	assert_int_equal(sub->depth, 1);
	ir_model_free(m);
}

static void
test_paths(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph, *sub;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *n, *inner;
	char buf[IR_PATH_SIZE];

	(void)state;
	b_node(g, "Relu", "a", 1, x);
	b_node(g, "Relu", "b", 1, x);
	b_node(g, "Relu", "c", 1, x);
	b_node(g, "Relu", "d", 1, x);
	n = b_node(g, "If", "y", 1, x);
	n->name = "cond";
	sub = ir_graph_new(m, IR_GRAPH_SUB, g);
	sub->owner = n;
	sub->attr_name = "then_branch";
	sub->attr_index = -1;
	b_node(sub, "Relu", "s0", 1, x);
	b_node(sub, "Relu", "s1", 1, x);
	inner = b_node(sub, "Add", "s2", 2, x, x);
	assert_string_equal(ir_node_path(inner, buf, sizeof(buf)),
	    "node 4 'cond' (If)/then_branch/node 2 (Add)");
	assert_string_equal(ir_graph_path(sub, buf, sizeof(buf)),
	    "node 4 'cond' (If)/then_branch");
	assert_string_equal(ir_graph_path(g, buf, sizeof(buf)), "graph");
	/* Model text in a path is escaped. */
	n->name = "a\nb\033[31m";
	assert_string_equal(ir_node_path(inner, buf, sizeof(buf)),
	    "node 4 'a\\x0ab\\x1b[31m' (If)/then_branch/node 2 (Add)");
	ir_model_free(m);
}

static void
test_elem_sizes(void **state)
{
	struct ir_tensor t;
	int64_t dims[2] = { 1LL << 32, 1LL << 32 };
	uint64_t count, bytes;
	int bad = -1;

	(void)state;
	assert_int_equal(ir_elem_bits(IR_ELEM_FLOAT), 32);
	assert_int_equal(ir_elem_bits(IR_ELEM_INT4), 4);
	assert_int_equal(ir_elem_bits(IR_ELEM_STRING), 0);
	assert_int_equal(ir_elem_bits(99), 0);
	assert_null(ir_elem_name(99));
	assert_string_equal(ir_elem_name(IR_ELEM_BFLOAT16), "bfloat16");
	assert_int_equal(ir_elem_bytes(IR_ELEM_INT4, 3, &bytes), 0);
	assert_int_equal(bytes, 2);
	assert_int_equal(ir_elem_bytes(IR_ELEM_INT2, 5, &bytes), 0);
	assert_int_equal(bytes, 2);
	assert_int_equal(ir_elem_bytes(IR_ELEM_DOUBLE, UINT64_MAX / 4,
	    &bytes), -1);
	memset(&t, 0, sizeof(t));
	t.rank = 2;
	t.dims = dims;
	assert_int_equal(ir_tensor_count(&t, &count, &bad), -1);
	assert_int_equal(bad, 1);
	dims[0] = -1;
	assert_int_equal(ir_tensor_count(&t, &count, &bad), -1);
	assert_int_equal(bad, 0);
	dims[0] = 3;
	dims[1] = 0;
	assert_int_equal(ir_tensor_count(&t, &count, NULL), 0);
	assert_int_equal(count, 0);
}

static void
test_toposort_stable(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_node *order[4], *cycle = NULL;
	struct ir_node *a, *b, *c, *d;
	struct ir_value *late;

	(void)state;
	/* c uses 'late', which d (after it) defines; a and b are
	 * independent and must keep their places. */
	a = b_node(g, "Relu", "a", 1, x);
	late = ir_value_new(g, "late", IR_VALUE_NODE);
	c = b_node(g, "Neg", "c", 1, late);
	b = b_node(g, "Abs", "b", 1, x);
	d = ir_node_new(g, "Exp", "", NULL, 1, 1);
	ir_node_set_input(d, 0, x);
	ir_node_set_output(d, 0, late);
	assert_int_equal(ir_graph_toposort(g, order, &cycle), 0);
	assert_ptr_equal(order[0], a);
	assert_ptr_equal(order[1], b);
	assert_ptr_equal(order[2], d);
	assert_ptr_equal(order[3], c);
	ir_model_free(m);
}

static void
test_toposort_cycle(void **state)
{
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_value *p = ir_value_new(g, "p", IR_VALUE_NODE);
	struct ir_node *order[3], *cycle = NULL, *n1, *n2;

	(void)state;
	b_node(g, "Relu", "a", 1, x);
	n1 = b_node(g, "Neg", "q", 1, p);
	n2 = ir_node_new(g, "Abs", "", NULL, 1, 1);
	ir_node_set_input(n2, 0, n1->outputs[0]);
	ir_node_set_output(n2, 0, p);
	assert_int_equal(ir_graph_toposort(g, order, &cycle), 1);
	assert_ptr_equal(cycle, n1);
	ir_model_free(m);
}

static void
test_toposort_chain_no_recursion(void **state)
{
	/* A 200,000-node chain built backwards: the sort must reverse it
	 * with no stack growth (this runs under ulimit -s 256 in CI). */
	enum { N = 200000 };
	struct ir_model *m = b_model(14);
	struct ir_graph *g = m->graph;
	struct ir_value *x = b_input(g, "x");
	struct ir_value **vals;
	struct ir_node **order;
	int i;

	(void)state;
	vals = arena_array(&m->arena, N + 1, sizeof(*vals));
	order = arena_array(&m->arena, N, sizeof(*order));
	assert_non_null(vals);
	assert_non_null(order);
	for (i = 0; i < N; i++)
		vals[i] = ir_value_new(g, arena_printf(&m->arena, "v%d", i),
		    IR_VALUE_NODE);
	for (i = N - 1; i >= 0; i--) {
		struct ir_node *n = ir_node_new(g, "Relu", "", NULL, 1, 1);

		ir_node_set_input(n, 0, i == 0 ? x : vals[i - 1]);
		ir_node_set_output(n, 0, vals[i]);
	}
	assert_int_equal(ir_graph_toposort(g, order, NULL), 0);
	for (i = 0; i < N; i++)
		assert_ptr_equal(order[i]->outputs[0], vals[i]);
	ir_model_free(m);
}

static void
test_hmap_growth(void **state)
{
	struct arena a;
	struct hmap h;
	char *keys[5000];
	int i;

	(void)state;
	arena_init(&a, NULL);
	hmap_init(&h, &a);
	for (i = 0; i < 5000; i++) {
		keys[i] = arena_printf(&a, "k%d", i);
		assert_int_equal(hmap_put(&h, keys[i], keys[i], NULL), 1);
	}
	for (i = 0; i < 5000; i++)
		assert_ptr_equal(hmap_get(&h, keys[i]), keys[i]);
	assert_int_equal(hmap_put(&h, "k7", NULL, NULL), 0);
	assert_null(hmap_get(&h, "k5000"));
	arena_release(&a);
}

static void
test_budget(void **state)
{
	struct budget b;
	void *p, *q;

	(void)state;
	budget_init(&b, 1000);
	p = budget_malloc(&b, 500);
	assert_non_null(p);
	assert_null(budget_malloc(&b, 600));
	assert_true(b.exceeded);
	q = budget_realloc(&b, p, 100);
	assert_non_null(q);
	budget_free(&b, q);
	assert_int_equal(b.used, 0);
}

/* arena_reset keeps one block and hands it out zeroed again; arena_reserve
 * makes the next allocations share one block; the budget sees both. */
static void
test_arena_reuse(void **state)
{
	struct budget b;
	struct arena a;
	unsigned char *p, *q, *r;
	size_t i, held;

	(void)state;
	budget_init(&b, 0);
	arena_init(&a, &b);
	p = arena_alloc(&a, 200000);
	assert_non_null(p);
	memset(p, 0xab, 200000);
	arena_reset(&a, 1u << 20);
	assert_non_null(a.head);
	held = b.used;
	assert_true(held > 0);
	q = arena_alloc(&a, 200000);
	/* the same memory, cleared */
	assert_ptr_equal(q, p);
	for (i = 0; i < 200000; i++)
		if (q[i] != 0)
			fail_msg("byte %zu not cleared", i);
	assert_int_equal(b.used, held);
	/* a block over KEEP goes back */
	arena_reset(&a, 1000);
	assert_null(a.head);
	assert_int_equal(b.used, 0);
	/* reserve: both allocations from one new block, in order */
	assert_non_null(arena_alloc(&a, 100));
	assert_int_equal(arena_reserve(&a, 6u << 20), 0);
	q = arena_alloc(&a, 3u << 20);
	r = arena_alloc(&a, 3u << 20);
	assert_non_null(q);
	assert_non_null(r);
	assert_true(r >= q + (3u << 20) && r < q + (3u << 20) + 64);
	assert_true(q[0] == 0 && r[(3u << 20) - 1] == 0);
	arena_release(&a);
	assert_int_equal(b.used, 0);
	/* out of budget: -1, nothing charged */
	budget_init(&b, 1u << 20);
	arena_init(&a, &b);
	assert_int_equal(arena_reserve(&a, 8u << 20), -1);
	assert_int_equal(b.used, 0);
	arena_release(&a);
}

/* outfile_write_all and outfile_writev_all: nothing to write is no error,
 * empty pieces among others are skipped, every byte arrives in order. */
static void
test_write_all(void **state)
{
	char path[] = "/tmp/onnxfix-test-XXXXXX", back[16];
	struct iovec v[4];
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(outfile_write_all(fd, "", 0), 0);
	assert_int_equal(outfile_write_all(fd, NULL, 0), 0);
	v[0].iov_base = (void *)"ab";
	v[0].iov_len = 2;
	v[1].iov_base = NULL;
	v[1].iov_len = 0;
	v[2].iov_base = (void *)"cde";
	v[2].iov_len = 3;
	v[3].iov_base = (void *)"";
	v[3].iov_len = 0;
	assert_int_equal(outfile_writev_all(fd, v, 4), 0);
	assert_int_equal(outfile_writev_all(fd, v, 0), 0);
	assert_int_equal(pread(fd, back, sizeof(back), 0), 5);
	assert_memory_equal(back, "abcde", 5);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_all),
		cmocka_unit_test(test_arena_reuse),
		cmocka_unit_test(test_use_lists),
		cmocka_unit_test(test_verify_catches_stale_use),
		cmocka_unit_test(test_use_remove_order),
		cmocka_unit_test(test_nodes_kill),
		cmocka_unit_test(test_verify_catches_missing_use),
		cmocka_unit_test(test_scopes_and_names),
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_elem_sizes),
		cmocka_unit_test(test_toposort_stable),
		cmocka_unit_test(test_toposort_cycle),
		cmocka_unit_test(test_toposort_chain_no_recursion),
		cmocka_unit_test(test_hmap_growth),
		cmocka_unit_test(test_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
