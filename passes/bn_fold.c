/* SPDX-License-Identifier: MIT */
/*
 * bn-fold: fold an inference BatchNormalization into the Conv,
 * ConvTranspose or Gemm that produces its input.
 *
 * A BatchNormalization after a linear op is an affine map per output
 * channel c: with s = scale / sqrt(var + eps), the producer's weights
 * become W'[c] = W[c] * s[c] and its bias b' = (b - mean) * s + B (b = 0
 * when absent).  Runtimes fold it themselves at load time when they can;
 * a folded file loads faster, runs on runtimes that do not, and drops one
 * node per layer.  Channel layout: Conv W is (M, C/group, k...), channel
 * on axis 0 whatever the group; ConvTranspose W is (C_in, M/group, k...)
 * and input channel i, column j feed output channel (i / (C_in/group)) *
 * (M/group) + j; Gemm B is (M, K) with transB=1 and (K, M) otherwise, and
 * alpha * A * B' + beta * C becomes alpha * A * (B' * s) + 1 * (beta * C *
 * s + B - mean * s), so beta is set to 1 and alpha stays.
 * Preconditions (a note says which one failed when the producer is one
 * of the three): inference mode with spatial statistics, the statistics
 * outputs unused, the producer's output used by this node only and not a
 * graph output, weights, bias and the four parameters constant (an
 * initializer that is not a graph input, or a Constant), readable float,
 * double, float16 or bfloat16 data, parameter lengths equal to the output
 * channels, IR version 4 or later, not in a function body.
 * A Gemm C of shape (N, 1) becomes (N, M): past 1 MiB (fold's limit
 * for new constants) that is not done, with a warning.  Channel counts
 * and sizes are overflow-checked (an empty W may have any dims).
 * Everything is computed in double and rounded once to the weights'
 * element type.  New initializers get new names; the originals stay for
 * any other user (dce removes them when unused).  The producer takes over
 * the node's output value, so graph output names do not change.
 * Requires: nothing.  Preserves: graph inputs and outputs, node order.
 *
 *	before:  Z = Conv(X, W, b)   Y = BatchNormalization(Z, s, B, m, v)
 *	after:   Y = Conv(X, W_folded, b_folded)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#include "base/budget.h"
#include "bn.h"
#include "io/skel.h"
#include "ir/irbuild.h"

struct state {
	size_t cap;	/* initializer list capacity of the current graph */
};

enum kind { K_CONV, K_CONVT, K_GEMM };

/* One fold: its inputs read, the result computed. */
struct fold {
	struct ir_node *bn, *p;
	enum kind kind;
	const struct ir_tensor *w, *b;	/* b may be NULL */
	int64_t m;			/* output channels */
	double *s, *shift;		/* per channel: s, B - mean * s */
	int32_t elem;
	struct arena *tmp;		/* per-fold scratch: the doubles */
};

static bool
is_float_elem(int32_t e)
{
	return e == IR_ELEM_FLOAT || e == IR_ELEM_DOUBLE ||
	    e == IR_ELEM_FLOAT16 || e == IR_ELEM_BFLOAT16;
}

/* Output channels of the producer from its weights; -1 when malformed. */
static int64_t
channels(const struct fold *f)
{
	const struct ir_tensor *w = f->w;

	switch (f->kind) {
	case K_CONV:
		return w->rank >= 1 ? w->dims[0] : -1;
	case K_CONVT: {
		int64_t g = ir_attr_int(f->p, "group", 1), m;

		/* An empty W may have any dims: M/group times a huge group
		 * does not fit. */
		if (w->rank < 2 || g < 1 || w->dims[0] % g != 0 ||
		    __builtin_mul_overflow(w->dims[1], g, &m))
			return -1;
		return m;
	}
	case K_GEMM:
		if (w->rank != 2)
			return -1;
		return ir_attr_int(f->p, "transB", 0) ? w->dims[0] : w->dims[1];
	}
	return -1;
}

/* Check the preconditions and read the parameters; the reason or NULL. */
static const char *
prepare(struct pass_ctx *ctx, struct fold *f)
{
	const struct ir_node *n = f->bn, *p = f->p;
	const struct ir_value *x = n->inputs[0];
	const struct ir_tensor *prm[4];
	double *v[4], eps;
	struct bn_attrs a;
	int64_t c;
	int k, rc;

	bn_read(n, &a);
	if (a.extra_used > 0)
		return "its statistics outputs are used";
	if (a.training)
		return "it is in training mode";
	if (a.has_spatial && a.spatial == 0)
		return "it has per-activation statistics (spatial=0)";
	if (x->nuses != 1 || x->noutputs > 0)
		return x->noutputs > 0 ? "the producer's output is a graph "
		    "output" : "the producer's output has other consumers";
	if (p->noutputs != 1)
		return "the producer has more than one output";
	if (n->graph->kind == IR_GRAPH_FUNCTION)
		return "it is in a function body (no initializers there)";
	if (ctx->m->ir_version < 4)
		return "below IR version 4 initializers must be graph inputs";
	if (n->ninputs < 5)
		return "a parameter is absent";
	if (p->ninputs < 2 || (f->w = bn_const(p->inputs[1])) == NULL)
		return "the weights are not a constant initializer";
	f->b = NULL;
	if (p->ninputs > 2 && p->inputs[2] != NULL &&
	    (f->b = bn_const(p->inputs[2])) == NULL)
		return f->kind == K_GEMM ? "C is not a constant initializer" :
		    "the bias is not a constant initializer";
	f->elem = f->w->elem;
	if (!is_float_elem(f->elem))
		return "the weights' element type is not float, double, "
		    "float16 or bfloat16";
	if (f->b != NULL && f->b->elem != f->elem)
		return "bias and weights differ in element type";
	if ((c = channels(f)) <= 0)
		return "the weights' shape does not give the output channels";
	f->m = c;
	for (k = 0; k < 4; k++) {
		if ((prm[k] = bn_const(n->inputs[k + 1])) == NULL)
			return "a BatchNormalization parameter is not a "
			    "constant initializer";
		if (prm[k]->rank != 1 || prm[k]->dims[0] != c)
			return "a parameter's length differs from the "
			    "producer's output channels";
		if ((rc = bn_read_f64(f->tmp, prm[k], c, &v[k])) < 0)
			return "";
		if (rc > 0)
			return prm[k]->storage == IR_DATA_EXTERNAL ?
			    "a parameter's external data could not be read "
			    "(S293 says why)" : "a parameter is not readable "
			    "(element type or data that does not match its "
			    "dims)";
	}
	f->s = arena_array(f->tmp, (size_t)c, sizeof(*f->s));
	f->shift = arena_array(f->tmp, (size_t)c, sizeof(*f->shift));
	if (f->s == NULL || f->shift == NULL)
		return "";
	/* The runtime adds epsilon in float32. */
	eps = (double)(float)a.eps;
	for (k = 0; k < c; k++) {
		f->s[k] = v[0][k] / sqrt(v[3][k] + eps);
		f->shift[k] = v[1][k] - v[2][k] * f->s[k];
		if (!isfinite(f->s[k]) || !isfinite(f->shift[k]))
			return "a folded value is not finite";
	}
	return NULL;
}

/* W' = W scaled per output channel into *OUT: 0, 1 when the weights
 * are not readable, -1 out of budget. */
static int
scale_weights(const struct fold *f, int64_t *count, double **out)
{
	const struct ir_tensor *w = f->w;
	int64_t n = bn_count(w), i, j, c, ci, per, inner, cin_g, mg, g;
	double *v;
	int rc;

	if (n <= 0)
		return 1;
	if ((rc = bn_read_f64(f->tmp, w, n, &v)) != 0)
		return rc;
	*count = n;
	/* Nested loops: no division per element. */
	switch (f->kind) {
	case K_CONV:
		per = n / f->m;
		for (c = 0; c < f->m; c++)
			for (i = 0; i < per; i++)
				v[c * per + i] *= f->s[c];
		break;
	case K_CONVT:
		g = ir_attr_int(f->p, "group", 1);
		mg = w->dims[1];
		cin_g = w->dims[0] / g;
		inner = n / (w->dims[0] * mg);
		for (ci = 0; ci < w->dims[0]; ci++)
			for (j = 0; j < mg; j++) {
				double sc = f->s[(ci / cin_g) * mg + j];
				double *row = v + (ci * mg + j) * inner;

				for (i = 0; i < inner; i++)
					row[i] *= sc;
			}
		break;
	case K_GEMM:
		if (ir_attr_int(f->p, "transB", 0)) {	/* (M, K) */
			per = w->dims[1];
			for (c = 0; c < f->m; c++)
				for (i = 0; i < per; i++)
					v[c * per + i] *= f->s[c];
		} else {				/* (K, M) */
			for (i = 0; i < w->dims[0]; i++)
				for (c = 0; c < f->m; c++)
					v[i * f->m + c] *= f->s[c];
		}
		break;
	}
	*out = v;
	return 0;
}

/*
 * The common case without a copy of the weights in doubles: raw float32
 * weights laid out [M, per] (Conv, Gemm with transB) of a float32 node.
 * Then *VIEW holds them and *PER the elements per output channel.
 */
static bool
direct_weights(const struct fold *f, struct ir_tensor *view,
    const struct ir_tensor **raw, int64_t *per)
{
	const struct ir_tensor *w = f->w;
	int64_t n = bn_count(w);

	if (n <= 0 || f->elem != IR_ELEM_FLOAT || w->elem != IR_ELEM_FLOAT ||
	    f->m <= 0 || n % f->m != 0 || !(f->kind == K_CONV ||
	    (f->kind == K_GEMM && ir_attr_int(f->p, "transB", 0) != 0)))
		return false;
	*raw = ir_tensor_view(w, view);
	if ((*raw)->storage != IR_DATA_RAW || (*raw)->size != (size_t)n * 4)
		return false;
	*per = n / f->m;
	return true;
}

/* W' in place of the copy of W at OUT: each element rounded from the
 * double product, as scale_weights and bn_new_init give it. */
static void
fill_direct(const struct fold *f, int64_t per, uint8_t *out)
{
	int64_t c, i;

	for (c = 0; c < f->m; c++) {
		const uint8_t *src = out + 4 * per * c;
		uint8_t *dst = out + 4 * per * c;
		double sc = f->s[c];

		/* Blocks of 8 the compiler turns into vector instructions
		 * (the same conversions and product, element by element). */
		for (i = 0; i + 8 <= per; i += 8) {
			float x[8];
			int k;

			memcpy(x, src + 4 * i, sizeof(x));
			for (k = 0; k < 8; k++)
				x[k] = (float)((double)x[k] * sc);
			memcpy(dst + 4 * i, x, sizeof(x));
		}
		for (; i < per; i++) {
			float x;

			memcpy(&x, src + 4 * i, 4);
			x = (float)((double)x * sc);
			memcpy(dst + 4 * i, &x, 4);
		}
	}
}

/*
 * A new C broadcast over the channels (Gemm's C of shape (N, 1)) is data
 * the model did not hold: past fold's limit for new constants it is not
 * made, whatever the budget would allow.
 */
#define MAX_NEW_BYTES (1u << 20)

/* The new bias (Conv, ConvTranspose: length M) or C (Gemm); NULL with
 * *WHY set when not foldable, with *BIG set when too large (DIMS then
 * hold its shape), or out of budget. */
static double *
new_bias(const struct fold *f, int *rank,
    int64_t dims[2], const char **why, bool *big)
{
	const struct ir_tensor *b = f->b;
	int64_t i, j, rows = 1, bc = 0, bcols = 1, count;
	uint64_t bytes;
	double *old = NULL, *v, beta = 1;

	*why = NULL;
	*big = false;
	if (b != NULL) {
		int64_t n = bn_count(b);
		int rc = n <= 0 ? 1 : bn_read_f64(f->tmp, b, n, &old);

		if (rc < 0)
			return NULL;	/* out of budget */
		if (rc > 0) {
			*why = b->storage == IR_DATA_EXTERNAL ? "the bias's "
			    "external data could not be read (S293 says why)" :
			    "the bias is not readable";
			return NULL;
		}
		bc = n;
	}
	if (f->kind == K_GEMM) {
		beta = ir_attr_float(f->p, "beta", 1.0);
		if (b != NULL && b->rank == 2) {
			rows = b->dims[0];
			bcols = b->dims[1];
		} else if (b != NULL) {
			bcols = bc;
		}
		if (b != NULL && (b->rank > 2 || rows < 1 ||
		    (bcols != 1 && bcols != f->m))) {
			*why = "C's shape does not broadcast over the output "
			    "channels";
			return NULL;
		}
	} else if (b != NULL && (b->rank != 1 || bc != f->m)) {
		*why = "the bias length differs from the output channels";
		return NULL;
	} else {
		bcols = f->m;
	}
	if (__builtin_mul_overflow(rows, f->m, &count) ||
	    ir_elem_bytes(f->elem, (uint64_t)count, &bytes) < 0 ||
	    (count > (bc > f->m ? bc : f->m) && bytes > MAX_NEW_BYTES)) {
		*big = true;
		dims[0] = rows;
		dims[1] = f->m;
		return NULL;
	}
	v = arena_array(f->tmp, (size_t)count, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (i = 0; i < rows; i++)
		for (j = 0; j < f->m; j++) {
			double c = 0;

			if (old != NULL)
				c = beta * old[i * bcols + (bcols == 1 ? 0 :
				    j)];
			v[i * f->m + j] = c * f->s[j] + f->shift[j];
		}
	if (f->kind == K_GEMM && b != NULL && b->rank == 2) {
		*rank = 2;
		dims[0] = rows;
		dims[1] = f->m;
	} else {
		*rank = 1;
		dims[0] = f->m;
	}
	return v;
}

static const char *
base_name(struct ir_graph *g, const struct ir_value *v, const char *alt)
{
	return arena_printf(&g->model->arena, "%s_folded",
	    v != NULL ? v->name : alt);
}

/* 0 folded, 1 not (a note says why), -1 out of budget. */
static int
fold_one(struct pass_ctx *ctx, struct state *st, struct fold *f)
{
	struct ir_node *n = f->bn, *p = f->p;
	struct ir_graph *g = n->graph;
	struct ir_value *wv, *bv, *y, *z;
	const char *why;
	double *w = NULL, *b = NULL;
	int64_t count, bdims[2], per = 0;
	int brank, rc = 0;
	bool big = false, direct;
	struct ir_tensor view;
	const struct ir_tensor *raw = NULL;
	char b1[DIAG_ESCAPE_SIZE], b2[DIAG_ESCAPE_SIZE], b3[DIAG_ESCAPE_SIZE];

	why = prepare(ctx, f);
	if (why != NULL && *why == '\0')
		return -1;
	direct = why == NULL && direct_weights(f, &view, &raw, &per);
	if (why == NULL && !direct &&
	    (rc = scale_weights(f, &count, &w)) < 0)
		return -1;
	if (direct)
		rc = 0;
	if (why == NULL && rc > 0)
		why = f->w->storage == IR_DATA_EXTERNAL ? "the weights' "
		    "external data could not be read (S293 says why)" :
		    "the weights are not readable (element type or data "
		    "that does not match their dims)";
	if (why == NULL && (b = new_bias(f, &brank, bdims, &why, &big)) ==
	    NULL && why == NULL && !big)
		return -1;
	if (big) {
		pass_report_node(ctx, DIAG_F_BN_TOO_LARGE, n,
		    "%s producing '%s': C would be %s[%lld,%lld], more than "
		    "%u bytes", p->op_type,
		    diag_escape_str(b1, sizeof(b1), n->inputs[0]->name),
		    ir_elem_name(f->elem), (long long)bdims[0],
		    (long long)bdims[1], MAX_NEW_BYTES);
		return 1;
	}
	if (why != NULL) {
		pass_report_node(ctx, DIAG_F_BN_NOT_FOLDED, n,
		    "%s producing '%s': %s", p->op_type,
		    diag_escape_str(b1, sizeof(b1), n->inputs[0]->name), why);
		return 1;
	}
	if (direct) {
		uint8_t *data;
		uint64_t nv;

		if ((wv = bn_new_init_raw(g, &st->cap, base_name(g,
		    p->inputs[1], ""), f->elem, f->w->rank, f->w->dims, &data,
		    &nv)) != NULL) {
			/* W read from the file, not through its mapping */
			skel_copy(g->model->skel, raw->data, raw->size, data);
			fill_direct(f, per, data);
		}
	} else {
		wv = bn_new_init(g, &st->cap, base_name(g, p->inputs[1], ""),
		    f->elem, f->w->rank, f->w->dims, w);
	}
	bv = bn_new_init(g, &st->cap, base_name(g, p->ninputs > 2 ?
	    p->inputs[2] : NULL, n->inputs[2]->name), f->elem, brank, bdims,
	    b);
	if (wv == NULL || bv == NULL)
		return -1;
	/* The node is gone: what bn-normalize did to it is part of this
	 * rewrite, not a change of its own. */
	{
		char was[512];
		size_t i = ctx->d->n, len = 0;

		was[0] = '\0';
		while (i-- > 0) {
			const struct diag *d = &ctx->d->v[i];

			if (d->subject != n || (d->id != DIAG_F_BN_EPS &&
			    d->id != DIAG_F_BN_MOMENTUM &&
			    d->id != DIAG_F_BN_MOMENTUM_TORCH &&
			    d->id != DIAG_F_BN_INFERENCE &&
			    d->id != DIAG_F_BN_LEGACY_ATTR))
				continue;
			if (len < sizeof(was) - 1)
				len += (size_t)snprintf(was + len,
				    sizeof(was) - len, "%s%s", len ? "; " :
				    "", d->detail ? d->detail : "");
			pass_drop_note(ctx, i);
		}
		if (len >= sizeof(was))
			len = sizeof(was) - 1;
		pass_report_node(ctx, DIAG_F_BN_FOLDED, n,
		    "%s producing '%s': weights '%s', %s '%s'%s%s%s",
		    p->op_type,
		    diag_escape_str(b1, sizeof(b1), n->inputs[0]->name),
		    diag_escape_str(b2, sizeof(b2), wv->name),
		    f->kind == K_GEMM ? "C" : "bias",
		    diag_escape_str(b3, sizeof(b3), bv->name),
		    len ? " (normalised first: " : "", was, len ? ")" : "");
	}
	if (ir_node_set_input(p, 1, wv) < 0)
		return -1;
	if (p->ninputs > 2) {
		if (ir_node_set_input(p, 2, bv) < 0)
			return -1;
	} else if (ir_node_add_input(p, bv) < 0) {
		return -1;
	}
	if (f->kind == K_GEMM && !bn_float_eq(ir_attr_float(p, "beta", 1), 1) &&
	    bn_set_float(p, "beta", 1.0f) < 0)
		return -1;
	y = n->outputs[0];
	z = p->outputs[0];
	ir_node_kill(n);
	n->noutputs = 0;
	ir_node_set_output(p, 0, y);
	z->producer = NULL;
	ctx->changed = true;
	return 0;
}

/* The doubles of one fold live in their own arena, released after it,
 * so that the peak is one layer's weights, not the model's. */
static int
fold(struct pass_ctx *ctx, struct state *st, struct fold *f)
{
	struct arena tmp;
	int r;

	arena_init(&tmp, ctx->m->budget);
	f->tmp = &tmp;
	r = fold_one(ctx, st, f);
	arena_release(&tmp);
	return r;
}

/*
 * Room in the model's arena for the new weights and biases of every
 * BatchNormalization of G that follows a Conv, ConvTranspose or Gemm
 * with constant weights in memory: what the folds are about to write,
 * in one block rather than page by page.  An upper bound (a fold may
 * not happen), so only taken when it leaves at least as much of the
 * budget free: else the folds allocate as they go, and one that does
 * not fit says so itself.  -1 out of memory.
 */
static int
reserve(struct ir_graph *g)
{
	const struct budget *b = g->model->budget;
	uint64_t total = 0, count, bytes;
	size_t i;

	for (i = 0; i < g->nnodes; i++) {
		const struct ir_node *n = g->nodes[i], *p;
		const struct ir_value *x, *w;

		if (!bn_is_bn(n) || n->ninputs < 1 ||
		    (x = n->inputs[0]) == NULL ||
		    x->kind != IR_VALUE_NODE || (p = x->producer) == NULL ||
		    p->dead || p->ninputs < 2 || (w = p->inputs[1]) == NULL ||
		    !irbuild_is_const(w) ||
		    w->init->storage != IR_DATA_RAW ||
		    ir_tensor_count(w->init, &count, NULL) < 0 ||
		    ir_elem_bytes(w->init->elem, count, &bytes) < 0)
			continue;
		/* the weights, a bias as long as one of their dims, and
		 * the alignment of each */
		if (__builtin_add_overflow(total, bytes + (uint64_t)(
		    w->init->rank > 0 && w->init->dims[0] > 0 ?
		    w->init->dims[0] : 1) * 8 + 256, &total))
			return 0;
	}
	if (total > SIZE_MAX / 2 || (b != NULL && b->limit > 0 &&
	    (b->used >= b->limit || total > (b->limit - b->used) / 2)))
		return 0;
	return arena_reserve(&g->model->arena, (size_t)total);
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	struct state st;
	size_t ng, gi, i;

	ng = ir_model_graphs(ctx->m, &graphs);
	for (gi = 0; gi < ng; gi++) {
		struct ir_graph *g = graphs[gi];

		if (g->kind == IR_GRAPH_TRAINING)
			continue;
		st.cap = 0;
		if (reserve(g) < 0)
			return -1;
		for (i = 0; i < g->nnodes; i++) {
			struct ir_node *n = g->nodes[i], *p;
			struct ir_value *x;
			struct fold f;

			if (!bn_is_bn(n) || n->ninputs < 1 ||
			    (x = n->inputs[0]) == NULL ||
			    x->kind != IR_VALUE_NODE ||
			    (p = x->producer) == NULL || p->dead ||
			    p->graph != g || x->out_index != 0 ||
			    !ir_domain_is_onnx(p->domain))
				continue;
			memset(&f, 0, sizeof(f));
			f.bn = n;
			f.p = p;
			if (strcmp(p->op_type, "Conv") == 0)
				f.kind = K_CONV;
			else if (strcmp(p->op_type, "ConvTranspose") == 0)
				f.kind = K_CONVT;
			else if (strcmp(p->op_type, "Gemm") == 0)
				f.kind = K_GEMM;
			else
				continue;
			if (fold(ctx, &st, &f) < 0)
				return -1;
		}
	}
	/* Subgraphs may no longer use the outer parameters. */
	return ctx->changed && ctx->m->graph != NULL && ng > 1 ?
	    ir_rebuild_implicit(ctx->m) : 0;
}

const struct pass pass_bn_fold = {
	"bn-fold", PASS_REWRITE,
	"fold inference BatchNormalization into Conv, ConvTranspose, Gemm",
	run, NULL,
};
