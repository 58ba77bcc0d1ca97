/* SPDX-License-Identifier: MIT */
/*
 * BatchNormalization helpers shared by bn-check, bn-normalize and
 * bn-fold: conventions, attributes across opsets, constant parameters,
 * the impact of an epsilon change and new initializers (see bn.h).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bn.h"
#include "ir/irbuild.h"

bool
bn_is_bn(const struct ir_node *n)
{
	/* A node without X or Y is malformed (schema reports it); nothing
	 * here looks at it. */
	return !n->dead && ir_is_op(n, "BatchNormalization") &&
	    n->ninputs >= 1 &&
	    n->inputs[0] != NULL && n->noutputs >= 1 &&
	    n->outputs[0] != NULL;
}

static bool
get_float(const struct ir_node *n, const char *name, double *out)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL || a->type != IR_ATTR_FLOAT)
		return false;
	*out = a->f;
	return true;
}

static bool
get_int(const struct ir_node *n, const char *name, int64_t *out)
{
	const struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL || a->type != IR_ATTR_INT)
		return false;
	*out = a->i;
	return true;
}

/*
 * Training mode by the node's opset: opset >= 14 says so with
 * training_mode=1; opsets 7-13 by computing the statistics outputs;
 * opsets 1-6 by is_test=0 (the default).
 */
void
bn_read(const struct ir_node *n, struct bn_attrs *a)
{
	size_t i;

	memset(a, 0, sizeof(*a));
	a->opset = ir_node_opset(n);
	a->eps = BN_EPS_DEFAULT;
	a->momentum = BN_MOMENTUM_DEFAULT;
	a->has_eps = get_float(n, "epsilon", &a->eps);
	a->has_momentum = get_float(n, "momentum", &a->momentum);
	get_int(n, "training_mode", &a->training_mode);
	a->has_is_test = get_int(n, "is_test", &a->is_test);
	a->spatial = 1;
	a->has_spatial = get_int(n, "spatial", &a->spatial);
	a->has_consumed = ir_node_attr(n, "consumed_inputs") != NULL;
	for (i = 1; i < n->noutputs; i++) {
		const struct ir_value *v = n->outputs[i];

		if (v == NULL)
			continue;
		a->extra_outputs++;
		if (v->nuses > 0 || v->noutputs > 0)
			a->extra_used++;
	}
	if (a->opset >= 14)
		a->training = a->training_mode != 0;
	else if (a->opset >= 7)
		a->training = a->extra_outputs > 0;
	else
		a->training = a->is_test == 0;
}

/* Column headers: convention, epsilon, momentum (ONNX convention). */
static const struct {
	const char *name;
	double eps;
	double momentum;
} conv_table[] = {
	[ONNXFIX_CONV_NONE] = { "none", BN_EPS_DEFAULT, BN_MOMENTUM_DEFAULT },
	[ONNXFIX_CONV_ONNX] = { "onnx", 1e-5, 0.9 },
	[ONNXFIX_CONV_PYTORCH] = { "pytorch", 1e-5, 0.9 },
	[ONNXFIX_CONV_KERAS] = { "keras", 1e-3, 0.99 },
	[ONNXFIX_CONV_TF] = { "tf", 1.001e-5, -1 },
};

double
bn_conv_eps(enum onnxfix_convention c)
{
	return conv_table[c].eps;
}

double
bn_conv_momentum(enum onnxfix_convention c)
{
	return conv_table[c].momentum;
}

const char *
bn_conv_name(enum onnxfix_convention c)
{
	return conv_table[c].name;
}

bool
bn_float_eq(double a, double b)
{
	float fa = (float)a, fb = (float)b;

	return fabsf(fa - fb) <= 1e-4f * fmaxf(fabsf(fa), fabsf(fb));
}

bool
bn_conv_eps_ok(enum onnxfix_convention c, double eps)
{
	if (c == ONNXFIX_CONV_TF && bn_float_eq(eps, 1e-4))
		return true;
	return bn_float_eq(eps, bn_conv_eps(c));
}

const char *
bn_eps_origin(double eps)
{
	if (bn_float_eq(eps, 1e-5))
		return "ONNX/PyTorch default";
	if (bn_float_eq(eps, 1e-3))
		return "Keras default";
	if (bn_float_eq(eps, 1.001e-5))
		return "TF fused-BN clamp of 1e-5";
	if (bn_float_eq(eps, 1e-4))
		return "TF FusedBatchNorm default";
	return NULL;
}

const char *
bn_momentum_origin(double m)
{
	if (bn_float_eq(m, 0.9))
		return "ONNX default, PyTorch 0.1 exported";
	if (bn_float_eq(m, 0.99))
		return "Keras/Flax default";
	if (bn_float_eq(m, 0.1))
		return "PyTorch value stored without 1 - m";
	return NULL;
}

struct ir_tensor *
bn_const(const struct ir_value *v)
{
	const struct ir_node *p;
	const struct ir_attr *a;

	if (v == NULL)
		return NULL;
	if (v->kind == IR_VALUE_INITIALIZER)
		return v->sparse_init || v->is_input ? NULL : v->init;
	if (v->kind != IR_VALUE_NODE || (p = v->producer) == NULL ||
	    p->dead || strcmp(p->op_type, "Constant") != 0 ||
	    !ir_domain_is_onnx(p->domain) || p->nattrs != 1)
		return NULL;
	a = ir_node_attr(p, "value");
	return a != NULL && a->type == IR_ATTR_TENSOR ? a->t : NULL;
}

int64_t
bn_count(const struct ir_tensor *t)
{
	uint64_t c;

	if (t == NULL || ir_tensor_count(t, &c, NULL) < 0 ||
	    c > (uint64_t)1 << 40)
		return -1;
	return (int64_t)c;
}

int
bn_read_f64(struct arena *a, const struct ir_tensor *t, int64_t n,
    double **out)
{
	struct ir_tensor view;
	double *v;
	int64_t i;

	*out = NULL;
	if (t == NULL || n < 0 || bn_count(t) != n ||
	    (t->elem != IR_ELEM_FLOAT && t->elem != IR_ELEM_DOUBLE &&
	    t->elem != IR_ELEM_FLOAT16 && t->elem != IR_ELEM_BFLOAT16))
		return 1;
	/* External data read in; when it cannot be, no doubles are
	 * allocated for it. */
	t = ir_tensor_view(t, &view);
	if (t->storage != IR_DATA_RAW && t->storage != IR_DATA_TYPED)
		return 1;
	if ((v = arena_array(a, (size_t)n + 1, sizeof(*v))) == NULL)
		return -1;
	/* Fast path for raw float32, the common case (little-endian host,
	 * as ir_tensor_get_f64 assumes). */
	if (t->storage == IR_DATA_RAW && t->elem == IR_ELEM_FLOAT &&
	    t->size == (size_t)n * 4) {
		for (i = 0; i < n; i++) {
			float f;

			memcpy(&f, t->data + 4 * i, 4);
			v[i] = f;
		}
		*out = v;
		return 0;
	}
	for (i = 0; i < n; i++)
		if (ir_tensor_get_f64(t, (uint64_t)i, &v[i]) < 0)
			return 1;
	*out = v;
	return 0;
}

void
bn_impact(struct arena *a, const struct ir_node *n, double eps_a,
    double eps_b, struct bn_impact *out)
{
	const struct ir_tensor *t;
	double *var, worst = -1;
	int64_t c, i;

	memset(out, 0, sizeof(*out));
	if (n->ninputs < 5 || (t = bn_const(n->inputs[4])) == NULL ||
	    (c = bn_count(t)) <= 0 || bn_read_f64(a, t, c, &var) != 0)
		return;
	/* The epsilons as the runtime sees them: float32. */
	eps_a = (float)eps_a;
	eps_b = (float)eps_b;
	out->known = true;
	out->channels = c;
	for (i = 0; i < c; i++) {
		double f = sqrt((var[i] + eps_a) / (var[i] + eps_b));
		double d = fabs(f - 1);

		if (!isfinite(f))
			d = INFINITY;
		if (d > 1e-3)
			out->changed++;
		if (d > worst) {
			worst = d;
			out->worst = i;
			out->worst_var = var[i];
			out->worst_factor = f;
		}
	}
}

const char *
bn_impact_str(char *buf, size_t size, const struct bn_impact *i)
{
	if (!i->known) {
		snprintf(buf, size, "impact unknown: the running variance is "
		    "not a readable constant");
		return buf;
	}
	snprintf(buf, size, "output scale changes by up to %.3g%% (factor "
	    "%.9g at channel %lld of %lld, running variance %.6g), %lld of "
	    "%lld channels (%.3g%%) by more than 1e-3",
	    fabs(i->worst_factor - 1) * 100, i->worst_factor,
	    (long long)i->worst, (long long)i->channels, i->worst_var,
	    (long long)i->changed, (long long)i->channels,
	    100.0 * (double)i->changed / (double)i->channels);
	return buf;
}

double
bn_round_half(double d)
{
	uint16_t h = irbuild_half((float)d);
	unsigned e = (h >> 10) & 0x1f, m = h & 0x3ff;
	double v = e == 0 ? ldexp(m, -24) : e == 31 ? (m ? NAN : INFINITY) :
	    ldexp(1024 + m, (int)e - 25);

	return (h & 0x8000) ? -v : v;
}

/* bfloat16 from double, rounded to nearest even. */
static uint16_t
to_bf16(double d)
{
	float f = (float)d;
	uint32_t x;

	memcpy(&x, &f, 4);
	if (isnan(f))
		return (uint16_t)((x >> 16) | 0x40);
	x += 0x7fff + ((x >> 16) & 1);
	return (uint16_t)(x >> 16);
}

struct ir_value *
bn_new_init_raw(struct ir_graph *g, size_t *cap, const char *base,
    int32_t elem, int rank, const int64_t *dims, uint8_t **out,
    uint64_t *nvals)
{
	struct arena *a = &g->model->arena;
	struct ir_tensor *t;
	struct ir_value *v;
	const char *name;
	uint64_t count = 1, bytes;
	uint8_t *data;
	int i;

	if (base == NULL)	/* its arena_printf ran out of budget */
		return NULL;
	/* Checked like ir_tensor_count: a product that wraps would pass
	 * for a small tensor and the values be read past their end. */
	for (i = 0; i < rank; i++)
		if (dims[i] < 0 ||
		    __builtin_mul_overflow(count, (uint64_t)dims[i], &count))
			return NULL;
	if (ir_elem_bytes(elem, count, &bytes) < 0 || bytes > SIZE_MAX)
		return NULL;
	t = arena_alloc(a, sizeof(*t));
	name = ir_unique_name(g, base);
	data = arena_alloc(a, bytes ? bytes : 1);
	if (t == NULL || name == NULL || data == NULL)
		return NULL;
	memset(t, 0, sizeof(*t));
	if (rank > 0 && (t->dims = arena_array(a, (size_t)rank,
	    sizeof(*t->dims))) == NULL)
		return NULL;
	if (rank > 0)
		memcpy(t->dims, dims, (size_t)rank * sizeof(*dims));
	t->name = name;
	t->elem = elem;
	t->rank = rank;
	t->storage = IR_DATA_RAW;
	t->data = data;
	t->size = (size_t)bytes;
	t->nfields = 1;
	t->dirty = true;
	if ((v = ir_value_new(g, name, IR_VALUE_INITIALIZER)) == NULL)
		return NULL;
	v->init = t;
	v->type.kind = IR_TYPE_TENSOR;
	v->type.elem = elem;
	v->type.rank = rank;
	if (rank > 0) {
		if ((v->type.dims = arena_array(a, (size_t)rank,
		    sizeof(*v->type.dims))) == NULL)
			return NULL;
		for (i = 0; i < rank; i++) {
			v->type.dims[i].kind = IR_DIM_VALUE;
			v->type.dims[i].value = dims[i];
		}
	}
	if (g->ninits + 1 > *cap) {
		size_t ncap = 2 * g->ninits + 16;
		struct ir_tensor **ni = arena_array(a, ncap, sizeof(*ni));

		if (ni == NULL)
			return NULL;
		if (g->ninits > 0)
			memcpy(ni, g->inits, g->ninits * sizeof(*ni));
		g->inits = ni;
		*cap = ncap;
	}
	g->inits[g->ninits++] = t;
	*out = data;
	*nvals = count;
	return v;
}

struct ir_value *
bn_new_init(struct ir_graph *g, size_t *cap, const char *base, int32_t elem,
    int rank, const int64_t *dims, const double *vals)
{
	struct ir_value *v;
	uint64_t count, k;
	uint8_t *data;

	switch (elem) {
	case IR_ELEM_FLOAT: case IR_ELEM_DOUBLE: case IR_ELEM_FLOAT16:
	case IR_ELEM_BFLOAT16:
		break;
	default:
		return NULL;
	}
	if ((v = bn_new_init_raw(g, cap, base, elem, rank, dims, &data,
	    &count)) == NULL)
		return NULL;
	if (elem == IR_ELEM_FLOAT) {
		/* The common case, without a switch per element. */
		for (k = 0; k < count; k++) {
			float f = (float)vals[k];

			memcpy(data + 4 * k, &f, 4);
		}
		return v;
	}
	for (k = 0; k < count; k++) {
		switch (elem) {
		case IR_ELEM_DOUBLE:
			memcpy(data + 8 * k, &vals[k], 8);
			break;
		case IR_ELEM_FLOAT16: {
			uint16_t h = irbuild_half((float)vals[k]);
			memcpy(data + 2 * k, &h, 2);
			break;
		}
		default: {
			uint16_t h = to_bf16(vals[k]);
			memcpy(data + 2 * k, &h, 2);
			break;
		}
		}
	}
	return v;
}

static struct ir_attr *
add_attr(struct ir_node *n, const char *name)
{
	struct arena *a = &n->graph->model->arena;
	struct ir_attr *v = arena_array(a, n->nattrs + 1, sizeof(*v));

	if (v == NULL)
		return NULL;
	if (n->nattrs > 0)
		memcpy(v, n->attrs, n->nattrs * sizeof(*v));
	n->attrs = v;
	v += n->nattrs++;
	v->name = name;
	v->has_type = true;
	v->nvalues = 1;
	n->dirty = true;
	return v;
}

int
bn_set_float(struct ir_node *n, const char *name, float f)
{
	struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL && (a = add_attr(n, name)) == NULL)
		return -1;
	a->type = IR_ATTR_FLOAT;
	a->f = f;
	a->dirty = true;
	n->dirty = true;
	return 0;
}

int
bn_set_int(struct ir_node *n, const char *name, int64_t i)
{
	struct ir_attr *a = ir_node_attr(n, name);

	if (a == NULL && (a = add_attr(n, name)) == NULL)
		return -1;
	a->type = IR_ATTR_INT;
	a->i = i;
	a->dirty = true;
	n->dirty = true;
	return 0;
}

bool
bn_drop_attr(struct ir_node *n, const char *name)
{
	size_t i, k = 0;
	bool found = false;

	for (i = 0; i < n->nattrs; i++) {
		if (n->attrs[i].name != NULL &&
		    strcmp(n->attrs[i].name, name) == 0) {
			found = true;
			continue;
		}
		n->attrs[k++] = n->attrs[i];
	}
	if (found) {
		n->nattrs = k;
		n->dirty = true;
	}
	return found;
}

void
bn_move_after(struct ir_node *n, struct ir_node *after)
{
	struct ir_graph *g = n->graph;
	size_t from = n->index, to = (size_t)after->index + 1, i;

	if (from < to || from >= g->nnodes || g->nodes[from] != n)
		return;
	memmove(&g->nodes[to + 1], &g->nodes[to],
	    (from - to) * sizeof(*g->nodes));
	g->nodes[to] = n;
	for (i = to; i <= from; i++)
		g->nodes[i]->index = (unsigned)i;
}
