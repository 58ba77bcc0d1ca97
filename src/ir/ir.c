/* SPDX-License-Identifier: MIT */
/*
 * Graph IR: construction, use lists, scopes, location paths, graph walks
 * and the stable topological sort.  Every walk here is iterative: model
 * text decides how deep subgraphs nest, so nothing recurses on the C
 * stack.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag.h"
#include "ir/ir.h"

/* The fields every walk reads fill the first cache line of a node. */
_Static_assert(sizeof(void *) != 8 ||
    offsetof(struct ir_node, name) == 64, "ir_node's hot fields");

/* Element names and sizes in bits, indexed by enum ir_elem. */
static const struct {
	const char *name;
	unsigned bits;
} elems[] = {
	{ "undefined", 0 },	{ "float", 32 },	{ "uint8", 8 },
	{ "int8", 8 },		{ "uint16", 16 },	{ "int16", 16 },
	{ "int32", 32 },	{ "int64", 64 },	{ "string", 0 },
	{ "bool", 8 },		{ "float16", 16 },	{ "double", 64 },
	{ "uint32", 32 },	{ "uint64", 64 },	{ "complex64", 64 },
	{ "complex128", 128 },	{ "bfloat16", 16 },
	{ "float8e4m3fn", 8 },	{ "float8e4m3fnuz", 8 },
	{ "float8e5m2", 8 },	{ "float8e5m2fnuz", 8 },
	{ "uint4", 4 },		{ "int4", 4 },		{ "float4e2m1", 4 },
	{ "float8e8m0", 8 },	{ "uint2", 2 },		{ "int2", 2 },
};

unsigned
ir_elem_bits(int32_t elem)
{
	if (elem < 0 || elem > IR_ELEM__MAX)
		return 0;
	return elems[elem].bits;
}

const char *
ir_elem_name(int32_t elem)
{
	if (elem < 0 || elem > IR_ELEM__MAX)
		return NULL;
	return elems[elem].name;
}

const char *
ir_attr_type_name(enum ir_attr_type t)
{
	static const char *const names[] = {
		"UNDEFINED", "FLOAT", "INT", "STRING", "TENSOR", "GRAPH",
		"FLOATS", "INTS", "STRINGS", "TENSORS", "GRAPHS",
		"SPARSE_TENSOR", "SPARSE_TENSORS", "TYPE_PROTO", "TYPE_PROTOS",
	};

	if ((unsigned)t > IR_ATTR__MAX)
		return "UNKNOWN";
	return names[t];
}

bool
ir_type_has_negative(const struct ir_type *t)
{
	int i;

	if ((t->kind != IR_TYPE_TENSOR && t->kind != IR_TYPE_SPARSE) ||
	    t->dims == NULL)
		return false;
	for (i = 0; i < t->rank; i++)
		if (t->dims[i].kind == IR_DIM_VALUE && t->dims[i].value < 0)
			return true;
	return false;
}

int
ir_tensor_count(const struct ir_tensor *t, uint64_t *count, int *bad_dim)
{
	uint64_t n = 1;
	int i;

	for (i = 0; i < t->rank; i++) {
		if (t->dims[i] < 0 ||
		    __builtin_mul_overflow(n, (uint64_t)t->dims[i], &n)) {
			if (bad_dim != NULL)
				*bad_dim = i;
			return -1;
		}
	}
	*count = n;
	return 0;
}

int
ir_elem_bytes(int32_t elem, uint64_t count, uint64_t *bytes)
{
	unsigned bits = ir_elem_bits(elem);
	uint64_t b;

	if (bits == 0)
		return -1;
	if (__builtin_mul_overflow(count, (uint64_t)bits, &b))
		return -1;
	/* Sub-byte types pack their elements; the last byte is padded. */
	*bytes = b / 8 + (b % 8 != 0);
	return 0;
}

double
ir_half_to_double(uint16_t h)
{
	unsigned e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v;

	if (e == 0)
		v = ldexp(m, -24);
	else if (e == 31)
		v = m ? NAN : INFINITY;
	else
		v = ldexp(m + 1024, (int)e - 25);
	return (h & 0x8000) ? -v : v;
}

int
ir_elem_typed_field(int32_t elem)
{
	switch (elem) {
	case IR_ELEM_FLOAT:
	case IR_ELEM_COMPLEX64:
		return 4;
	case IR_ELEM_STRING:
		return 6;
	case IR_ELEM_INT64:
		return 7;
	case IR_ELEM_DOUBLE:
	case IR_ELEM_COMPLEX128:
		return 10;
	case IR_ELEM_UINT32:
	case IR_ELEM_UINT64:
		return 11;
	default:
		return 5;
	}
}

/* The typed fields: float_data holds FLOAT, double_data DOUBLE,
 * int64_data INT64, int32_data the narrower types (FLOAT16 and BFLOAT16 as
 * their bit patterns in the low 16 bits). */
static int
typed_get_f64(const struct ir_tensor *t, uint64_t i, double *out)
{
	uint64_t count;

	if (t->typed == NULL || t->nfields != 1 ||
	    ir_tensor_count(t, &count, NULL) < 0 || count != t->ntyped ||
	    i >= count)
		return -1;
	/* The field must be the one the element type lives in: reading an
	 * int32_data array as int64 would run past its end. */
	switch (t->elem) {
	case IR_ELEM_FLOAT:
		if (t->typed_field != 4)
			return -1;
		break;
	case IR_ELEM_DOUBLE:
		if (t->typed_field != 10)
			return -1;
		break;
	case IR_ELEM_INT64:
		if (t->typed_field != 7)
			return -1;
		break;
	default:
		if (t->typed_field != 5)
			return -1;
		break;
	}
	switch (t->elem) {
	case IR_ELEM_FLOAT:	/* float_data */
		*out = ((const float *)t->typed)[i];
		return 0;
	case IR_ELEM_DOUBLE:	/* double_data */
		*out = ((const double *)t->typed)[i];
		return 0;
	case IR_ELEM_INT64:	/* int64_data */
		*out = (double)((const int64_t *)t->typed)[i];
		return 0;
	case IR_ELEM_INT32:
	case IR_ELEM_INT16:
	case IR_ELEM_INT8:
	case IR_ELEM_UINT16:
	case IR_ELEM_UINT8:
	case IR_ELEM_BOOL:
		*out = ((const int32_t *)t->typed)[i];
		return 0;
	case IR_ELEM_FLOAT16:
		*out = ir_half_to_double(
		    (uint16_t)((const int32_t *)t->typed)[i]);
		return 0;
	case IR_ELEM_BFLOAT16: {
		uint32_t u = (uint32_t)(uint16_t)((const int32_t *)
		    t->typed)[i] << 16;
		float f;

		memcpy(&f, &u, 4);
		*out = f;
		return 0;
	}
	default:
		return -1;
	}
}

/* Note that T's external data could not be read (WHY), for the pass
 * driver to report. */
static void
xfail(struct ir_model *m, const struct ir_tensor *t, const char *why)
{
	struct ir_xfail *f = arena_alloc(&m->arena, sizeof(*f));

	if (f == NULL || (f->why = arena_strdup(&m->arena, why)) == NULL) {
		m->nxfail_lost++;
		return;
	}
	f->tensor = t->name != NULL ? t->name : "";
	if (m->xfail_tail == NULL)
		m->xfail_tail = &m->xfail;
	*m->xfail_tail = f;
	m->xfail_tail = &f->next;
}

const struct ir_tensor *
ir_tensor_view(const struct ir_tensor *t, struct ir_tensor *buf)
{
	struct ir_extdata *x = t->xd;
	char why[256];

	if (t->storage != IR_DATA_EXTERNAL || x == NULL)
		return t;
	if (!x->tried) {
		/* One try: a failure is reported once, and a reader that
		 * asks again sees the same answer. */
		x->tried = true;
		x->data = NULL;
		snprintf(why, sizeof(why), "the model has no data reader");
		if (x->m->read_external == NULL ||
		    x->m->read_external(x->m, t, x, why, sizeof(why)) < 0)
			x->data = NULL;
		if (x->data == NULL)
			xfail(x->m, t, why);
	}
	if (x->data == NULL)
		return t;
	*buf = *t;
	buf->storage = IR_DATA_RAW;
	buf->data = x->data;
	buf->size = x->size;
	buf->nfields = 1;
	buf->ntyped = 0;
	buf->typed = NULL;
	return buf;
}

int
ir_tensor_get_f64(const struct ir_tensor *t, uint64_t i, double *out)
{
	struct ir_tensor view;
	uint64_t count, need;
	const uint8_t *p;

	t = ir_tensor_view(t, &view);
	if (t->storage == IR_DATA_TYPED)
		return typed_get_f64(t, i, out);
	if (t->storage != IR_DATA_RAW || ir_tensor_count(t, &count, NULL) < 0 ||
	    i >= count || ir_elem_bytes(t->elem, count, &need) < 0 ||
	    need != t->size || ir_elem_bits(t->elem) < 8)
		return -1;
	p = t->data + i * (ir_elem_bits(t->elem) / 8);
	/* raw_data is little-endian; the supported hosts are too. */
	switch (t->elem) {
	case IR_ELEM_FLOAT: {
		float f;
		memcpy(&f, p, 4);
		*out = f;
		return 0;
	}
	case IR_ELEM_DOUBLE:
		memcpy(out, p, 8);
		return 0;
	case IR_ELEM_FLOAT16: {
		uint16_t h;
		memcpy(&h, p, 2);
		*out = ir_half_to_double(h);
		return 0;
	}
	case IR_ELEM_BFLOAT16: {
		uint32_t u = (uint32_t)p[0] << 16 | (uint32_t)p[1] << 24;
		float f;
		memcpy(&f, &u, 4);
		*out = f;
		return 0;
	}
	case IR_ELEM_INT64: {
		int64_t v;
		memcpy(&v, p, 8);
		*out = (double)v;
		return 0;
	}
	case IR_ELEM_INT32: {
		int32_t v;
		memcpy(&v, p, 4);
		*out = v;
		return 0;
	}
	case IR_ELEM_INT8:
		*out = (int8_t)p[0];
		return 0;
	case IR_ELEM_UINT8:
	case IR_ELEM_BOOL:
		*out = p[0];
		return 0;
	default:
		return -1;
	}
}

struct ir_model *
ir_model_new(struct budget *budget)
{
	struct arena a;
	struct ir_model *m;

	arena_init(&a, budget);
	m = arena_alloc(&a, sizeof(*m));
	if (m == NULL) {
		arena_release(&a);
		return NULL;
	}
	m->arena = a;
	m->budget = budget;
	return m;
}

void
ir_model_free(struct ir_model *m)
{
	struct arena a;

	if (m == NULL)
		return;
	if (m->release != NULL)
		m->release(m);
	/* The model itself lives in its arena: copy the arena out first. */
	a = m->arena;
	arena_release(&a);
}

struct ir_graph *
ir_graph_new(struct ir_model *m, enum ir_graph_kind kind,
    struct ir_graph *parent)
{
	struct ir_graph *g = arena_alloc(&m->arena, sizeof(*g));

	if (g == NULL)
		return NULL;
	m->ngraphs++;
	g->kind = kind;
	g->model = m;
	g->parent = parent;
	g->depth = parent ? parent->depth + 1 : 0;
	hmap_init(&g->names, &m->arena);
	hmap_init(&g->suffixes, &m->arena);
	return g;
}

int
ir_graph_reserve(struct ir_graph *g, size_t nnodes, size_t nvalues)
{
	struct arena *a = &g->model->arena;

	if (nnodes > SIZE_MAX - g->nnodes || nvalues > SIZE_MAX - g->nvalues ||
	    arena_grow(a, (void **)&g->nodes, &g->capnodes, g->nnodes + nnodes,
	    sizeof(*g->nodes)) < 0 ||
	    arena_grow(a, (void **)&g->values, &g->capvalues,
	    g->nvalues + nvalues, sizeof(*g->values)) < 0 ||
	    hmap_reserve(&g->names, g->names.n + nvalues) < 0)
		return -1;
	if (nnodes > 0) {
		/* on a cache line: a walk reads one line of each node */
		uintptr_t p;

		if (nnodes > (SIZE_MAX - 64) / sizeof(*g->node_slab) ||
		    (p = (uintptr_t)arena_alloc(a, nnodes *
		    sizeof(*g->node_slab) + 64)) == 0)
			return -1;
		g->node_slab = (struct ir_node *)((p + 63) & ~(uintptr_t)63);
		g->nnode_slab = nnodes;
	}
	if (nvalues > 0) {
		g->value_slab = arena_array(a, nvalues,
		    sizeof(*g->value_slab));
		if (g->value_slab == NULL)
			return -1;
		g->nvalue_slab = nvalues;
	}
	return 0;
}

struct ir_value *
ir_value_new(struct ir_graph *g, const char *name, enum ir_value_kind kind)
{
	struct arena *a = &g->model->arena;
	struct ir_value *v;
	void *old;

	if (g->nvalue_slab > 0) {
		v = g->value_slab++;
		g->nvalue_slab--;
	} else {
		v = arena_alloc(a, sizeof(*v));
	}
	if (v == NULL || arena_grow(a, (void **)&g->values, &g->capvalues,
	    g->nvalues + 1, sizeof(*g->values)) < 0)
		return NULL;
	v->name = name;
	v->graph = g;
	v->kind = kind;
	v->type.rank = -1;
	v->id = (unsigned)g->nvalues;
	g->values[g->nvalues++] = v;
	switch (hmap_put(&g->names, name, v, &old)) {
	case -1:
		return NULL;
	case 0:
		v->duplicate = true;
		break;
	}
	return v;
}

struct ir_value *
ir_lookup(struct ir_graph *g, const char *name)
{
	struct ir_value *v;

	for (; g != NULL; g = g->parent)
		if ((v = hmap_get(&g->names, name)) != NULL)
			return v;
	return NULL;
}

const char *
ir_unique_name(struct ir_graph *g, const char *base)
{
	struct arena *a = &g->model->arena;
	const char *name, *key;
	unsigned long k;
	void *last;

	if (ir_lookup(g, base) == NULL)
		return arena_strdup(a, base);
	/* The suffixes up to the last one handed out for BASE were taken
	 * (names are never released): start after it, or 100,000 values
	 * named after one base would probe 1, 2, ... each time. */
	last = hmap_get(&g->suffixes, base);
	for (k = last ? (unsigned long)(uintptr_t)last + 1 : 1;; k++) {
		name = arena_printf(a, "%s__%lu", base, k);
		if (name == NULL || ir_lookup(g, name) == NULL)
			break;
	}
	if (name == NULL)
		return NULL;
	/* Only a shortcut: without room for it, the next call probes
	 * from 1 again. */
	if (last != NULL)
		(void)hmap_set(&g->suffixes, base, (void *)(uintptr_t)k);
	else if ((key = arena_strdup(a, base)) != NULL)
		(void)hmap_put(&g->suffixes, key, (void *)(uintptr_t)k,
		    NULL);
	return name;
}

struct ir_node *
ir_node_new(struct ir_graph *g, const char *op_type, const char *domain,
    const char *name, size_t nin, size_t nout)
{
	struct arena *a = &g->model->arena;
	struct ir_node *n;

	if (g->nnode_slab > 0) {
		n = g->node_slab++;
		g->nnode_slab--;
	} else {
		n = arena_alloc(a, sizeof(*n));
	}
	if (n == NULL || arena_grow(a, (void **)&g->nodes, &g->capnodes,
	    g->nnodes + 1, sizeof(*g->nodes)) < 0)
		return NULL;
	n->op_type = op_type;
	n->domain = domain ? domain : "";
	n->name = name;
	n->graph = g;
	n->ninputs = nin;
	n->noutputs = nout;
	/* One block for both slot arrays (add_input moves the inputs to
	 * a larger one of their own).  Each has at least one slot, NULL
	 * when the node has none: a malformed node without inputs or
	 * outputs reads as an absent first one, never past an array. */
	{
		size_t si = nin ? nin : 1, so = nout ? nout : 1;
		struct ir_value **v;

		if (si > SIZE_MAX / sizeof(*v) - so ||
		    (v = arena_alloc_align(a, (si + so) * sizeof(*v),
		    _Alignof(struct ir_value *))) == NULL)
			return NULL;
		n->inputs = v;
		n->outputs = v + si;
		n->capinputs = si;
	}
	n->index = (unsigned)g->nnodes;
	n->order = n->index;
	n->dirty = true;
	g->nodes[g->nnodes++] = n;
	return n;
}

int
ir_use_add(struct ir_value *v, struct ir_node *n, int index)
{
	struct arena *a = &v->graph->model->arena;

	if (arena_grow(a, (void **)&v->uses, &v->capuses, v->nuses + 1,
	    sizeof(*v->uses)) < 0)
		return -1;
	v->uses[v->nuses].node = n;
	v->uses[v->nuses].index = index;
	v->nuses++;
	return 0;
}

void
ir_use_remove(struct ir_value *v, struct ir_node *n, int index)
{
	size_t i = 0, j = v->nuses, at = SIZE_MAX;

	/* From both ends at once: passes take consumers off in list order
	 * or against it, and a value may have 100,000 of them. */
	while (i < j && at == SIZE_MAX) {
		if (v->uses[i].node == n && v->uses[i].index == index)
			at = i;
		else if (v->uses[--j].node == n && v->uses[j].index == index)
			at = j;
		i++;
	}
	if (at == SIZE_MAX)
		return;
	i = at;
	if (i < v->nuses / 2) {
		/* Close the gap from the front: the list starts one later
		 * (the arena keeps the slot). */
		memmove(&v->uses[1], &v->uses[0], i * sizeof(*v->uses));
		v->uses++;
		v->capuses--;
	} else {
		memmove(&v->uses[i], &v->uses[i + 1],
		    (v->nuses - i - 1) * sizeof(*v->uses));
	}
	v->nuses--;
}

int
ir_node_set_input(struct ir_node *n, size_t i, struct ir_value *v)
{
	if (n->inputs[i] == v)
		return 0;
	if (n->inputs[i] != NULL)
		ir_use_remove(n->inputs[i], n, (int)i);
	n->inputs[i] = v;
	n->dirty = true;
	return v ? ir_use_add(v, n, (int)i) : 0;
}

int
ir_node_add_input(struct ir_node *n, struct ir_value *v)
{
	struct arena *a = &n->graph->model->arena;
	size_t cap = n->capinputs;

	if (n->ninputs >= UINT32_MAX / 2 ||
	    arena_grow(a, (void **)&n->inputs, &cap, n->ninputs + 1,
	    sizeof(*n->inputs)) < 0)
		return -1;
	n->capinputs = (uint32_t)cap;
	n->inputs[n->ninputs++] = NULL;
	return ir_node_set_input(n, n->ninputs - 1, v);
}

void
ir_node_set_output(struct ir_node *n, size_t i, struct ir_value *v)
{
	n->outputs[i] = v;
	n->dirty = true;
	if (v != NULL) {
		v->kind = IR_VALUE_NODE;
		v->producer = n;
		v->out_index = (int)i;
	}
}

int
ir_node_add_implicit(struct ir_node *n, struct ir_value *v)
{
	struct arena *a = &n->graph->model->arena;
	size_t i, cap = n->capimplicit;

	for (i = 0; i < n->nimplicit; i++)
		if (n->implicit[i] == v)
			return 0;
	if (n->nimplicit >= UINT32_MAX / 2 ||
	    arena_grow(a, (void **)&n->implicit, &cap, n->nimplicit + 1,
	    sizeof(*n->implicit)) < 0)
		return -1;
	n->capimplicit = (uint32_t)cap;
	n->implicit[n->nimplicit++] = v;
	return ir_use_add(v, n, -1);
}

int
ir_value_replace_uses(struct ir_value *old, struct ir_value *new)
{
	struct ir_graph *g = old->graph;
	size_t i;

	/* a value read by its own producer (a cycle, which check reports)
	 * replaced by itself: moving its uses would never end */
	if (old == new)
		return 0;
	while (old->nuses > 0) {
		struct ir_use u = old->uses[old->nuses - 1];

		if (u.index >= 0) {
			if (ir_node_set_input(u.node, (size_t)u.index, new) < 0)
				return -1;
		} else {
			size_t k;

			ir_use_remove(old, u.node, -1);
			for (k = 0; k < u.node->nimplicit; k++)
				if (u.node->implicit[k] == old)
					u.node->implicit[k] = new;
			if (ir_use_add(new, u.node, -1) < 0)
				return -1;
		}
	}
	for (i = 0; i < g->noutputs; i++) {
		if (g->outputs[i].value == old) {
			g->outputs[i].value = new;
			old->noutputs--;
			new->noutputs++;
		}
	}
	return 0;
}

/* Inputs up to which a node's records are removed one by one. */
#define KILL_ONE_MAX 64

static void
kill_one(struct ir_node *n)
{
	size_t i;

	if (n->dead)
		return;
	for (i = 0; i < n->ninputs; i++)
		if (n->inputs[i] != NULL)
			ir_use_remove(n->inputs[i], n, (int)i);
	for (i = 0; i < n->nimplicit; i++)
		ir_use_remove(n->implicit[i], n, -1);
	n->dead = true;
}

void
ir_node_kill(struct ir_node *n)
{
	/*
	 * One record at a time is a search of the value's list per input
	 * slot: quadratic for Sum(x, x, ...) with 40,000 copies of x (cse
	 * merging two of them took minutes).  A node with many inputs is
	 * taken out by filtering each value's list once.
	 */
	if (!n->dead && n->ninputs + n->nimplicit > KILL_ONE_MAX) {
		ir_nodes_kill(&n->graph->model->arena, &n, 1);
		return;
	}
	kill_one(n);
}

static int
cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(void *const *)a;
	uintptr_t y = (uintptr_t)*(void *const *)b;

	return (x > y) - (x < y);
}

void
ir_nodes_kill(struct arena *a, struct ir_node *const *n, size_t cnt)
{
	struct ir_value **vals = NULL;
	size_t total = 0, nv = 0, i, j, k;

	for (i = 0; i < cnt; i++)
		if (!n[i]->dead && __builtin_add_overflow(total,
		    n[i]->ninputs + n[i]->nimplicit, &total))
			break;
	if (i == cnt)
		vals = arena_array(a, total + 1, sizeof(*vals));
	if (vals == NULL) {
		for (i = 0; i < cnt; i++)
			kill_one(n[i]);
		return;
	}
	/* The values whose lists lose records, each once. */
	for (i = 0; i < cnt; i++) {
		if (n[i]->dead)
			continue;
		for (j = 0; j < n[i]->ninputs; j++)
			if (n[i]->inputs[j] != NULL)
				vals[nv++] = n[i]->inputs[j];
		for (j = 0; j < n[i]->nimplicit; j++)
			vals[nv++] = n[i]->implicit[j];
		n[i]->dead = true;
	}
	if (nv > 1)
		qsort(vals, nv, sizeof(*vals), cmp_ptr);
	for (i = 0; i < nv; i++) {
		struct ir_value *v = vals[i];

		if (i > 0 && v == vals[i - 1])
			continue;
		/* No record names a node that was dead before (ir_node_kill
		 * took them out): the dead ones are exactly N's. */
		for (j = k = 0; j < v->nuses; j++)
			if (!v->uses[j].node->dead)
				v->uses[k++] = v->uses[j];
		v->nuses = k;
	}
}

void
ir_graph_compact(struct ir_graph *g)
{
	size_t i, k = 0;

	for (i = 0; i < g->nnodes; i++) {
		if (g->nodes[i]->dead)
			continue;
		g->nodes[k] = g->nodes[i];
		g->nodes[k]->index = (unsigned)k;
		k++;
	}
	g->nnodes = k;
}

/* A of type T, its value in T's field (always, when a pass built or
 * set it: dirty), not a function attribute reference. */
static const struct ir_attr *
typed(const struct ir_node *n, const char *name, enum ir_attr_type t)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL || a->type != t || a->ref_attr_name != NULL ||
	    (a->fields != 0 && !a->dirty && !(a->fields & (1u << t))))
		return NULL;
	return a;
}

bool
ir_attr_plain_eq(const struct ir_attr *a, const struct ir_attr *b)
{
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case IR_ATTR_FLOAT:
		return memcmp(&a->f, &b->f, sizeof(a->f)) == 0;
	case IR_ATTR_INT:
		return a->i == b->i;
	case IR_ATTR_STRING:
		return a->slen == b->slen && (a->slen == 0 ||
		    memcmp(a->s, b->s, a->slen) == 0);
	case IR_ATTR_FLOATS:
		return a->n == b->n && (a->n == 0 ||
		    memcmp(a->floats, b->floats, a->n * sizeof(*a->floats)) ==
		    0);
	case IR_ATTR_INTS:
		return a->n == b->n && (a->n == 0 ||
		    memcmp(a->ints, b->ints, a->n * sizeof(*a->ints)) == 0);
	default:
		return false;
	}
}

int64_t
ir_attr_int(const struct ir_node *n, const char *name, int64_t dflt)
{
	const struct ir_attr *a = typed(n, name, IR_ATTR_INT);

	return a != NULL ? a->i : dflt;
}

float
ir_attr_float(const struct ir_node *n, const char *name, float dflt)
{
	const struct ir_attr *a = typed(n, name, IR_ATTR_FLOAT);

	return a != NULL ? a->f : dflt;
}

const int64_t *
ir_attr_ints(const struct ir_node *n, const char *name, size_t *count)
{
	const struct ir_attr *a = typed(n, name, IR_ATTR_INTS);

	*count = a != NULL && a->ints != NULL ? a->n : 0;
	return *count > 0 ? a->ints : NULL;
}

bool
ir_attr_str_is(const struct ir_node *n, const char *name, const char *want,
    bool absent)
{
	const struct ir_attr *a;
	size_t len = strlen(want);

	if (ir_node_attr(n, name) == NULL)
		return absent;
	a = typed(n, name, IR_ATTR_STRING);
	return a != NULL && a->slen == len &&
	    (len == 0 || (a->s != NULL && memcmp(a->s, want, len) == 0));
}

struct ir_attr *
ir_node_attr(const struct ir_node *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].name != NULL &&
		    strcmp(n->attrs[i].name, name) == 0)
			return &n->attrs[i];
	return NULL;
}

bool
ir_domain_is_onnx(const char *domain)
{
	return domain == NULL || domain[0] == '\0' ||
	    strcmp(domain, "ai.onnx") == 0;
}

static int64_t
opset_in(const struct ir_opset *v, size_t n, const char *domain)
{
	bool onnx = ir_domain_is_onnx(domain);
	size_t i;

	for (i = 0; i < n; i++) {
		const char *d = v[i].domain ? v[i].domain : "";

		if (onnx ? ir_domain_is_onnx(d) : strcmp(d, domain) == 0)
			return v[i].version;
	}
	return -1;
}

int64_t
ir_model_opset(const struct ir_model *m, const char *domain)
{
	/* IR < 3 has no opset_import and means ai.onnx version 1. */
	if (m->nopsets == 0 && m->has_ir_version && m->ir_version < 3 &&
	    ir_domain_is_onnx(domain))
		return 1;
	return opset_in(m->opsets, m->nopsets, domain);
}

int64_t
ir_node_opset(const struct ir_node *n)
{
	const struct ir_graph *g = n->graph;

	while (g->parent != NULL)
		g = g->parent;
	if (g->kind == IR_GRAPH_FUNCTION && g->function != NULL) {
		int64_t v = opset_in(g->function->opsets, g->function->nopsets,
		    n->domain);

		if (v >= 0)
			return v;
	}
	return ir_model_opset(g->model, n->domain);
}

/* Append to a path buffer, never overflowing it. */
static void
path_cat(char *buf, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + 1 >= size)
		return;
	if (n > size - *len - 1)
		n = size - *len - 1;
	memcpy(buf + *len, s, n);
	*len += n;
	buf[*len] = '\0';
}

static void
node_label(const struct ir_node *n, char *out, size_t size)
{
	char name[DIAG_ESCAPE_SIZE], op[DIAG_ESCAPE_SIZE];

	diag_escape_str(op, sizeof(op), n->op_type);
	if (n->name != NULL && n->name[0] != '\0')
		snprintf(out, size, "node %u '%s' (%s)", n->index,
		    diag_escape_str(name, sizeof(name), n->name), op);
	else
		snprintf(out, size, "node %u (%s)", n->index, op);
}

/*
 * Build the path from the top-level graph down: collect the chain of
 * owners upward into a fixed array (depth is bounded by the loader's
 * subgraph limit; deeper chains are abbreviated), then print it forward.
 */
#define PATH_MAX_LEVELS 64

static size_t
graph_prefix(const struct ir_graph *g, char *buf, size_t size)
{
	const struct ir_graph *chain[PATH_MAX_LEVELS];
	char part[3 * DIAG_ESCAPE_SIZE];
	size_t k = 0, len = 0;
	bool cut = false;

	buf[0] = '\0';
	for (; g != NULL && g->owner != NULL; g = g->parent) {
		if (k == PATH_MAX_LEVELS) {
			cut = true;
			break;
		}
		chain[k++] = g;
	}
	/* g is now the top-level graph, or the deepest one kept. */
	if (g != NULL && g->kind == IR_GRAPH_FUNCTION && g->function) {
		char name[DIAG_ESCAPE_SIZE];

		snprintf(part, sizeof(part), "function '%s'/",
		    diag_escape_str(name, sizeof(name), g->function->name));
		path_cat(buf, size, &len, part);
	}
	if (cut)
		path_cat(buf, size, &len, ".../");
	while (k > 0) {
		const struct ir_graph *s = chain[--k];
		char name[DIAG_ESCAPE_SIZE];

		node_label(s->owner, part, sizeof(part));
		path_cat(buf, size, &len, part);
		path_cat(buf, size, &len, "/");
		diag_escape_str(name, sizeof(name), s->attr_name);
		if (s->attr_index >= 0)
			snprintf(part, sizeof(part), "%s[%d]/", name,
			    s->attr_index);
		else
			snprintf(part, sizeof(part), "%s/", name);
		path_cat(buf, size, &len, part);
	}
	return len;
}

char *
ir_node_path(const struct ir_node *n, char *buf, size_t size)
{
	char part[3 * DIAG_ESCAPE_SIZE];
	size_t len;

	len = graph_prefix(n->graph, buf, size);
	node_label(n, part, sizeof(part));
	path_cat(buf, size, &len, part);
	return buf;
}

char *
ir_graph_path(const struct ir_graph *g, char *buf, size_t size)
{
	size_t len = graph_prefix(g, buf, size);

	/* Drop the trailing slash; the top-level graph is "graph". */
	if (len > 0 && buf[len - 1] == '/')
		buf[len - 1] = '\0';
	else if (len == 0)
		snprintf(buf, size, "graph");
	return buf;
}

size_t
ir_node_subgraphs(const struct ir_node *n, struct ir_graph **out, size_t max)
{
	size_t i, j, k = 0;

	for (i = 0; i < n->nattrs; i++) {
		const struct ir_attr *a = &n->attrs[i];

		if (a->g != NULL) {
			if (k < max)
				out[k] = a->g;
			k++;
		}
		for (j = 0; a->graphs != NULL && j < a->ngraphs; j++) {
			if (a->graphs[j] == NULL)
				continue;
			if (k < max)
				out[k] = a->graphs[j];
			k++;
		}
	}
	return k;
}

size_t
ir_model_graphs(struct ir_model *m, struct ir_graph ***out)
{
	struct arena *a = &m->arena;
	struct ir_graph **v = NULL;
	size_t n = 0, cap = 0, next = 0, i;

	/* Breadth-first over a growing array: no stack at all. */
	if (m->graph != NULL) {
		if (arena_grow(a, (void **)&v, &cap, 1, sizeof(*v)) < 0)
			return 0;
		v[n++] = m->graph;
	}
	for (i = 0; i < m->nfunctions; i++) {
		if (m->functions[i]->body == NULL)
			continue;
		if (arena_grow(a, (void **)&v, &cap, n + 1, sizeof(*v)) < 0)
			return 0;
		v[n++] = m->functions[i]->body;
	}
	/* Every graph the model has is listed: no node holds one (the
	 * usual case, and a pass over every node saved). */
	if (m->ngraphs <= n)
		next = n;
	for (; next < n; next++) {
		struct ir_graph *g = v[next];

		for (i = 0; i < g->nnodes; i++) {
			struct ir_node *nd = g->nodes[i];
			size_t k = ir_node_subgraphs(nd, NULL, 0);

			if (k == 0)
				continue;
			if (arena_grow(a, (void **)&v, &cap, n + k,
			    sizeof(*v)) < 0)
				return 0;
			n += ir_node_subgraphs(nd, v + n, k);
		}
	}
	*out = v;
	return n;
}

/*
 * Kahn's algorithm with a min-heap on the original position, so a sorted
 * graph keeps its order and an unsorted one moves as little as possible.
 */
static void
heap_push(unsigned *h, size_t *n, unsigned x)
{
	size_t i = (*n)++;

	while (i > 0 && h[(i - 1) / 2] > x) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = x;
}

static unsigned
heap_pop(unsigned *h, size_t *n)
{
	unsigned top = h[0], x = h[--(*n)];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < *n) {
		if (c + 1 < *n && h[c + 1] < h[c])
			c++;
		if (h[c] >= x)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = x;
	return top;
}

static int
dep_of(const struct ir_graph *g, const struct ir_value *v)
{
	if (v == NULL || v->graph != g || v->kind != IR_VALUE_NODE ||
	    v->producer == NULL || v->producer->dead)
		return -1;
	return (int)v->producer->index;
}

/* Does ND use the output of a node at or after its own position? */
static bool
depends_forward(const struct ir_graph *g, const struct ir_node *nd)
{
	size_t j;
	int d;

	for (j = 0; j < nd->ninputs; j++)
		if ((d = dep_of(g, nd->inputs[j])) >= 0 &&
		    (unsigned)d >= nd->index)
			return true;
	for (j = 0; j < nd->nimplicit; j++)
		if ((d = dep_of(g, nd->implicit[j])) >= 0 &&
		    (unsigned)d >= nd->index)
			return true;
	return false;
}

int
ir_graph_toposort(struct ir_graph *g, struct ir_node **order,
    struct ir_node **cycle_at)
{
	struct arena scratch;
	unsigned *indeg, *heap;
	size_t n = g->nnodes, i, j, k = 0, hn = 0;
	bool *done;
	int rc = 0;

	for (i = 0; i < n; i++)
		g->nodes[i]->index = (unsigned)i;
	/* Usually the nodes are in order already (every producer before
	 * its consumers, none dead): then the stable order is the list. */
	for (i = 0; i < n; i++)
		if (g->nodes[i]->dead || depends_forward(g, g->nodes[i]))
			break;
	if (i == n) {
		if (order != g->nodes && n > 0)
			memcpy(order, g->nodes, n * sizeof(*order));
		return 0;
	}
	arena_init(&scratch, g->model->budget);
	indeg = arena_array(&scratch, n + 1, sizeof(*indeg));
	heap = arena_array(&scratch, n + 1, sizeof(*heap));
	done = arena_array(&scratch, n + 1, sizeof(*done));
	if (indeg == NULL || heap == NULL || done == NULL) {
		arena_release(&scratch);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct ir_node *nd = g->nodes[i];

		for (j = 0; j < nd->ninputs; j++)
			if (dep_of(g, nd->inputs[j]) >= 0)
				indeg[i]++;
		for (j = 0; j < nd->nimplicit; j++)
			if (dep_of(g, nd->implicit[j]) >= 0)
				indeg[i]++;
		if (indeg[i] == 0)
			heap_push(heap, &hn, (unsigned)i);
	}
	while (hn > 0) {
		struct ir_node *nd = g->nodes[heap_pop(heap, &hn)];

		order[k++] = nd;
		done[nd->index] = true;
		for (j = 0; j < nd->noutputs; j++) {
			struct ir_value *v = nd->outputs[j];
			size_t u;

			if (v == NULL || v->producer != nd)
				continue;
			for (u = 0; u < v->nuses; u++) {
				struct ir_node *c = v->uses[u].node;

				/* Uses inside subgraphs count on the owner in
				 * this graph, through its implicit list. */
				if (c->graph != g || c->dead)
					continue;
				if (--indeg[c->index] == 0)
					heap_push(heap, &hn, c->index);
			}
		}
	}
	if (k < n) {
		rc = 1;
		if (cycle_at != NULL)
			*cycle_at = NULL;
		for (i = 0; i < n; i++) {
			if (done[i])
				continue;
			if (cycle_at != NULL && *cycle_at == NULL)
				*cycle_at = g->nodes[i];
			order[k++] = g->nodes[i];
		}
	}
	arena_release(&scratch);
	return rc;
}

int
ir_rebuild_implicit(struct ir_model *m)
{
	struct ir_graph **graphs;
	size_t n, i, j, k;

	n = ir_model_graphs(m, &graphs);
	for (i = 0; i < n; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *nd = g->nodes[j];

			for (k = 0; k < nd->nimplicit; k++)
				ir_use_remove(nd->implicit[k], nd, -1);
			nd->nimplicit = 0;
		}
	}
	for (i = 0; i < n; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *nd = g->nodes[j];

			if (nd->dead)
				continue;
			for (k = 0; k < nd->ninputs; k++) {
				struct ir_value *v = nd->inputs[k];
				struct ir_graph *s;

				if (v == NULL || v->graph == g)
					continue;
				for (s = g; s != NULL && s != v->graph;
				    s = s->parent)
					if (s->owner != NULL &&
					    ir_node_add_implicit(s->owner,
					    v) < 0)
						return -1;
			}
		}
		for (j = 0; j < g->noutputs; j++) {
			struct ir_value *v = g->outputs[j].value;
			struct ir_graph *s;

			if (v == NULL || v->graph == g)
				continue;
			for (s = g; s != NULL && s != v->graph; s = s->parent)
				if (s->owner != NULL &&
				    ir_node_add_implicit(s->owner, v) < 0)
					return -1;
		}
	}
	return 0;
}

static bool
has_use(const struct ir_value *v, const struct ir_node *n, int index)
{
	size_t i;

	for (i = 0; i < v->nuses; i++)
		if (v->uses[i].node == n && v->uses[i].index == index)
			return true;
	return false;
}

static int
cmp_use(const void *a, const void *b)
{
	const struct ir_use *x = a, *y = b;

	if (x->node != y->node)
		return (uintptr_t)x->node < (uintptr_t)y->node ? -1 : 1;
	return (x->index > y->index) - (x->index < y->index);
}

/*
 * Does V hold two records of one input slot?  -1 when out of budget.
 * The records are copied into *BUF (capacity *CAP, from A) and sorted:
 * the uses keep their order.
 */
static int
dup_uses(struct arena *a, const struct ir_value *v, struct ir_use **buf,
    size_t *cap)
{
	size_t i, j, n = 0;

	if (v->nuses < 2)
		return 0;
	if (v->nuses <= 8) {
		for (i = 0; i < v->nuses; i++)
			for (j = i + 1; j < v->nuses; j++)
				if (v->uses[i].index >= 0 &&
				    v->uses[i].node == v->uses[j].node &&
				    v->uses[i].index == v->uses[j].index)
					return 1;
		return 0;
	}
	if (arena_grow(a, (void **)buf, cap, v->nuses, sizeof(**buf)) < 0)
		return -1;
	for (i = 0; i < v->nuses; i++)
		if (v->uses[i].index >= 0)
			(*buf)[n++] = v->uses[i];
	if (n > 1)
		qsort(*buf, n, sizeof(**buf), cmp_use);
	for (i = 1; i < n; i++)
		if ((*buf)[i].node == (*buf)[i - 1].node &&
		    (*buf)[i].index == (*buf)[i - 1].index)
			return 1;
	return 0;
}

/* The input slot of a live node of GRAPHS that has no use record. */
static int
missing_use(struct ir_graph **graphs, size_t n, char *why, size_t size)
{
	char path[IR_PATH_SIZE];
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *nd = g->nodes[j];

			for (k = 0; k < nd->ninputs && !nd->dead; k++)
				if (nd->inputs[k] != NULL &&
				    !has_use(nd->inputs[k], nd, (int)k)) {
					snprintf(why, size, "%s: input %zu "
					    "has no use record",
					    ir_node_path(nd, path,
					    sizeof(path)), k);
					return -1;
				}
		}
	}
	return 0;
}

/*
 * Every input slot of a live node must have a use record.  Looking each
 * one up in its value's list would be quadratic in fan-out (100,000
 * consumers of one value: 10^10 steps, after every pass), so the
 * records are counted instead: each valid record names a distinct slot
 * that holds its value, so when no slot has two records and there are
 * as many records as slots, every slot has one.  Only when the counts
 * or that distinctness fail are the slots looked up one by one, to name
 * the one without a record.
 */
int
ir_verify(struct ir_model *m, char *why, size_t size)
{
	struct ir_graph **graphs;
	char path[IR_PATH_SIZE];
	struct arena scratch;
	struct ir_use *buf = NULL;
	size_t n, i, j, k, nslots = 0, nrecords = 0, cap = 0;
	bool exact = false;
	int rc = 0;

	n = ir_model_graphs(m, &graphs);
	for (i = 0; i < n; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *nd = g->nodes[j];

			if (nd->graph != g) {
				snprintf(why, size, "%s: wrong owning graph",
				    ir_node_path(nd, path, sizeof(path)));
				return -1;
			}
			if (nd->dead)
				continue;
			for (k = 0; k < nd->ninputs; k++) {
				struct ir_value *v = nd->inputs[k];

				if (v == NULL)
					continue;
				nslots++;
				if (v->kind == IR_VALUE_NODE &&
				    v->producer != NULL &&
				    v->producer->dead) {
					snprintf(why, size,
					    "%s: input %zu comes from a "
					    "removed node",
					    ir_node_path(nd, path,
					    sizeof(path)), k);
					return -1;
				}
			}
			for (k = 0; k < nd->noutputs; k++) {
				struct ir_value *v = nd->outputs[k];

				if (v != NULL && v->producer != nd) {
					snprintf(why, size,
					    "%s: output %zu names another "
					    "producer",
					    ir_node_path(nd, path,
					    sizeof(path)), k);
					return -1;
				}
			}
		}
	}
	arena_init(&scratch, m->budget);
	for (i = 0; i < n && rc == 0; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->nvalues && rc == 0; j++) {
			struct ir_value *v = g->values[j];

			for (k = 0; k < v->nuses; k++) {
				const struct ir_use *u = &v->uses[k];

				if (u->node->dead) {
					snprintf(why, size, "value '%s' is "
					    "used by a removed node",
					    v->name);
					rc = -1;
					break;
				}
				if (u->index >= 0 &&
				    ((size_t)u->index >= u->node->ninputs ||
				    u->node->inputs[u->index] != v)) {
					snprintf(why, size, "value '%s' has a "
					    "stale use record", v->name);
					rc = -1;
					break;
				}
				nrecords += u->index >= 0;
			}
			/* Two records of one slot, or out of budget: the
			 * count proves nothing, look the slots up. */
			if (rc == 0 && !exact &&
			    dup_uses(&scratch, v, &buf, &cap) != 0)
				exact = true;
		}
	}
	arena_release(&scratch);
	if (rc == 0 && (exact || nrecords != nslots))
		rc = missing_use(graphs, n, why, size);
	return rc;
}
