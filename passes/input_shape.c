/* SPDX-License-Identifier: MIT */
/*
 * fix --input-shape NAME=D1,D2,... and --dim-param NAME=VALUE: fix the
 * dims of graph inputs before the rewrites, so that shape inference
 * propagates them and the fold pass folds what becomes constant (Shape
 * of a static tensor, the arithmetic after it).
 *
 * Every option is checked against the model first, and nothing changes
 * unless all of them fit (F400 names the input and what contradicts):
 * an input that does not exist or is given twice, a dim count that is
 * not the input's rank, a value that contradicts a static dim, a
 * dim_param that would get two values (through two inputs, or an input
 * and --dim-param), a --dim-param that no input uses.
 *
 * A dim_param names a size for the whole model (equal names are equal
 * sizes), so a value given to it, by --dim-param or by an --input-shape
 * dim where the input declares it, replaces it in every declaration:
 * graph inputs, outputs and value_info of every graph.  An --input-shape
 * dim may also be a name, which makes that dim symbolic by that name.
 * Only declarations change: no tensor is read.
 *
 *	before:	input x: float[N,3,H,W]	  Shape(x) -> Gather -> Reshape ...
 *	--input-shape x=1,3,224,224
 *	after:	input x: float[1,3,224,224]	  (fold: Reshape to a constant)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ir/shapes.h"
#include "onnxfix.h"

/* A value given to a dim_param, and by what (for messages). */
struct pin {
	const char *param;
	int64_t value;
	const char *by;
};

struct is {
	struct ir_model *m;
	struct diag_list *d;
	struct arena *a;
	struct pin *pins;
	size_t npins, cappins;
	bool bad;
	bool oom;
};

/* A non-negative decimal number of at most 18 digits, else -1. */
static int64_t
parse_dim(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;

	if (n == 0 || n > 18)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* Could S (N bytes) be a dim_param name rather than a mistyped number? */
static bool
is_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || (s[0] >= '0' && s[0] <= '9') || s[0] == '-' ||
	    s[0] == '+')
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '=')
			return false;
	return true;
}

static struct pin *
pin_find(struct is *s, const char *param)
{
	size_t i;

	for (i = 0; i < s->npins; i++)
		if (strcmp(s->pins[i].param, param) == 0)
			return &s->pins[i];
	return NULL;
}

/* PARAM = VALUE, said by BY; an error when PARAM has another value. */
static void
pin_add(struct is *s, const char *param, int64_t value, const char *by)
{
	char e[DIAG_ESCAPE_SIZE], f[DIAG_ESCAPE_SIZE], g[DIAG_ESCAPE_SIZE];
	struct pin *p = pin_find(s, param);

	if (by == NULL) {
		s->oom = true;
		return;
	}
	if (p != NULL) {
		if (p->value != value) {
			diag_report(s->d, DIAG_F_SHAPE_BAD, "", "dim_param "
			    "'%s' is given two values: %" PRId64 " by %s and "
			    "%" PRId64 " by %s", diag_esc(e, param), p->value,
			    diag_esc(f, p->by), value, diag_esc(g, by));
			s->bad = true;
		}
		return;
	}
	if (arena_grow(s->a, (void **)&s->pins, &s->cappins, s->npins + 1,
	    sizeof(*s->pins)) < 0) {
		s->oom = true;
		return;
	}
	s->pins[s->npins].param = param;
	s->pins[s->npins].value = value;
	s->pins[s->npins++].by = by;
}

/* The main graph's input NAME that is not an initializer, or NULL. */
static struct ir_vinfo *
find_input(struct ir_graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->ninputs; i++) {
		struct ir_vinfo *vi = &g->inputs[i];

		if (strcmp(vi->name, name) == 0 &&
		    (vi->value == NULL || vi->value->init == NULL))
			return vi;
	}
	return NULL;
}

/* The names of the main graph's real inputs, for a message. */
static const char *
input_names(struct is *s)
{
	char e[DIAG_ESCAPE_SIZE];
	struct ir_graph *g = s->m->graph;
	const char *out = "";
	size_t i;

	for (i = 0; i < g->ninputs && out != NULL; i++)
		if (g->inputs[i].value == NULL ||
		    g->inputs[i].value->init == NULL)
			out = arena_printf(s->a, "%s%s'%s'", out,
			    out[0] ? ", " : "", diag_esc(e, g->inputs[i].name));
	return out != NULL ? out : "";
}

/* One --input-shape SPEC: checked, its dims into *DIMS (rank *RANK) and
 * the dim_params it gives values to pinned.  NULL when it is refused. */
static struct ir_vinfo *
parse_spec(struct is *s, const char *spec, struct ir_dim **dims, int *rank)
{
	char e[DIAG_ESCAPE_SIZE], f[DIAG_ESCAPE_SIZE], ty[512];
	const char *eq = strrchr(spec, '='), *p;
	const char *name;
	struct ir_vinfo *vi;
	const struct ir_type *t;
	int n = 1, i;

	if (eq == NULL || eq == spec) {
		diag_report(s->d, DIAG_F_SHAPE_BAD, "", "--input-shape '%s' "
		    "is not NAME=D1,D2,...", diag_esc(e, spec));
		s->bad = true;
		return NULL;
	}
	if ((name = arena_strndup(s->a, spec, (size_t)(eq - spec))) == NULL) {
		s->oom = true;
		return NULL;
	}
	if ((vi = find_input(s->m->graph, name)) == NULL) {
		diag_report(s->d, DIAG_F_SHAPE_BAD, "", "--input-shape names "
		    "'%s', which is not a graph input (inputs: %s)",
		    diag_esc(e, name), input_names(s));
		s->bad = true;
		return NULL;
	}
	t = &vi->type;
	if (t->kind != IR_TYPE_TENSOR) {
		diag_report(s->d, DIAG_F_SHAPE_BAD, "", "input '%s' is not a "
		    "tensor (%s)", diag_esc(e, name), shapes_type_str(t, ty,
		    sizeof(ty)));
		s->bad = true;
		return NULL;
	}
	for (p = eq + 1; *p; p++)
		if (*p == ',')
			n++;
	if (n > 64) {
		diag_report(s->d, DIAG_F_SHAPE_BAD, "", "input '%s': %d dims "
		    "given, at most 64", diag_esc(e, name), n);
		s->bad = true;
		return NULL;
	}
	if (t->rank >= 0 && t->rank != n) {
		diag_report(s->d, DIAG_F_SHAPE_BAD, "", "input '%s' has rank "
		    "%d (%s); --input-shape gives %d dims", diag_esc(e, name),
		    t->rank, shapes_type_str(t, ty, sizeof(ty)), n);
		s->bad = true;
		return NULL;
	}
	if ((*dims = arena_array(s->a, (size_t)n, sizeof(**dims))) == NULL) {
		s->oom = true;
		return NULL;
	}
	*rank = n;
	for (i = 0, p = eq + 1; i < n; i++) {
		const char *q = strchr(p, ',');
		size_t len = q != NULL ? (size_t)(q - p) : strlen(p);
		int64_t v = parse_dim(p, len);
		const struct ir_dim *old = t->rank >= 0 ? &t->dims[i] : NULL;

		if (v >= 0) {
			(*dims)[i].kind = IR_DIM_VALUE;
			(*dims)[i].value = v;
		} else if (is_name(p, len)) {
			(*dims)[i].kind = IR_DIM_PARAM;
			(*dims)[i].param = arena_strndup(s->a, p, len);
			if ((*dims)[i].param == NULL) {
				s->oom = true;
				return NULL;
			}
		} else {
			char *tok = arena_strndup(s->a, p, len);

			diag_report(s->d, DIAG_F_SHAPE_BAD, "", "input '%s' "
			    "dim %d: '%s' is neither a size (0 or more) nor "
			    "a dim_param name", diag_esc(e, name), i,
			    tok != NULL ? diag_esc(f, tok) : "?");
			s->bad = true;
			return NULL;
		}
		if (old != NULL && old->kind == IR_DIM_VALUE &&
		    ((*dims)[i].kind != IR_DIM_VALUE ||
		    (*dims)[i].value != old->value)) {
			diag_report(s->d, DIAG_F_SHAPE_BAD, "", "input '%s' "
			    "dim %d is %" PRId64 " (%s); --input-shape gives "
			    "%.*s", diag_esc(e, name), i, old->value,
			    shapes_type_str(t, ty, sizeof(ty)), (int)len, p);
			s->bad = true;
		} else if (old != NULL && old->kind == IR_DIM_PARAM &&
		    (*dims)[i].kind == IR_DIM_VALUE) {
			pin_add(s, old->param, v, arena_printf(s->a,
			    "--input-shape %s (dim %d)", spec, i));
		}
		p = q != NULL ? q + 1 : p + len;
	}
	return s->bad ? NULL : vi;
}

/* Does any real input of the main graph use dim_param P? */
static bool
param_used(struct ir_graph *g, const char *p)
{
	size_t i;
	int k;

	for (i = 0; i < g->ninputs; i++) {
		const struct ir_type *t = &g->inputs[i].type;

		if (t->kind != IR_TYPE_TENSOR)
			continue;
		for (k = 0; k < t->rank; k++)
			if (t->dims[k].kind == IR_DIM_PARAM &&
			    strcmp(t->dims[k].param, p) == 0)
				return true;
	}
	return false;
}

/* Set VI's declared type to T (dims shared), and its value's. */
static void
set_type(struct ir_vinfo *vi, const struct ir_type *t)
{
	vi->type = *t;
	vi->type.dirty = true;
	if (vi->value != NULL && vi->value->type.kind == IR_TYPE_TENSOR) {
		vi->value->type = vi->type;
		vi->value->type_inferred = false;
		memset(&vi->value->type_decl, 0,
		    sizeof(vi->value->type_decl));
	}
}

/* Replace the pinned dim_params of VI by their values; 1 when it
 * changed, -1 out of budget. */
static int
apply_pins(struct is *s, struct ir_vinfo *vi)
{
	struct ir_type t = vi->type;
	struct ir_dim *dims = NULL;
	int k;

	if (t.kind != IR_TYPE_TENSOR || t.rank <= 0)
		return 0;
	for (k = 0; k < t.rank; k++) {
		const struct pin *p;

		if (t.dims[k].kind != IR_DIM_PARAM ||
		    (p = pin_find(s, t.dims[k].param)) == NULL)
			continue;
		if (dims == NULL) {
			dims = arena_array(s->a, (size_t)t.rank,
			    sizeof(*dims));
			if (dims == NULL)
				return -1;
			memcpy(dims, t.dims, (size_t)t.rank * sizeof(*dims));
		}
		dims[k].kind = IR_DIM_VALUE;
		dims[k].value = p->value;
		dims[k].param = NULL;
	}
	if (dims == NULL)
		return 0;
	t.dims = dims;
	set_type(vi, &t);
	return 1;
}

/*
 * After inference: the dims of VI's declaration that are symbolic or
 * unknown where inference now proves a size take that size (an output
 * declared [Gemm_dim_0,1000] becomes [1,1000]).  -1 out of budget.
 */
static int
refine(struct is *s, struct ir_vinfo *vi)
{
	const struct ir_value *v = vi->value;
	struct ir_type t = vi->type;
	struct ir_dim *dims = NULL;
	int k;

	if (v == NULL || t.kind != IR_TYPE_TENSOR || t.rank <= 0 ||
	    v->type.kind != IR_TYPE_TENSOR || v->type.rank != t.rank)
		return 0;
	for (k = 0; k < t.rank; k++) {
		if (t.dims[k].kind == IR_DIM_VALUE ||
		    v->type.dims[k].kind != IR_DIM_VALUE)
			continue;
		if (dims == NULL) {
			dims = arena_array(s->a, (size_t)t.rank,
			    sizeof(*dims));
			if (dims == NULL)
				return -1;
			memcpy(dims, t.dims, (size_t)t.rank * sizeof(*dims));
		}
		dims[k] = v->type.dims[k];
	}
	if (dims != NULL) {
		vi->type.dims = dims;
		vi->type.dirty = true;
	}
	return 0;
}

enum onnxfix_status
onnxfix_input_shapes(struct ir_model *m, const struct onnxfix_options *o,
    struct diag_list *d)
{
	char e[DIAG_ESCAPE_SIZE], f[DIAG_ESCAPE_SIZE], b1[512], b2[512];
	struct ir_vinfo **vis;
	struct ir_dim **dims;
	struct ir_graph **graphs;
	int *ranks;
	struct is s;
	size_t i, j, k, ng;

	if (o == NULL || (o->ninput_shapes == 0 && o->ndim_params == 0))
		return ONNXFIX_OK;
	memset(&s, 0, sizeof(s));
	s.m = m;
	s.d = d;
	s.a = &m->arena;
	vis = arena_array(s.a, o->ninput_shapes + 1, sizeof(*vis));
	dims = arena_array(s.a, o->ninput_shapes + 1, sizeof(*dims));
	ranks = arena_array(s.a, o->ninput_shapes + 1, sizeof(*ranks));
	if (vis == NULL || dims == NULL || ranks == NULL)
		goto oom;
	for (i = 0; i < o->ndim_params; i++) {
		const char *spec = o->dim_params[i];
		const char *eq = strrchr(spec, '=');
		const char *name;
		int64_t v;

		if (eq == NULL || eq == spec ||
		    (v = parse_dim(eq + 1, strlen(eq + 1))) < 0) {
			diag_report(d, DIAG_F_SHAPE_BAD, "", "--dim-param '%s' "
			    "is not NAME=VALUE with a size of 0 or more",
			    diag_esc(e, spec));
			s.bad = true;
			continue;
		}
		if ((name = arena_strndup(s.a, spec, (size_t)(eq - spec))) ==
		    NULL)
			goto oom;
		if (!param_used(m->graph, name)) {
			diag_report(d, DIAG_F_SHAPE_BAD, "", "--dim-param "
			    "names '%s', which no graph input uses",
			    diag_esc(e, name));
			s.bad = true;
			continue;
		}
		pin_add(&s, name, v, arena_printf(s.a, "--dim-param %s",
		    spec));
	}
	for (i = 0; i < o->ninput_shapes; i++) {
		vis[i] = parse_spec(&s, o->input_shapes[i], &dims[i],
		    &ranks[i]);
		if (s.oom)
			goto oom;
		for (j = 0; vis[i] != NULL && j < i; j++)
			if (vis[j] == vis[i]) {
				diag_report(d, DIAG_F_SHAPE_BAD, "", "input "
				    "'%s' is given two --input-shape options",
				    diag_esc(e, vis[i]->name));
				s.bad = true;
			}
	}
	if (s.oom)
		goto oom;
	if (s.bad)
		return ONNXFIX_EINPUT;

	/* everything fits: the named inputs first, then every declaration
	 * that uses a pinned dim_param */
	for (i = 0; i < o->ninput_shapes; i++) {
		struct ir_type t = vis[i]->type;

		shapes_type_str(&t, b1, sizeof(b1));
		t.rank = ranks[i];
		t.dims = dims[i];
		set_type(vis[i], &t);
		m->changed = true;
		diag_report(d, DIAG_F_SHAPE_SET, "", "input '%s': %s -> %s",
		    diag_esc(e, vis[i]->name), b1,
		    shapes_type_str(&t, b2, sizeof(b2)));
	}
	ng = ir_model_graphs(m, &graphs);
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];
		struct ir_vinfo *lists[3] = { g->inputs, g->outputs,
		    g->value_info };
		size_t counts[3] = { g->ninputs, g->noutputs, g->nvalue_info };

		for (j = 0; j < 3; j++)
			for (k = 0; k < counts[j]; k++) {
				struct ir_vinfo *vi = &lists[j][k];
				int r;

				shapes_type_str(&vi->type, b1, sizeof(b1));
				if ((r = apply_pins(&s, vi)) < 0)
					goto oom;
				if (r > 0)
					m->changed = true;
				if (r > 0 && g == m->graph && j == 0 &&
				    (vi->value == NULL ||
				    vi->value->init == NULL)) {
					diag_report(d, DIAG_F_SHAPE_SET, "",
					    "input '%s': %s -> %s",
					    diag_esc(f, vi->name), b1,
					    shapes_type_str(&vi->type, b2,
					    sizeof(b2)));
				}
			}
	}
	/* the declarations downstream say what inference now proves */
	if (shapes_infer(m) < 0)
		goto oom;
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];

		for (k = 0; k < g->noutputs; k++)
			if (refine(&s, &g->outputs[k]) < 0)
				goto oom;
		for (k = 0; k < g->nvalue_info; k++)
			if (refine(&s, &g->value_info[k]) < 0)
				goto oom;
	}
	if (shapes_infer(m) < 0)
		goto oom;
	return ONNXFIX_OK;
oom:
	diag_report(d, DIAG_LOAD_BUDGET, "", "fixing input shapes");
	return ONNXFIX_EBUDGET;
}
