/* SPDX-License-Identifier: MIT */
/*
 * Transpose permutations, operator classes for layout work, a forward
 * rank/dims scan, and constant tensors read and permuted (see perm.h).
 * The operator classes follow ONNX Runtime's transpose optimizer handler
 * table and layout-sensitive list (facts file §3.5).
 */
#include <stdio.h>
#include <string.h>

#include "ir/perm.h"

bool
perm_valid(const int *p, int r)
{
	bool seen[PERM_MAX] = { false };
	int i;

	if (r < 0 || r > PERM_MAX)
		return false;
	for (i = 0; i < r; i++) {
		if (p[i] < 0 || p[i] >= r || seen[p[i]])
			return false;
		seen[p[i]] = true;
	}
	return true;
}

bool
perm_is_identity(const int *p, int r)
{
	int i;

	for (i = 0; i < r; i++)
		if (p[i] != i)
			return false;
	return true;
}

void
perm_inverse(const int *p, int r, int *inv)
{
	int i;

	for (i = 0; i < r; i++)
		inv[p[i]] = i;
}

void
perm_compose(const int *p1, const int *p2, int r, int *out)
{
	int i;

	for (i = 0; i < r; i++)
		out[i] = p1[p2[i]];
}

void
perm_layout(enum perm_kind k, int r, int *p)
{
	int i;

	for (i = 0; i < r; i++)
		p[i] = i;
	if (r < 3)
		return;
	if (k == PERM_TO_LAST) {
		for (i = 1; i < r - 1; i++)
			p[i] = i + 1;
		p[r - 1] = 1;
	} else if (k == PERM_TO_FIRST) {
		p[1] = r - 1;
		for (i = 2; i < r; i++)
			p[i] = i - 1;
	}
}

enum perm_kind
perm_kind(const int *p, int r)
{
	int q[PERM_MAX];

	if (perm_is_identity(p, r))
		return PERM_IDENTITY;
	if (r < 3 || r > PERM_MAX)
		return PERM_OTHER;
	perm_layout(PERM_TO_LAST, r, q);
	if (memcmp(p, q, (size_t)r * sizeof(*p)) == 0)
		return PERM_TO_LAST;
	perm_layout(PERM_TO_FIRST, r, q);
	if (memcmp(p, q, (size_t)r * sizeof(*p)) == 0)
		return PERM_TO_FIRST;
	return PERM_OTHER;
}

const char *
perm_str(const int *p, int r, char *buf, size_t size)
{
	size_t len = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < r && len + 1 < size; i++) {
		int k = snprintf(buf + len, size - len, "%s%d", i ? "," : "",
		    p[i]);

		if (k < 0)
			break;
		len += (size_t)k;
	}
	return buf;
}

bool
perm_op(const struct ir_node *n, const char *op)
{
	return ir_is_op(n, op);
}

bool
perm_is_transpose(const struct ir_node *n)
{
	/* exactly one input and one output, as the schema has: a
	 * malformed one with more is left alone (removing it would take
	 * the values of its other outputs with it) */
	return n != NULL && !n->dead && perm_op(n, "Transpose") &&
	    n->ninputs == 1 && n->inputs[0] != NULL && n->noutputs == 1 &&
	    n->outputs[0] != NULL;
}

bool
perm_of_node(const struct ir_node *n, int rank, int *p, int *r)
{
	struct ir_attr *a = ir_node_attr(n, "perm");
	size_t i;

	if (a == NULL) {
		if (rank < 0 || rank > PERM_MAX)
			return false;
		for (i = 0; i < (size_t)rank; i++)
			p[i] = rank - 1 - (int)i;
		*r = rank;
		return true;
	}
	if (a->type != IR_ATTR_INTS || a->n > PERM_MAX ||
	    (rank >= 0 && (size_t)rank != a->n))
		return false;
	for (i = 0; i < a->n; i++) {
		if (a->ints[i] < 0 || a->ints[i] >= (int64_t)a->n)
			return false;
		p[i] = (int)a->ints[i];
	}
	*r = (int)a->n;
	return perm_valid(p, *r);
}

/* Is OP in LIST?  The first letters are compared before the call:
 * passes ask this of every node, several times over. */
static bool
in_list(const char *op, const char *const *list)
{
	for (; *list != NULL; list++)
		if (op[0] == (*list)[0] && strcmp(op, *list) == 0)
			return true;
	return false;
}

bool
perm_layout_sensitive(const struct ir_node *n)
{
	static const char *const onnx[] = {
		"BatchNormalization", "InstanceNormalization", "Conv",
		"QLinearConv", "ConvTranspose", "AveragePool", "LpPool",
		"MaxPool", "MaxUnpool", "GlobalAveragePool", "GlobalLpPool",
		"GlobalMaxPool", "LRN", "GridSample", "DepthToSpace",
		"SpaceToDepth", "ConvInteger", "RoiAlign", "MaxRoiPool",
		NULL,
	};
	static const char *const ms[] = {
		"FusedConv", "QLinearAveragePool",
		"QLinearGlobalAveragePool", "NhwcConv", "NhwcMaxPool",
		"QLinearConv", NULL,
	};

	if (ir_domain_is_onnx(n->domain))
		return in_list(n->op_type, onnx);
	if (strcmp(n->domain, "com.microsoft") == 0)
		return in_list(n->op_type, ms);
	return false;
}

enum perm_push
perm_push_kind(const struct ir_node *n)
{
	static const char *const unary[] = {
		"Cast", "Exp", "Gelu", "Identity", "LeakyRelu", "Log",
		"Reciprocal", "Relu", "Sigmoid", "Sqrt", "Tanh", "Abs", "Not",
		"Ceil", "Floor", "Neg", "Erf", "HardSigmoid", "Round", "IsInf",
		"IsNaN", "Selu", "Shrink", "Sign", "Softplus", "Softsign",
		"ThresholdedRelu", "Celu", "HardSwish", "Sin", "Cos", "Tan",
		"Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh",
		"Atanh", "Elu", "Mish", "Clip", "CastLike", "Dropout", NULL,
	};
	static const char *const bcast[] = {
		"Add", "Sub", "Mul", "Div", "Max", "Min", "Mean", "Sum", "Pow",
		"Mod", "PRelu", "BitShift", "And", "Or", "Xor", "Equal",
		"Greater", "Less", "GreaterOrEqual", "LessOrEqual", "Where",
		NULL,
	};
	static const char *const reduce[] = {
		"ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
		"ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd",
		"ReduceSum", "ReduceSumSquare", NULL,
	};
	const char *op = n->op_type;

	if (!ir_domain_is_onnx(n->domain))
		return PUSH_NONE;
	if (in_list(op, unary))
		return PUSH_UNARY;
	if (in_list(op, bcast))
		return PUSH_BROADCAST;
	if (in_list(op, reduce))
		return PUSH_REDUCE;
	if (strcmp(op, "Concat") == 0)
		return PUSH_CONCAT;
	if (strcmp(op, "Split") == 0)
		return PUSH_SPLIT;
	if (strcmp(op, "Softmax") == 0 || strcmp(op, "LogSoftmax") == 0 ||
	    strcmp(op, "Hardmax") == 0)
		return PUSH_SOFTMAX;
	if (strcmp(op, "ArgMax") == 0 || strcmp(op, "ArgMin") == 0)
		return PUSH_ARG;
	if (strcmp(op, "Squeeze") == 0)
		return PUSH_SQUEEZE;
	if (strcmp(op, "Unsqueeze") == 0)
		return PUSH_UNSQUEEZE;
	if (strcmp(op, "Slice") == 0)
		return PUSH_SLICE;
	if (strcmp(op, "Pad") == 0)
		return PUSH_PAD;
	if (strcmp(op, "Tile") == 0)
		return PUSH_TILE;
	if (strcmp(op, "Gather") == 0)
		return PUSH_GATHER;
	if (strcmp(op, "QuantizeLinear") == 0 ||
	    strcmp(op, "DequantizeLinear") == 0)
		return PUSH_QDQ;
	return PUSH_NONE;
}

void
pshape_of_type(const struct ir_type *t, struct pshape *s)
{
	int i;

	s->rank = -1;
	if (t->kind != IR_TYPE_TENSOR || t->rank < 0 || t->rank > PERM_MAX)
		return;
	s->rank = t->rank;
	for (i = 0; i < t->rank; i++)
		s->dim[i] = t->dims[i].kind == IR_DIM_VALUE &&
		    t->dims[i].value >= 0 ? t->dims[i].value : -1;
}

static void
pshape_of_tensor(const struct ir_tensor *t, struct pshape *s)
{
	int i;

	s->rank = -1;
	if (t->rank > PERM_MAX)
		return;
	s->rank = t->rank;
	for (i = 0; i < t->rank; i++)
		s->dim[i] = t->dims[i] >= 0 ? t->dims[i] : -1;
}

static const struct pshape *
shape_at(struct ir_graph *g, struct pshape *sh, const struct ir_value *v,
    struct pshape *tmp)
{
	if (v == NULL) {
		tmp->rank = -1;
		return tmp;
	}
	if (v->graph == g && v->id < g->nvalues)
		return &sh[v->id];
	pshape_of_type(&v->type, tmp);
	return tmp;
}

/* Broadcast shapes A and B into OUT (multidirectional). */
static void
broadcast(const struct pshape *a, struct pshape *out)
{
	int i, r = out->rank > a->rank ? out->rank : a->rank;
	struct pshape o = *out;

	out->rank = r;
	for (i = 0; i < r; i++) {
		int ia = i - (r - a->rank), io = i - (r - o.rank);
		int64_t da = ia >= 0 ? a->dim[ia] : 1;
		int64_t dout = io >= 0 ? o.dim[io] : 1;

		if (da == 1)
			out->dim[i] = dout;
		else if (dout == 1)
			out->dim[i] = da;
		else if (da == dout)
			out->dim[i] = da;
		else if (da > 1 && dout < 0)
			out->dim[i] = da;
		else if (dout > 1 && da < 0)
			out->dim[i] = dout;
		else
			out->dim[i] = -1;
	}
}

int
pshape_scan(struct arena *a, struct ir_graph *g, struct pshape **out)
{
	struct pshape *sh, tmp;
	size_t i, j;

	sh = arena_array(a, g->nvalues + 1, sizeof(*sh));
	if (sh == NULL)
		return -1;
	for (i = 0; i < g->nvalues; i++) {
		struct ir_value *v = g->values[i];

		pshape_of_type(&v->type, &sh[i]);
		if (sh[i].rank < 0 && v->init != NULL)
			pshape_of_tensor(v->init, &sh[i]);
	}
	for (i = 0; i < g->nnodes; i++) {
		struct ir_node *n = g->nodes[i];
		const struct pshape *in;
		struct pshape s;
		int p[PERM_MAX], r, k;
		enum perm_push kind;

		if (n->dead || n->noutputs == 0 || n->outputs[0] == NULL ||
		    n->outputs[0]->graph != g)
			continue;
		kind = perm_push_kind(n);
		s.rank = -1;
		in = shape_at(g, sh, n->ninputs ? n->inputs[0] : NULL, &tmp);
		if (perm_op(n, "Transpose")) {
			if (perm_of_node(n, in->rank, p, &r) &&
			    (in->rank < 0 || in->rank == r)) {
				s.rank = r;
				for (k = 0; k < r; k++)
					s.dim[k] = in->rank < 0 ? -1 :
					    in->dim[p[k]];
			}
		} else if (perm_op(n, "Constant")) {
			struct ir_attr *at = ir_node_attr(n, "value");

			if (at != NULL && at->type == IR_ATTR_TENSOR && at->t)
				pshape_of_tensor(at->t, &s);
		} else if (kind == PUSH_UNARY ||
		    perm_op(n, "BatchNormalization") ||
		    perm_op(n, "InstanceNormalization") ||
		    perm_op(n, "LRN") || kind == PUSH_SOFTMAX ||
		    kind == PUSH_QDQ) {
			s = *in;
		} else if (kind == PUSH_BROADCAST) {
			s = *in;
			for (j = 1; j < n->ninputs && s.rank >= 0; j++) {
				const struct pshape *b = shape_at(g, sh,
				    n->inputs[j], &tmp);

				if (b->rank < 0)
					s.rank = -1;
				else
					broadcast(b, &s);
			}
		} else if (perm_layout_sensitive(n) && in->rank >= 0) {
			/* Spatial ops keep the rank; N stays. */
			s.rank = in->rank;
			for (k = 0; k < s.rank; k++)
				s.dim[k] = -1;
			if (s.rank > 0)
				s.dim[0] = in->dim[0];
		}
		for (j = 0; j < n->noutputs; j++) {
			struct ir_value *v = n->outputs[j];

			if (v == NULL || v->graph != g || v->id >= g->nvalues ||
			    sh[v->id].rank >= 0)
				continue;
			if (j == 0 || kind == PUSH_UNARY)
				sh[v->id] = s;
		}
	}
	*out = sh;
	return 0;
}

struct ir_tensor *
perm_const(const struct ir_value *v)
{
	struct ir_attr *a;

	if (v == NULL)
		return NULL;
	if (v->kind == IR_VALUE_INITIALIZER && v->init != NULL &&
	    !v->is_input && !v->sparse_init)
		return v->init;
	if (v->kind == IR_VALUE_NODE && v->producer != NULL &&
	    !v->producer->dead && perm_op(v->producer, "Constant") &&
	    (a = ir_node_attr(v->producer, "value")) != NULL &&
	    a->type == IR_ATTR_TENSOR && a->t != NULL)
		return a->t;
	return NULL;
}

int64_t
perm_const_count(const struct ir_tensor *t)
{
	uint64_t c;

	if (ir_tensor_count(t, &c, NULL) < 0 || c > INT64_MAX)
		return -1;
	return (int64_t)c;
}

int
perm_const_ints(const struct ir_tensor *t, int64_t *out, size_t max,
    size_t *n)
{
	int64_t c = perm_const_count(t);
	struct ir_tensor view;
	size_t i;

	if (c < 0 || (uint64_t)c > max)
		return -1;
	if (t->elem != IR_ELEM_INT64 && t->elem != IR_ELEM_INT32)
		return -1;
	t = ir_tensor_view(t, &view);	/* external data read in */
	if (t->storage == IR_DATA_RAW) {
		size_t w = t->elem == IR_ELEM_INT64 ? 8 : 4;

		/* C is at most MAX, a few dozen: no overflow. */
		if (t->size != (size_t)c * w)
			return -1;
		for (i = 0; i < (size_t)c; i++) {
			if (w == 8) {
				memcpy(&out[i], t->data + 8 * i, 8);
			} else {
				int32_t x;

				memcpy(&x, t->data + 4 * i, 4);
				out[i] = x;
			}
		}
	} else if (t->storage == IR_DATA_TYPED && t->nfields == 1 &&
	    t->ntyped == (size_t)c && t->typed != NULL &&
	    t->typed_field == ir_elem_typed_field(t->elem)) {
		/* The field must be the one the type lives in (int64_data,
		 * int32_data): another one has elements of another width. */
		for (i = 0; i < (size_t)c; i++)
			out[i] = t->elem == IR_ELEM_INT64 ?
			    ((const int64_t *)t->typed)[i] :
			    ((const int32_t *)t->typed)[i];
	} else if (c == 0) {
		/* An empty tensor has no data field. */
	} else {
		return -1;
	}
	*n = (size_t)c;
	return 0;
}

/*
 * Can the data of T be read as whole little-endian elements: element
 * count in *COUNT, width in *W, byte length in *BYTES?  The length is
 * computed overflow-checked: dims whose product times the width wraps
 * around 2^64 must not pass for a short tensor (a DOUBLE [1,3,2^61/3,1]
 * "needs" 8 bytes when the product wraps).  Raw data must have exactly
 * that length; a typed field must be the one the element type lives in,
 * with one entry per element.  Not readable: external data that was not
 * read in (T is what ir_tensor_view gives, where data that was is raw),
 * strings, sub-byte and complex typed data, any mismatch.
 */
static bool
const_layout(const struct ir_tensor *t, uint64_t *count, size_t *w,
    uint64_t *bytes)
{
	unsigned bits = ir_elem_bits(t->elem);

	if (bits < 8 || bits % 8 != 0 || t->elem == IR_ELEM_STRING ||
	    t->rank < 0 || t->rank > PERM_MAX ||
	    ir_tensor_count(t, count, NULL) < 0 || *count > INT64_MAX ||
	    ir_elem_bytes(t->elem, *count, bytes) < 0 ||
	    *bytes >= SIZE_MAX / 2)
		return false;
	*w = bits / 8;
	switch (t->storage) {
	case IR_DATA_RAW:
		return t->size == *bytes;
	case IR_DATA_TYPED:
		return t->nfields == 1 && t->typed != NULL &&
		    t->ntyped == *count &&
		    t->typed_field == ir_elem_typed_field(t->elem) &&
		    t->elem != IR_ELEM_COMPLEX64 &&
		    t->elem != IR_ELEM_COMPLEX128;
	case IR_DATA_NONE:
		return *count == 0;	/* an empty tensor has no data */
	case IR_DATA_EXTERNAL:
	default:
		return false;
	}
}

bool
perm_const_readable(const struct ir_tensor *t)
{
	struct ir_tensor view;
	uint64_t count, bytes;
	size_t w;

	return t != NULL &&
	    const_layout(ir_tensor_view(t, &view), &count, &w, &bytes);
}

bool
perm_const_movable(const struct ir_tensor *t)
{
	return t != NULL && (perm_const_count(t) == 1 ||
	    t->storage == IR_DATA_EXTERNAL || perm_const_readable(t));
}

/*
 * The data of T as little-endian bytes of W bytes per element (COUNT
 * elements, BYTES bytes, as const_layout found them): the raw span, or
 * a copy made from the typed field.  NULL when out of memory.
 */
static const uint8_t *
const_bytes(struct arena *a, const struct ir_tensor *t, size_t count,
    size_t w, size_t bytes)
{
	uint8_t *buf;
	size_t i;

	if (bytes == 0)
		return (const uint8_t *)"";
	if (t->storage == IR_DATA_RAW)
		return t->data;
	if ((buf = arena_alloc(a, bytes + 1)) == NULL)
		return NULL;
	switch (t->elem) {
	case IR_ELEM_FLOAT:
	case IR_ELEM_INT64:
	case IR_ELEM_DOUBLE:
	case IR_ELEM_UINT64:
	case IR_ELEM_INT32:
		/* The typed field holds exactly these elements. */
		memcpy(buf, t->typed, bytes);
		return buf;
	case IR_ELEM_UINT32:
		for (i = 0; i < count; i++) {
			uint32_t x = (uint32_t)((const uint64_t *)t->typed)[i];

			memcpy(buf + 4 * i, &x, 4);
		}
		return buf;
	default:
		/* Narrow types are stored one per int32 element. */
		for (i = 0; i < count; i++) {
			int32_t x = ((const int32_t *)t->typed)[i];

			memcpy(buf + w * i, &x, w);
		}
		return buf;
	}
}

struct ir_tensor *
perm_const_transpose(struct arena *a, const struct ir_tensor *t,
    const int *p, const char *name)
{
	int64_t istr[PERM_MAX], idx[PERM_MAX] = { 0 };
	struct ir_tensor view;
	uint64_t count, bytes;
	const uint8_t *src;
	struct ir_tensor *o;
	uint8_t *dst;
	size_t w, k;
	int r = t->rank, i;

	t = ir_tensor_view(t, &view);	/* external data read in */
	if (!const_layout(t, &count, &w, &bytes) ||
	    (src = const_bytes(a, t, (size_t)count, w, (size_t)bytes)) ==
	    NULL)
		return NULL;
	o = arena_alloc(a, sizeof(*o));
	dst = arena_alloc(a, (size_t)bytes + 1);
	if (o == NULL || dst == NULL ||
	    (o->dims = arena_array(a, (size_t)r + 1, sizeof(*o->dims))) ==
	    NULL)
		return NULL;
	o->name = name;
	o->elem = t->elem;
	o->rank = r;
	for (i = 0; i < r; i++)
		o->dims[i] = t->dims[p[i]];
	/* The strides are partial products of COUNT, so they cannot
	 * overflow unless COUNT is 0 (a 0 dim before huge ones): then there
	 * is nothing to move. */
	if (r > 0 && count > 0) {
		istr[r - 1] = 1;
		for (i = r - 2; i >= 0; i--)
			istr[i] = istr[i + 1] * t->dims[i + 1];
	}
	for (k = 0; k < (size_t)count; k++) {
		int64_t s = 0;

		for (i = 0; i < r; i++)
			s += idx[i] * istr[p[i]];
		memcpy(dst + k * w, src + (size_t)s * w, w);
		for (i = r - 1; i >= 0; i--) {
			if (++idx[i] < o->dims[i])
				break;
			idx[i] = 0;
		}
	}
	o->storage = IR_DATA_RAW;
	o->data = dst;
	o->size = (size_t)bytes;
	o->nfields = 1;
	o->dirty = true;
	return o;
}

struct ir_tensor *
perm_const_ints_new(struct arena *a, const char *name, const int64_t *v,
    size_t n, int32_t elem)
{
	struct ir_tensor *o = arena_alloc(a, sizeof(*o));
	size_t w = elem == IR_ELEM_INT32 ? 4 : 8, i;
	uint8_t *dst = arena_alloc(a, n * w + 1);

	if (o == NULL || dst == NULL ||
	    (o->dims = arena_array(a, 2, sizeof(*o->dims))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (w == 8) {
			memcpy(dst + 8 * i, &v[i], 8);
		} else {
			int32_t x = (int32_t)v[i];

			memcpy(dst + 4 * i, &x, 4);
		}
	}
	o->name = name;
	o->elem = elem == IR_ELEM_INT32 ? IR_ELEM_INT32 : IR_ELEM_INT64;
	o->rank = 1;
	o->dims[0] = (int64_t)n;
	o->storage = IR_DATA_RAW;
	o->data = dst;
	o->size = n * w;
	o->nfields = 1;
	o->dirty = true;
	return o;
}
