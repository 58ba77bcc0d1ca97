/* SPDX-License-Identifier: MIT */
/*
 * Shape and type inference (see shapes.h for the contract): the engine.
 *
 * One run walks every graph with an explicit stack of frames: a frame is
 * a graph, its nodes in topological order and a position.  A node holding
 * subgraphs pushes one frame per subgraph first and is inferred when they
 * are done, so If/Loop/Scan outputs see their bodies' results and bodies
 * see the outer scope.  Per node, an operator's rule (shapes_table.c)
 * derives the output types from the input types (and small constant
 * tensors); the result is merged into each output's declared type, and
 * declarations are checked against it.  The rules follow the ONNX
 * operator specifications (onnx/docs/Operators.md, Changelog.md) and the
 * reference inference of the onnx package where the specification is
 * silent.  shapes_int.h lists the files.
 */
#include <string.h>

#include "diag/diag.h"
#include "ir/shapes_int.h"

struct frame {
	struct ir_graph *g;
	const struct ir_node *call;	/* shapes_walk_calls: the outermost
					 * call this body instance is for */
	/* walking: the attributes of the call the body runs for, their
	 * own references resolved (has_env false outside bodies) */
	const struct ir_attr *env;
	size_t nenv;
	bool has_env;
	struct ir_node **order;
	size_t pos;
	bool entered;		/* subgraphs of order[pos] are done */
	bool unchecked;		/* order is g->nodes, checked up to pos
				 * (check_order) */
	/* when reporting: the values G declares a type for (its outputs
	 * and value_info, produced in G) -> their derived type (kind
	 * IR_TYPE_NONE until a tensor type is derived) */
	struct pmap der;
};

/* Identical as written (unknown equals unknown). */
static bool
dim_ident(const struct ir_dim *a, const struct ir_dim *b)
{
	if (a->kind != b->kind)
		return false;
	return a->kind == IR_DIM_UNKNOWN || shapes_dim_same(a, b);
}

static bool
type_ident(const struct ir_type *a, const struct ir_type *b)
{
	int i;

	if (a->kind != b->kind || a->elem != b->elem || a->rank != b->rank)
		return false;
	for (i = 0; i < a->rank; i++)
		if (!dim_ident(&a->dims[i], &b->dims[i]))
			return false;
	return true;
}

/*
 * The type V starts from in this run: what was declared (or set by a
 * pass) before inference refined it.
 */
static const struct ir_type *
base_of(const struct ir_value *v)
{
	return v->type_inferred ? &v->type_decl : &v->type;
}

/* T with negative dim_values read as unknown, into O. */
static int
sanitize(struct sh *s, const struct ir_type *t, struct ir_type *o)
{
	int i;

	*o = *t;
	if (!ir_type_has_negative(t))
		return 0;
	o->dims = arena_array(&s->tmp, (size_t)t->rank, sizeof(*o->dims));
	if (o->dims == NULL)
		return -1;
	for (i = 0; i < t->rank; i++)
		o->dims[i] = t->dims[i].kind == IR_DIM_VALUE &&
		    t->dims[i].value < 0 ? dunknown() : t->dims[i];
	return 0;
}

/*
 * Merge derived D into base B: unknown parts are filled, a dim_param
 * gives way to a concrete size, and where the two contradict each other
 * the derivation wins (it follows from the inputs; the contradiction is
 * reported against the declaration, once, without cascading).
 */
static int
merge(struct sh *s, const struct ir_type *base, const struct ir_type *d,
    struct ir_type *o)
{
	struct ir_type clean, dclean;
	const struct ir_type *b = &clean;
	int i;

	if (sanitize(s, base, &clean) < 0)
		return -1;
	if (d != NULL) {
		if (sanitize(s, d, &dclean) < 0)
			return -1;
		d = &dclean;
	}
	*o = *b;
	if (d == NULL || d->kind != IR_TYPE_TENSOR)
		return 0;
	if (b->kind == IR_TYPE_NONE) {
		*o = *d;
		return 0;
	}
	if (b->kind != IR_TYPE_TENSOR)
		return 0;
	if (d->elem != 0)
		o->elem = d->elem;
	if (d->rank < 0)
		return 0;
	if (b->rank != d->rank) {
		o->rank = d->rank;
		o->dims = d->dims;
		return 0;
	}
	for (i = 0; i < b->rank; i++) {
		const struct ir_dim *x = &b->dims[i], *y = &d->dims[i];

		if (y->kind == IR_DIM_UNKNOWN || dim_ident(x, y) ||
		    (x->kind == IR_DIM_PARAM && y->kind == IR_DIM_PARAM))
			continue;
		if (o->dims == b->dims) {
			o->dims = arena_array(&s->tmp, (size_t)b->rank,
			    sizeof(*o->dims));
			if (o->dims == NULL)
				return -1;
			dcopy(o->dims, b->dims, b->rank);
		}
		o->dims[i] = *y;
	}
	return 0;
}

/*
 * Store T as V's type (model memory when it changed).  SHARE: T's dims
 * are model memory already (another value's type, never changed in
 * place) and are taken as they are rather than copied.
 */
static int
store(struct sh *s, struct ir_value *v, const struct ir_type *t, bool share)
{
	const struct ir_type *b = base_of(v);
	struct ir_type base = *b;

	if (type_ident(t, &base)) {
		v->type = base;
		v->type_inferred = false;
		memset(&v->type_decl, 0, sizeof(v->type_decl));
		return 0;
	}
	if (!v->type_inferred)
		v->type_decl = base;
	v->type_inferred = true;
	if (type_ident(t, &v->type))
		return 0;
	v->type = *t;
	v->type.orig = NULL;
	v->type.dirty = false;
	if (t->rank > 0 && !share) {
		v->type.dims = arena_array(&s->m->arena, (size_t)t->rank,
		    sizeof(*t->dims));
		if (v->type.dims == NULL)
			return -1;
		dcopy(v->type.dims, t->dims, t->rank);
	} else if (t->rank <= 0) {
		v->type.dims = NULL;
	}
	return 0;
}

static int
commit(struct sh *s, struct ir_value *v, const struct ir_type *t)
{
	return store(s, v, t, false);
}

/*
 * Did inference derive all of T from the node's inputs: D, what it
 * derived, is T, every dim a number or a symbol?  Then T holds whether
 * or not a declaration said the same.
 */
static bool
derived_all(const struct ir_type *d, const struct ir_type *t)
{
	int i;

	if (d->kind != IR_TYPE_TENSOR || d->elem == 0 || d->rank < 0 ||
	    t->kind != IR_TYPE_TENSOR || d->elem != t->elem ||
	    d->rank != t->rank)
		return false;
	for (i = 0; i < d->rank; i++) {
		const struct ir_dim *x = &d->dims[i], *y = &t->dims[i];

		if (x->kind == IR_DIM_UNKNOWN || x->kind != y->kind ||
		    (x->kind == IR_DIM_VALUE && (x->value < 0 ||
		    x->value != y->value)) || (x->kind == IR_DIM_PARAM &&
		    !shapes_dim_same(x, y)))
			return false;
	}
	return true;
}

/* Compare a declaration with the derivation. */
static void
check_decl(struct sh *s, const struct ir_vinfo *vi, const struct ir_type *d,
    const char *where)
{
	const struct ir_type *t = &vi->type;
	const struct ir_value *n = vi->value;
	const char *what = n->producer != NULL ? "inferred" : "initializer is";
	char e[DIAG_ESCAPE_SIZE], a[256], b[256];
	int i;

	if (t->kind != IR_TYPE_TENSOR || d->kind != IR_TYPE_TENSOR)
		return;
	if (t->elem != 0 && d->elem != 0 && t->elem != d->elem) {
		shapes_report_decl(s, SHAPES_DECL_ELEM, n,
		    "%s '%s' is %s, %s %s", where,
		    shapes_esc_name(e, vi->value),
		    shapes_type_str(t, a, sizeof(a)), what,
		    shapes_type_str(d, b, sizeof(b)));
		return;
	}
	if (t->rank < 0 || d->rank < 0)
		return;
	if (t->rank != d->rank) {
		shapes_report_decl(s, SHAPES_DECL_RANK, n,
		    "%s '%s' is %s, %s %s", where,
		    shapes_esc_name(e, vi->value),
		    shapes_type_str(t, a, sizeof(a)), what,
		    shapes_type_str(d, b, sizeof(b)));
		return;
	}
	/* some exporters write -1 for a dynamic dim: not a size (0 is
	 * one, as onnx's checker reads it) */
	for (i = 0; i < t->rank; i++)
		if (t->dims[i].kind == IR_DIM_VALUE && t->dims[i].value >= 0 &&
		    d->dims[i].kind == IR_DIM_VALUE &&
		    t->dims[i].value != d->dims[i].value)
			break;
	if (i < t->rank)
		shapes_report_decl(s, SHAPES_DECL_DIM, n,
		    "%s '%s' is %s, %s %s", where,
		    shapes_esc_name(e, vi->value),
		    shapes_type_str(t, a, sizeof(a)), what,
		    shapes_type_str(d, b, sizeof(b)));
}

/* Is V a value of G whose declared type check_graph compares? */
static bool
declared(const struct ir_graph *g, const struct ir_value *v)
{
	return v != NULL && v->graph == g && v->kind == IR_VALUE_NODE &&
	    v->producer != NULL;
}

/* The derived type of declared value V, NULL when none was derived. */
static const struct ir_type *
derived(const struct frame *f, const struct ir_value *v)
{
	const struct ir_type *d = shapes_pmap_get(&f->der, v);

	return d != NULL && d->kind != IR_TYPE_NONE ? d : NULL;
}

/* Slots in F->der for the values whose declarations G holds. */
static int
want_derived(struct sh *s, struct frame *f)
{
	struct ir_graph *g = f->g;
	size_t i, n = g->noutputs + g->nvalue_info;

	for (i = 0; i < n; i++) {
		struct ir_value *v = i < g->noutputs ? g->outputs[i].value :
		    g->value_info[i - g->noutputs].value;
		struct ir_type *d;

		if (!declared(g, v) || shapes_pmap_get(&f->der, v) != NULL)
			continue;
		if ((d = arena_alloc(&s->tmp, sizeof(*d))) == NULL ||
		    shapes_pmap_put(&s->tmp, &f->der, v, d) < 0)
			return -1;
	}
	return 0;
}

static void
check_graph(struct sh *s, struct frame *f)
{
	struct ir_graph *g = f->g;
	const struct ir_type *d;
	size_t i;

	if (s->fn == NULL)
		return;
	for (i = 0; i < g->noutputs; i++) {
		struct ir_value *v = g->outputs[i].value;

		if (declared(g, v) && (d = derived(f, v)) != NULL)
			check_decl(s, &g->outputs[i], d, "graph output");
	}
	for (i = 0; i < g->nvalue_info; i++) {
		struct ir_value *v = g->value_info[i].value;

		if (declared(g, v) && (d = derived(f, v)) != NULL)
			check_decl(s, &g->value_info[i], d, "value_info");
		/* an initializer's own dims are its type */
		if (v != NULL && v->graph == g &&
		    v->kind == IR_VALUE_INITIALIZER && v->init != NULL &&
		    !v->duplicate)
			check_decl(s, &g->value_info[i], base_of(v),
			    "value_info");
	}
}

/* Are DIMS those of an input's type (model memory, shared as is)?
 * Types that pass a shape through (Relu, Neg, Cast, ...) end up so. */
static bool
input_dims(const struct ir_node *n, const struct ir_dim *dims)
{
	size_t i;

	for (i = 0; dims != NULL && i < n->ninputs; i++)
		if (n->inputs[i] != NULL && n->inputs[i]->type.dims == dims)
			return true;
	return false;
}

static int
infer_node(struct sh *s, struct frame *f, struct ir_node *n)
{
	const struct shapes_op_entry *e = NULL;
	struct ir_graph *body;
	struct ir_type *out;
	size_t i;

	if (n->noutputs == 0)
		return 0;
	if (arena_grow(&s->tmp, (void **)&s->out, &s->capout, n->noutputs,
	    sizeof(*s->out)) < 0)
		return -1;
	out = s->out;
	memset(out, 0, n->noutputs * sizeof(*out));
	for (i = 0; i < n->noutputs; i++)
		out[i].rank = -1;
	/* ranks beyond SH_MAX_RANK are not worth the arithmetic (and the
	 * operators count on it: their per-axis arrays hold SH_MAX_RANK
	 * entries, and shapes_mk gives no dims beyond it); a function body's
	 * attribute references have no value yet */
	for (i = 0; i < n->ninputs; i++)
		if (in_rank(n, i) > SH_MAX_RANK)
			goto merge;
	for (i = 0; i < n->nattrs; i++)
		if (n->attrs[i].ref_attr_name != NULL)
			goto merge;
	for (i = 0; i < 4; i++)
		if (s->last[i].op == n->op_type &&
		    s->last[i].domain == n->domain)
			break;
	if (i < 4) {
		e = s->last[i].e;
	} else {
		if (ir_domain_is_onnx(n->domain))
			e = hmap_get(&s->ops, n->op_type);
		else if (strcmp(n->domain, "com.microsoft") == 0)
			e = hmap_get(&s->ms_ops, n->op_type);
		memmove(s->last + 1, s->last, 3 * sizeof(s->last[0]));
		s->last[0].op = n->op_type;
		s->last[0].domain = n->domain;
		s->last[0].e = e;
	}
	shapes_check_node(s, n);
	if (e != NULL && e->fn(s, n, out) < 0)
		return -1;
	if (e == NULL && (body = shapes_pmap_get(&s->calls, n)) != NULL)
		for (i = 0; i < n->noutputs; i++)
			if (shapes_gout(body, i) != NULL)
				out[i] = *shapes_gout(body, i);
merge:
	for (i = 0; i < n->noutputs; i++) {
		struct ir_value *v = n->outputs[i];
		struct ir_type t, *d;

		if (v == NULL || v->producer != n)
			continue;
		if (out[i].kind == IR_TYPE_TENSOR && v->graph == f->g &&
		    (d = shapes_pmap_get(&f->der, v)) != NULL)
			*d = out[i];
		if (merge(s, base_of(v), &out[i], &t) < 0 ||
		    store(s, v, &t, input_dims(n, t.dims)) < 0)
			return -1;
		v->type_derived = derived_all(&out[i], &v->type);
		v->elem_derived = out[i].kind == IR_TYPE_TENSOR &&
		    out[i].elem != 0 && v->type.kind == IR_TYPE_TENSOR &&
		    out[i].elem == v->type.elem;
	}
	return 0;
}

/* Before a Loop body runs: types of its inputs from the Loop's. */
static int
enter_loop(struct sh *s, struct ir_node *n)
{
	struct ir_graph *b = shapes_subgraph(n, "body");
	size_t i;

	if (b == NULL || b->ninputs < 2 || b->ninputs != n->ninputs)
		return 0;
	for (i = 0; i < b->ninputs; i++) {
		struct ir_value *v = b->inputs[i].value;
		struct ir_type t, d;

		if (v == NULL || v->graph != b)
			continue;
		if (i < 2) {
			if (shapes_mk(s, &d, i == 0 ? IR_ELEM_INT64 :
			    IR_ELEM_BOOL, -1) < 0)
				return -1;
		} else {
			/* loop-carried shapes may change per iteration:
			 * only the element type is sure */
			if (shapes_mk(s, &d, in_elem(n, i), -1) < 0)
				return -1;
		}
		if (merge(s, base_of(v), &d, &t) < 0 || commit(s, v, &t) < 0)
			return -1;
	}
	return 0;
}

/* The key of a function or call in s->calls bookkeeping. */
static const char *
fkey(struct sh *s, const char *domain, const char *name)
{
	return arena_printf(&s->tmp, "%s\x01%s", domain ? domain : "",
	    name ? name : "");
}

/*
 * Local functions called exactly once get that call's input types (a
 * body holds one type per value, so several call sites would mix).
 */
static int
find_calls(struct sh *s)
{
	struct hmap count;
	struct ir_graph **gs;
	size_t ng, i, j;
	int pass;

	if (s->m->nfunctions == 0)
		return 0;
	hmap_init(&count, &s->tmp);
	for (i = 0; i < s->m->nfunctions; i++) {
		struct ir_function *fn = s->m->functions[i];
		const char *k = fkey(s, fn->domain, fn->name);

		if (k == NULL)
			return -1;
		/* a name defined twice (or overloaded) is ambiguous */
		if (hmap_set(&count, k, fn->body == NULL ||
		    hmap_get(&count, k) != NULL ? (void *)&count :
		    (void *)fn) < 0)
			return -1;
	}
	ng = ir_model_graphs(s->m, &gs);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < ng; i++)
			for (j = 0; j < gs[i]->nnodes; j++) {
				struct ir_node *n = gs[i]->nodes[j];
				const char *k;
				struct ir_function *fn;

				if (n->dead || ir_domain_is_onnx(n->domain))
					continue;
				if ((k = fkey(s, n->domain, n->op_type)) ==
				    NULL)
					return -1;
				fn = hmap_get(&count, k);
				if (fn == NULL || fn == (void *)&count)
					continue;
				if (pass == 0 &&
				    shapes_pmap_get(&s->calls, fn) != NULL) {
					/* a second call site: walking, each
					 * call enters the body anyway */
					if (s->walk == NULL && hmap_set(&count,
					    k, (void *)&count) < 0)
						return -1;
					continue;
				}
				if (pass == 0 && shapes_pmap_put(&s->tmp,
				    &s->calls, fn, n) < 0)
					return -1;
				if (pass == 1 && shapes_pmap_put(&s->tmp,
				    &s->calls, n, fn->body) < 0)
					return -1;
			}
	return 0;
}

/* Before a function body runs for its one call: the call's input
 * types. */
static int
enter_call(struct sh *s, struct ir_node *n, struct ir_graph *b)
{
	size_t i;

	for (i = 0; i < b->ninputs && i < n->ninputs; i++) {
		struct ir_value *v = b->inputs[i].value;
		const struct ir_value *x = n->inputs[i];
		struct ir_type t;

		if (v == NULL || v->graph != b || x == NULL)
			continue;
		if (merge(s, base_of(v), &x->type, &t) < 0 ||
		    commit(s, v, &t) < 0)
			return -1;
	}
	return shapes_pmap_put(&s->tmp, &s->entered, b, b);
}

/*
 * Does node I of G's list keep the list in topological order: live,
 * numbered I, and nothing it uses comes from a node of G at or after it?
 */
static bool
in_order(const struct ir_graph *g, size_t i)
{
	const struct ir_node *n = g->nodes[i];
	size_t j;

	if (n->dead || n->index != i)
		return false;
	for (j = 0; j < n->ninputs + n->nimplicit; j++) {
		const struct ir_value *v = j < n->ninputs ? n->inputs[j] :
		    n->implicit[j - n->ninputs];

		if (v != NULL && v->producer != NULL &&
		    v->producer->graph == g && v->producer->index >= i)
			return false;
	}
	return true;
}

/*
 * Usually a graph's node list is in topological order already: a frame
 * takes the nodes as they are and checks each one as it comes to it
 * (in_order), while it reads that node anyway.  The first one out of
 * order (or dead) switches the frame to the stable topological order,
 * whose first F->pos nodes are the ones done (ir_graph_toposort keeps
 * a prefix of live nodes in order where it is), and inference goes on
 * from there.  Dead nodes are skipped in either order.
 */
static int
check_order(struct sh *s, struct frame *f)
{
	struct ir_graph *g = f->g;
	struct ir_node *cycle;

	if (!f->unchecked || in_order(g, f->pos))
		return 0;
	f->unchecked = false;
	f->order = arena_array(&s->tmp, g->nnodes + 1, sizeof(*f->order));
	if (f->order == NULL)
		return -1;
	return ir_graph_toposort(g, f->order, &cycle) < 0 ? -1 : 0;
}

/* Before a Scan body runs: state elements, scan inputs sliced. */
static int
enter_scan(struct sh *s, struct ir_node *n)
{
	struct ir_graph *b;
	size_t nstate, i, na;
	const int64_t *ax = ir_attr_ints(n, "scan_input_axes", &na);

	if (shapes_scan_counts(n, &b, &nstate) < 0)
		return 0;
	for (i = 0; i < b->ninputs; i++) {
		struct ir_value *v = b->inputs[i].value;
		const struct ir_type *x = in_t(n, i);
		struct ir_type t, d;
		int a, j, p;

		if (v == NULL || v->graph != b || x == NULL)
			continue;
		if (i < nstate || x->rank < 1) {
			if (shapes_mk(s, &d, x->elem, -1) < 0)
				return -1;
		} else {
			if (shapes_mk(s, &d, x->elem, x->rank - 1) < 0)
				return -1;
			a = norm_axis(ax && i - nstate < na ? ax[i - nstate] :
			    0, x->rank);
			/* d is unranked, too, when x is of a rank above
			 * SH_MAX_RANK + 1 */
			if (a < 0 || d.rank < 0) {
				d.rank = -1;
				a = -1;
			}
			for (j = 0, p = 0; a >= 0 && j < x->rank; j++)
				if (j != a)
					d.dims[p++] = x->dims[j];
		}
		if (merge(s, base_of(v), &d, &t) < 0 || commit(s, v, &t) < 0)
			return -1;
	}
	return 0;
}

static int
push(struct sh *s, struct frame **stack, size_t *n, size_t *cap,
    struct ir_graph *g)
{
	struct frame *f;
	size_t i;

	if (arena_grow(&s->tmp, (void **)stack, cap, *n + 1,
	    sizeof(**stack)) < 0)
		return -1;
	f = &(*stack)[(*n)++];
	memset(f, 0, sizeof(*f));
	f->g = g;
	if (s->fn != NULL && want_derived(s, f) < 0)
		return -1;
	/* declared inputs and initializers: negative dims are unknown */
	for (i = 0; i < g->nvalues; i++) {
		struct ir_value *v = g->values[i];
		struct ir_type t;

		/* a large graph's values are more than the cache holds:
		 * ask for later ones while this one is read */
		if (i + 16 < g->nvalues)
			__builtin_prefetch(g->values[i + 16]);
		if (v->kind == IR_VALUE_NODE || !ir_type_has_negative(base_of(v)))
			continue;
		if (merge(s, base_of(v), NULL, &t) < 0 || commit(s, v, &t) < 0)
			return -1;
	}
	f->order = g->nodes;
	f->unchecked = true;
	return 0;
}

/*
 * N's attributes with each function attribute reference replaced by
 * the attribute of ENV (NENV of them) it names, under N's name; one ENV
 * lacks is left out, as a call that does not give it leaves it unset.
 * Into *OUT (NULL: N has no reference, nothing to do), from *BUF (*CAP
 * entries, grown in the run's memory) when REUSE, else fresh.  0, -1
 * out of budget.
 */
static int
resolve_attrs(struct sh *s, const struct ir_node *n, const struct ir_attr *env,
    size_t nenv, struct ir_attr **buf, size_t *cap, bool reuse,
    struct ir_attr **out, size_t *nout)
{
	struct ir_attr *v;
	size_t i, j, k = 0;
	bool any = false;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < n->nattrs && !any; i++)
		any = n->attrs[i].ref_attr_name != NULL;
	if (!any)
		return 0;
	if (reuse) {
		void *p = *buf;

		if (arena_grow(&s->tmp, &p, cap, n->nattrs + 1,
		    sizeof(**buf)) < 0)
			return -1;
		*buf = p;
		v = *buf;
	} else if ((v = arena_array(&s->tmp, n->nattrs + 1,
	    sizeof(*v))) == NULL) {
		return -1;
	}
	for (i = 0; i < n->nattrs; i++) {
		const struct ir_attr *a = &n->attrs[i];

		if (a->ref_attr_name == NULL) {
			v[k++] = *a;
			continue;
		}
		for (j = 0; j < nenv; j++)
			if (env[j].name != NULL &&
			    strcmp(env[j].name, a->ref_attr_name) == 0)
				break;
		if (j == nenv || env[j].ref_attr_name != NULL)
			continue;
		v[k] = env[j];
		v[k++].name = a->name;
	}
	*out = v;
	*nout = k;
	return 0;
}

/* What shapes_walk_calls may add to the memory of the run and of the
 * model, for the types and constants of its instances. */
#define WALK_MEMORY ((size_t)32 << 20)

/* Is G the graph of one of the N frames of STACK (a body on the way
 * to a call of itself)? */
static bool
on_stack(const struct frame *stack, size_t n, const struct ir_graph *g)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (stack[i].g == g)
			return true;
	return false;
}

static int
run_graph(struct sh *s, struct ir_graph *root)
{
	struct frame *stack = NULL;
	size_t n = 0, cap = 0;

	if (push(s, &stack, &n, &cap, root) < 0)
		return -1;
	while (n > 0) {
		struct frame *f = &stack[n - 1];
		struct ir_graph *subs[16], *body;
		struct ir_node *nd;
		size_t k, i;

		if (f->pos == f->g->nnodes) {
			check_graph(s, f);
			n--;
			continue;
		}
		if (check_order(s, f) < 0)
			return -1;
		nd = f->order[f->pos];
		if (nd->dead) {
			f->pos++;
			continue;
		}
		k = ir_node_subgraphs(nd, NULL, 0);
		body = shapes_pmap_get(&s->calls, nd);
		if (body != NULL && !f->entered && (s->walk != NULL ?
		    !on_stack(stack, n, body) :
		    shapes_pmap_get(&s->entered, body) == NULL)) {
			const struct ir_node *call = f->call ? f->call : nd;
			struct ir_attr *env = nd->attrs;
			size_t nenv = nd->nattrs;

			f->entered = true;
			/* each instance takes memory for its types: past
			 * WALK_MEMORY of it, no call is entered either */
			if (s->walk != NULL && (s->walk_left == 0 ||
			    s->tmp.total + s->m->arena.total > s->walk_mem)) {
				s->walk_left = 0;
				s->walk(s->walk_arg, nd, call, true);
			} else {
				/* the call's own references, resolved
				 * against the body it is in */
				if (s->walk != NULL && f->has_env) {
					struct ir_attr *r;
					size_t nr;

					if (resolve_attrs(s, nd, f->env,
					    f->nenv, NULL, NULL, false, &r,
					    &nr) < 0)
						return -1;
					if (r != NULL) {
						env = r;
						nenv = nr;
					}
				}
				if (enter_call(s, nd, body) < 0 ||
				    push(s, &stack, &n, &cap, body) < 0)
					return -1;
				stack[n - 1].call = call;
				stack[n - 1].env = env;
				stack[n - 1].nenv = nenv;
				stack[n - 1].has_env = s->walk != NULL;
				continue;
			}
		}
		if (k > 0 && !f->entered) {
			const struct ir_node *call = f->call;
			const struct ir_attr *env = f->env;
			size_t nenv = f->nenv;
			bool has_env = f->has_env;
			struct ir_graph **gs = subs;

			f->entered = true;
			if (k > 16 && (gs = arena_array(&s->tmp, k,
			    sizeof(*gs))) == NULL)
				return -1;
			ir_node_subgraphs(nd, gs, k);
			if (ir_domain_is_onnx(nd->domain) &&
			    strcmp(nd->op_type, "Loop") == 0 &&
			    enter_loop(s, nd) < 0)
				return -1;
			if (ir_domain_is_onnx(nd->domain) &&
			    strcmp(nd->op_type, "Scan") == 0 &&
			    enter_scan(s, nd) < 0)
				return -1;
			for (i = k; i > 0; i--) {
				if (push(s, &stack, &n, &cap, gs[i - 1]) < 0)
					return -1;
				stack[n - 1].call = call;
				stack[n - 1].env = env;
				stack[n - 1].nenv = nenv;
				stack[n - 1].has_env = has_env;
			}
			continue;
		}
		{
			/* walking a body: the node as this call gives its
			 * attributes, while it is inferred and reported */
			struct ir_attr *saved = nd->attrs, *r = NULL;
			size_t nsaved = nd->nattrs, nr = 0;

			if (f->has_env && resolve_attrs(s, nd, f->env, f->nenv,
			    &s->rattr, &s->caprattr, true, &r, &nr) < 0)
				return -1;
			if (r != NULL) {
				nd->attrs = r;
				nd->nattrs = nr;
			}
			if (infer_node(s, f, nd) < 0) {
				nd->attrs = saved;
				nd->nattrs = nsaved;
				return -1;
			}
			if (s->walk != NULL && f->call != NULL) {
				if (s->walk_left > 0)
					s->walk_left--;
				s->walk(s->walk_arg, nd, f->call, false);
			}
			nd->attrs = saved;
			nd->nattrs = nsaved;
		}
		f->pos++;
		f->entered = false;
	}
	return 0;
}

static int
infer(struct ir_model *m, shapes_report_fn *fn, void *arg,
    shapes_const_fn *cfn, void *carg, bool consts_only,
    shapes_call_fn *walk, void *walk_arg, size_t walk_budget)
{
	struct sh s;
	size_t i;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.walk = walk;
	s.walk_arg = walk_arg;
	s.walk_left = walk_budget;
	/* at most WALK_MEMORY, and half of what the budget has left */
	{
		size_t more = WALK_MEMORY;
		const struct budget *b = m->budget;

		if (b != NULL && b->limit > 0)
			more = b->used >= b->limit ? 0 :
			    (b->limit - b->used) / 2 < more ?
			    (b->limit - b->used) / 2 : more;
		s.walk_mem = m->arena.total + more;
	}
	s.consts_only = consts_only;
	s.m = m;
	s.fn = fn;
	s.arg = arg;
	s.init_inputs_const = m->has_ir_version && m->ir_version < 4;
	arena_init(&s.tmp, m->budget);
	hmap_init(&s.ops, &s.tmp);
	hmap_init(&s.ms_ops, &s.tmp);
	for (i = 0; i < shapes_op_count; i++)
		if (hmap_set(&s.ops, shapes_op_table[i].name,
		    (void *)&shapes_op_table[i]) < 0) {
			rc = -1;
			goto out;
		}
	for (i = 0; i < shapes_ms_count; i++)
		if (hmap_set(&s.ms_ops, shapes_ms_table[i].name,
		    (void *)&shapes_ms_table[i]) < 0) {
			rc = -1;
			goto out;
		}
	if ((fn != NULL && shapes_check_init(&s) < 0) || find_calls(&s) < 0) {
		rc = -1;
		goto out;
	}
	if (m->graph != NULL && run_graph(&s, m->graph) < 0) {
		rc = -1;
		goto out;
	}
	/* bodies no call entered (walking, their nodes belong to no call) */
	for (i = 0; walk == NULL && i < m->nfunctions; i++)
		if (m->functions[i]->body != NULL &&
		    shapes_pmap_get(&s.entered,
		    m->functions[i]->body) == NULL &&
		    run_graph(&s, m->functions[i]->body) < 0) {
			rc = -1;
			goto out;
		}
	/* the constants, while they exist */
	for (i = 0; cfn != NULL && i < s.consts.cap; i++) {
		const struct sconst *c = s.consts.v[i].val;

		if (s.consts.v[i].key != NULL && c != NULL)
			cfn(carg, s.consts.v[i].key, c->e, c->n);
	}
out:
	arena_release(&s.tmp);
	return rc;
}

int
shapes_infer_report(struct ir_model *m, shapes_report_fn *fn, void *arg)
{
	return infer(m, fn, arg, NULL, NULL, false, NULL, NULL, 0);
}

int
shapes_infer_plain(struct ir_model *m, shapes_report_fn *fn, void *arg)
{
	return infer(m, fn, arg, NULL, NULL, true, NULL, NULL, 0);
}

int
shapes_infer_consts(struct ir_model *m, shapes_const_fn *fn, void *arg)
{
	return infer(m, NULL, NULL, fn, arg, false, NULL, NULL, 0);
}

int
shapes_infer(struct ir_model *m)
{
	return shapes_infer_report(m, NULL, NULL);
}

int
shapes_walk_calls(struct ir_model *m, shapes_call_fn *fn, void *arg,
    size_t budget)
{
	if (infer(m, NULL, NULL, NULL, NULL, false, fn, arg, budget) < 0)
		return -1;
	return shapes_infer(m);
}
