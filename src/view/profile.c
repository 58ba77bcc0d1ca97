/* SPDX-License-Identifier: MIT */
/*
 * Parameters and multiply-accumulates of a model (profile.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "diag/diag.h"
#include "io/external.h"
#include "ir/shapes.h"
#include "view/profile.h"

/* The symbol of a dim that has neither value nor name. */
static const char unknown_sym[] = "?";

/* One product being built: a term, or not countable (bad). */
struct prod {
	struct profile_term t;
	bool bad;	/* a shape or dim is missing */
	bool big;	/* overflow */
};

static void
prod_init(struct prod *p)
{
	memset(p, 0, sizeof(*p));
	p->t.coef = 1;
}

static void
prod_sym(struct prod *p, const char *s)
{
	int i;

	if (p->t.nsym == PROFILE_MAXSYM) {
		p->big = true;
		return;
	}
	/* keep the symbols sorted so that equal products compare equal */
	for (i = p->t.nsym; i > 0 && strcmp(p->t.sym[i - 1], s) > 0; i--)
		p->t.sym[i] = p->t.sym[i - 1];
	p->t.sym[i] = s;
	p->t.nsym++;
}

static void
prod_num(struct prod *p, uint64_t v)
{
	if (__builtin_mul_overflow(p->t.coef, v, &p->t.coef))
		p->big = true;
}

static void
prod_dim(struct prod *p, const struct ir_dim *d)
{
	switch (d->kind) {
	case IR_DIM_VALUE:
		if (d->value < 0)
			p->bad = true;
		else
			prod_num(p, (uint64_t)d->value);
		break;
	case IR_DIM_PARAM:
		prod_sym(p, d->param);
		break;
	case IR_DIM_UNKNOWN:
		prod_sym(p, unknown_sym);
		break;
	}
}

/* The tensor type of V with a known rank, else NULL. */
static const struct ir_type *
ranked(const struct ir_value *v)
{
	if (v == NULL || v->type.kind != IR_TYPE_TENSOR || v->type.rank < 0)
		return NULL;
	return &v->type;
}

/* Multiply P by dims [FROM, TO) of V (negative: from the end). */
static void
prod_dims(struct prod *p, const struct ir_value *v, int from, int to)
{
	const struct ir_type *t = ranked(v);
	int i;

	if (t == NULL) {
		p->bad = true;
		return;
	}
	if (from < 0)
		from += t->rank;
	if (to < 0)
		to += t->rank + 1;
	if (from < 0 || to > t->rank || from > to) {
		p->bad = true;
		return;
	}
	for (i = from; i < to; i++)
		prod_dim(p, &t->dims[i]);
}

static int
same_syms(const struct profile_term *a, const struct profile_term *b)
{
	int i;

	if (a->nsym != b->nsym)
		return 0;
	for (i = 0; i < a->nsym; i++)
		if (strcmp(a->sym[i], b->sym[i]) != 0)
			return 0;
	return 1;
}

/* POLY += T.  -1 when out of budget. */
static int
poly_add(struct arena *a, struct profile_poly *poly,
    const struct profile_term *t, bool big)
{
	size_t i;

	if (big)
		poly->overflow = true;
	if (t->coef == 0)
		return 0;
	for (i = 0; i < poly->n; i++)
		if (same_syms(&poly->t[i], t)) {
			if (__builtin_add_overflow(poly->t[i].coef, t->coef,
			    &poly->t[i].coef))
				poly->overflow = true;
			return 0;
		}
	if (arena_grow(a, (void **)&poly->t, &poly->cap, poly->n + 1,
	    sizeof(*poly->t)) < 0)
		return -1;
	poly->t[poly->n++] = *t;
	return 0;
}

/* Of two dims that broadcast, the one the result has. */
static const struct ir_dim *
bcast(const struct ir_dim *a, const struct ir_dim *b)
{
	if (a == NULL)
		return b;
	if (b == NULL || (a->kind == IR_DIM_VALUE && a->value != 1))
		return a;
	if (a->kind == IR_DIM_VALUE && a->value == 1)
		return b;
	if (b->kind == IR_DIM_VALUE && b->value != 1)
		return b;
	return a;
}

/*
 * MatMul of A by B (numpy rules: batch dims broadcast, a 1-D operand has
 * no M or N), TA/TB when the last two dims are swapped: batch x M x N x K.
 */
static void
matmul_macs(struct prod *p, const struct ir_value *av,
    const struct ir_value *bv, bool ta, bool tb)
{
	const struct ir_type *a = ranked(av), *b = ranked(bv);
	int ra, rb, i, nb;

	if (a == NULL || b == NULL || a->rank < 1 || b->rank < 1) {
		p->bad = true;
		return;
	}
	ra = a->rank;
	rb = b->rank;
	if (ra == 1)
		ta = false;
	if (rb == 1)
		tb = false;
	nb = (ra > rb ? ra : rb) - 2;
	for (i = 0; i < nb; i++) {
		int ia = ra - 2 - nb + i, ib = rb - 2 - nb + i;

		prod_dim(p, bcast(ia >= 0 ? &a->dims[ia] : NULL,
		    ib >= 0 ? &b->dims[ib] : NULL));
	}
	if (ra > 1)
		prod_dim(p, &a->dims[ta ? ra - 1 : ra - 2]);
	if (rb > 1)
		prod_dim(p, &b->dims[tb ? rb - 2 : rb - 1]);
	prod_dim(p, &a->dims[ta ? ra - 2 : ra - 1]);
}

/*
 * The multiply-accumulates of N as up to two products in PR; returns
 * how many (0: not an operator counted here).
 */
static int
node_macs(const struct ir_node *n, struct prod pr[2])
{
	struct ir_value *in[6] = { NULL };
	struct ir_value *y = n->noutputs > 0 ? n->outputs[0] : NULL;
	const char *op = n->op_type;
	bool onnx = ir_domain_is_onnx(n->domain);
	bool ms = strcmp(n->domain, "com.microsoft") == 0;
	size_t i;

	for (i = 0; i < n->ninputs && i < 6; i++)
		in[i] = n->inputs[i];
	prod_init(&pr[0]);
	prod_init(&pr[1]);
	if (onnx && (strcmp(op, "Conv") == 0 ||
	    strcmp(op, "ConvInteger") == 0 || strcmp(op, "QLinearConv") == 0)) {
		/* every output element: Cin/group x kernel products */
		prod_dims(&pr[0], y, 0, -1);
		prod_dims(&pr[0], in[op[0] == 'Q' ? 3 : 1], 1, -1);
		return 1;
	}
	if (onnx && strcmp(op, "ConvTranspose") == 0) {
		/* every input element is spread over Cout/group x kernel */
		prod_dims(&pr[0], in[0], 0, -1);
		prod_dims(&pr[0], in[1], 1, -1);
		return 1;
	}
	if (onnx && strcmp(op, "Gemm") == 0) {
		/* M x K times K x N, from the operands: an exporter's name
		 * for the output's rows says less than A's */
		const struct ir_type *a = ranked(in[0]), *b = ranked(in[1]);
		bool ta = ir_attr_int(n, "transA", 0) != 0;
		bool tb = ir_attr_int(n, "transB", 0) != 0;

		if (a == NULL || b == NULL || a->rank != 2 || b->rank != 2) {
			pr[0].bad = true;
			return 1;
		}
		prod_dim(&pr[0], &a->dims[ta ? 1 : 0]);
		prod_dim(&pr[0], &a->dims[ta ? 0 : 1]);
		prod_dim(&pr[0], &b->dims[tb ? 0 : 1]);
		return 1;
	}
	if ((onnx && (strcmp(op, "MatMul") == 0 ||
	    strcmp(op, "MatMulInteger") == 0)) ||
	    (ms && strcmp(op, "FusedMatMul") == 0)) {
		matmul_macs(&pr[0], in[0], in[1], ms &&
		    ir_attr_int(n, "transA", 0) != 0, ms &&
		    ir_attr_int(n, "transB", 0) != 0);
		return 1;
	}
	if (onnx && strcmp(op, "QLinearMatMul") == 0) {
		matmul_macs(&pr[0], in[0], in[3], false, false);
		return 1;
	}
	if (onnx && strcmp(op, "Attention") == 0) {
		/* Q x K^T and softmax x V: (Q and Y elements) x Skv */
		const struct ir_value *k = n->noutputs > 1 &&
		    n->outputs[1] != NULL ? n->outputs[1] : in[1];
		const struct ir_type *kt = ranked(k);

		prod_dims(&pr[0], in[0], 0, -1);
		prod_dims(&pr[1], y, 0, -1);
		for (i = 0; i < 2; i++)
			if (kt == NULL || (kt->rank != 3 && kt->rank != 4))
				pr[i].bad = true;
			else
				prod_dims(&pr[i], k, kt->rank - 2,
				    kt->rank - 1);
		return 2;
	}
	if (ms && strcmp(op, "MultiHeadAttention") == 0) {
		const struct ir_type *kt = ranked(in[1]);

		prod_dims(&pr[0], in[0], 0, -1);
		prod_dims(&pr[1], y, 0, -1);
		for (i = 0; i < 2; i++)
			if (kt == NULL || kt->rank != 3)
				pr[i].bad = true;
			else
				prod_dims(&pr[i], in[1], 1, 2);
		return 2;
	}
	if (onnx && (strcmp(op, "RNN") == 0 || strcmp(op, "GRU") == 0 ||
	    strcmp(op, "LSTM") == 0)) {
		/* per step and batch row: W x input and R x hidden, for
		 * every direction and gate (X is seq x batch x input, or
		 * batch x seq x input: the product is the same) */
		const struct ir_type *x = ranked(in[0]);

		prod_dims(&pr[0], in[0], 0, -1);
		prod_dims(&pr[0], in[1], 0, 2);
		if (x == NULL || x->rank != 3)
			pr[1].bad = true;
		else
			prod_dims(&pr[1], in[0], 0, 2);
		prod_dims(&pr[1], in[2], 0, -1);
		return 2;
	}
	return 0;
}

/* "/layer1/layer1.0/conv1/Conv" -> "/layer1"; "" when N has no scope. */
static const char *
scope_of(struct arena *a, const struct ir_node *n)
{
	const char *s = n->name, *e;

	if (s == NULL)
		return "";
	e = strchr(s + (s[0] == '/'), '/');
	if (e == NULL || e == s)
		return "";
	return arena_strndup(a, s, (size_t)(e - s));
}

static struct profile_row *
row_find(struct arena *a, struct profile_row **rows, size_t *n,
    size_t *cap, const char *key, const char *domain)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*rows)[i].key, key) == 0 &&
		    strcmp((*rows)[i].domain, domain) == 0)
			return &(*rows)[i];
	if (arena_grow(a, (void **)rows, cap, *n + 1, sizeof(**rows)) < 0)
		return NULL;
	memset(&(*rows)[*n], 0, sizeof(**rows));
	(*rows)[*n].key = key;
	(*rows)[*n].domain = domain;
	return &(*rows)[(*n)++];
}

/* What a tensor is when deciding whether it was counted already: its
 * external (location, offset, length), else the tensor itself (also
 * when its external entries do not parse: keys or values missing,
 * numbers that are not). */
static const char *
tensor_key(struct arena *a, const struct ir_tensor *t)
{
	struct ext_ref r;
	char why[128];

	if (t->storage != IR_DATA_EXTERNAL || ext_parse(t->ext, t->next, &r,
	    why, sizeof(why)) != EXT_OK || !r.has_length)
		return arena_printf(a, "%p", (const void *)t);
	return arena_printf(a, "x:%s:%" PRIu64 ":%" PRIu64, r.location,
	    r.offset, r.length);
}

struct pstate {
	struct arena *a;
	struct profile *p;
	struct hmap seen;
	size_t capelems, capops, capscopes;
	bool failed;		/* out of memory in count_call */
};

static int
count_tensor(struct pstate *s, const struct ir_tensor *t)
{
	struct profile *p = s->p;
	const char *key = tensor_key(s->a, t);
	uint64_t count, bytes = 0;
	size_t i;

	if (key == NULL)
		return -1;
	if (hmap_get(&s->seen, key) != NULL)
		return 0;
	if (hmap_set(&s->seen, key, (void *)t) < 0)
		return -1;
	if (ir_tensor_count(t, &count, NULL) < 0)
		return 0;
	if (ir_elem_bytes(t->elem, count, &bytes) < 0 &&
	    t->storage == IR_DATA_RAW)
		bytes = t->size;	/* strings: what the file holds */
	for (i = 0; i < p->nelems; i++)
		if (p->elems[i].elem == t->elem)
			break;
	if (i == p->nelems) {
		if (arena_grow(s->a, (void **)&p->elems, &s->capelems,
		    p->nelems + 1, sizeof(*p->elems)) < 0)
			return -1;
		memset(&p->elems[i], 0, sizeof(*p->elems));
		p->elems[i].elem = t->elem;
		p->nelems++;
	}
	p->elems[i].params += count;
	p->elems[i].bytes += bytes;
	p->elems[i].tensors++;
	p->params += count;
	p->bytes += bytes;
	p->tensors++;
	return 0;
}

/* The largest term's coefficient: what rows are sorted by. */
static uint64_t
poly_weight(const struct profile_poly *poly)
{
	uint64_t w = 0;
	size_t i;

	for (i = 0; i < poly->n; i++)
		if (poly->t[i].coef > w)
			w = poly->t[i].coef;
	return w;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct profile_row *x = a, *y = b;
	uint64_t wx = poly_weight(&x->macs), wy = poly_weight(&y->macs);
	int r;

	if (wx != wy)
		return wx < wy ? 1 : -1;
	if ((r = strcmp(x->domain, y->domain)) != 0)
		return r;
	return strcmp(x->key, y->key);
}

static int
elem_cmp(const void *a, const void *b)
{
	const struct profile_elem *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return x->elem - y->elem;
}

/* Terms with fewer symbols first, then by the symbols. */
static int
term_cmp(const void *a, const void *b)
{
	const struct profile_term *x = a, *y = b;
	int i, r;

	if (x->nsym != y->nsym)
		return x->nsym - y->nsym;
	for (i = 0; i < x->nsym; i++)
		if ((r = strcmp(x->sym[i], y->sym[i])) != 0)
			return r;
	return 0;
}

static void
poly_sort(struct profile_poly *poly)
{
	if (poly->n > 1)
		qsort(poly->t, poly->n, sizeof(*poly->t), term_cmp);
}

/* N's multiply-accumulates into the totals, its operator's row and the
 * row of AT's scope (N itself, or the call a function body's node
 * computes for).  0, or -1 out of memory. */
static int
count_node(struct pstate *s, const struct ir_node *n, const struct ir_node *at)
{
	struct profile *p = s->p;
	struct profile_row *r, *sr;
	struct prod pr[2];
	int np, k;

	if ((np = node_macs(n, pr)) == 0)
		return 0;
	if (pr[0].bad || (np > 1 && pr[1].bad)) {
		if (p->uncounted++ == 0)
			p->uncounted_first = n->name != NULL && n->name[0] ?
			    n->name : n->op_type;
		return 0;
	}
	r = row_find(s->a, &p->ops, &p->nops, &s->capops, n->op_type,
	    n->domain);
	sr = row_find(s->a, &p->scopes, &p->nscopes, &s->capscopes,
	    scope_of(s->a, at), "");
	if (r == NULL || sr == NULL)
		return -1;
	r->nodes++;
	sr->nodes++;
	for (k = 0; k < np; k++)
		if (poly_add(s->a, &r->macs, &pr[k].t, pr[k].big) < 0 ||
		    poly_add(s->a, &sr->macs, &pr[k].t, pr[k].big) < 0 ||
		    poly_add(s->a, &p->macs, &pr[k].t, pr[k].big) < 0)
			return -1;
	return 0;
}

/* A node of a function body, inferred for one call (shapes_walk_calls);
 * a call past the walk's budget is a node not counted. */
static void
count_call(void *arg, const struct ir_node *n, const struct ir_node *call,
    bool skipped)
{
	struct pstate *s = arg;

	if (s->failed)
		return;
	if (skipped) {
		if (s->p->uncounted++ == 0)
			s->p->uncounted_first = n->name != NULL &&
			    n->name[0] ? n->name : n->op_type;
		return;
	}
	if (count_node(s, n, call) < 0)
		s->failed = true;
}

/*
 * Local functions are priced per call: PyTorch's
 * export_modules_as_functions makes every module one function, called
 * wherever the module is used, with other shapes each time.  At most
 * PROFILE_CALL_NODES (1M) body nodes are inferred over all calls (nested
 * calls multiply); the calls past it are counted as not known.
 */
#define PROFILE_CALL_NODES ((size_t)1 << 20)

static int
count_calls(struct pstate *s, struct ir_model *m)
{
	if (shapes_walk_calls(m, count_call, s, PROFILE_CALL_NODES) < 0)
		return -1;
	return s->failed ? -1 : 0;
}

int
profile_model(struct ir_model *m, struct profile *p)
{
	struct pstate s;
	struct ir_graph **graphs;
	size_t ng, i, j, k;

	memset(p, 0, sizeof(*p));
	memset(&s, 0, sizeof(s));
	s.a = &m->arena;
	s.p = p;
	hmap_init(&s.seen, s.a);
	if (shapes_infer(m) < 0)
		return -1;
	ng = ir_model_graphs(m, &graphs);
	for (i = 0; i < ng; i++) {
		struct ir_graph *g = graphs[i];

		for (j = 0; j < g->ninits; j++)
			if (g->inits[j] != NULL &&
			    count_tensor(&s, g->inits[j]) < 0)
				return -1;
		for (j = 0; j < g->nnodes; j++) {
			struct ir_node *n = g->nodes[j];

			if (n->dead)
				continue;
			if (ir_is_op(n, "Constant"))
				for (k = 0; k < n->nattrs; k++)
					if (n->attrs[k].t != NULL &&
					    count_tensor(&s,
					    n->attrs[k].t) < 0)
						return -1;
			/* a function body's cost belongs to its calls
			 * (count_calls) */
			if (g->kind == IR_GRAPH_FUNCTION)
				continue;
			if (count_node(&s, n, n) < 0)
				return -1;
		}
	}
	if (m->nfunctions > 0 && count_calls(&s, m) < 0)
		return -1;
	poly_sort(&p->macs);
	for (i = 0; i < p->nops; i++)
		poly_sort(&p->ops[i].macs);
	for (i = 0; i < p->nscopes; i++)
		poly_sort(&p->scopes[i].macs);
	if (p->nops > 1)
		qsort(p->ops, p->nops, sizeof(*p->ops), row_cmp);
	if (p->nscopes > 1)
		qsort(p->scopes, p->nscopes, sizeof(*p->scopes), row_cmp);
	if (p->nelems > 1)
		qsort(p->elems, p->nelems, sizeof(*p->elems), elem_cmp);
	return 0;
}

/* V in three significant figures with a K/M/G/T/P suffix ("4.09G"). */
static void
short_num(uint64_t v, char *buf, size_t size)
{
	static const char suf[] = "KMGTPE";
	double d = (double)v;
	int i = -1;

	while (d >= 999.5 && i < 5) {
		d /= 1000;
		i++;
	}
	if (i < 0)
		snprintf(buf, size, "%" PRIu64, v);
	else
		snprintf(buf, size, "%.*f%c", d >= 99.95 ? 0 : d >= 9.995 ?
		    1 : 2, d, suf[i]);
}

char *
profile_poly_str(const struct profile_poly *poly, bool short_, char *buf,
    size_t size)
{
	char e[DIAG_ESCAPE_SIZE], num[32];
	size_t i, len = 0;
	int j, w;

	if (size == 0)
		return buf;
	buf[0] = '\0';
	if (poly->n == 0)
		snprintf(buf, size, "0");
	for (i = 0; i < poly->n && len < size; i++) {
		const struct profile_term *t = &poly->t[i];

		if (short_)
			short_num(t->coef, num, sizeof(num));
		else
			snprintf(num, sizeof(num), "%" PRIu64, t->coef);
		w = snprintf(buf + len, size - len, "%s%s", i ? " + " : "",
		    num);
		if (w < 0)
			break;
		len += (size_t)w;
		for (j = 0; j < t->nsym && len < size; j++) {
			w = snprintf(buf + len, size - len, " x %s",
			    diag_escape_str(e, sizeof(e), t->sym[j]));
			if (w < 0)
				break;
			len += (size_t)w;
		}
	}
	if (poly->overflow && len < size)
		snprintf(buf + len, size - len, " (at least: overflow)");
	return buf;
}

#define POLY_TEXT 512

void
profile_print(FILE *fp, const struct profile *p)
{
	char b[POLY_TEXT], s[POLY_TEXT], e[DIAG_ESCAPE_SIZE];
	size_t i;

	fprintf(fp, "profile:\n");
	fprintf(fp, "  parameters:   %" PRIu64 " in %zu tensors "
	    "(%" PRIu64 " bytes)\n", p->params, p->tensors, p->bytes);
	for (i = 0; i < p->nelems; i++) {
		const char *en = ir_elem_name(p->elems[i].elem);

		fprintf(fp, "    %-10s %14" PRIu64 " bytes %14" PRIu64
		    " parameters %6zu tensors\n", en != NULL ? en : "?",
		    p->elems[i].bytes, p->elems[i].params,
		    p->elems[i].tensors);
	}
	fprintf(fp, "  MACs:         %s (%s)\n",
	    profile_poly_str(&p->macs, false, b, sizeof(b)),
	    profile_poly_str(&p->macs, true, s, sizeof(s)));
	if (p->uncounted > 0)
		fprintf(fp, "  not counted:  %zu nodes whose shapes are not "
		    "known (first '%s')\n", p->uncounted,
		    diag_escape_str(e, sizeof(e), p->uncounted_first));
	if (p->nops > 0)
		fprintf(fp, "  MACs by operator:\n");
	for (i = 0; i < p->nops; i++) {
		const struct profile_row *r = &p->ops[i];

		fprintf(fp, "    %6zu  %s%s%s: %s (%s)\n", r->nodes,
		    r->domain[0] ? r->domain : "", r->domain[0] ? "::" : "",
		    r->key, profile_poly_str(&r->macs, false, b, sizeof(b)),
		    profile_poly_str(&r->macs, true, s, sizeof(s)));
	}
	if (p->nscopes > 0)
		fprintf(fp, "  MACs by name scope:\n");
	for (i = 0; i < p->nscopes; i++) {
		const struct profile_row *r = &p->scopes[i];

		fprintf(fp, "    %6zu  %s: %s (%s)\n", r->nodes,
		    r->key[0] ? diag_escape_str(e, sizeof(e), r->key) :
		    "(no scope)",
		    profile_poly_str(&r->macs, false, b, sizeof(b)),
		    profile_poly_str(&r->macs, true, s, sizeof(s)));
	}
}

/* {"text": ..., "terms": [{"coefficient": N, "dims": [...]}], ...} */
static json_t *
poly_json(const struct profile_poly *poly)
{
	char b[POLY_TEXT], e[DIAG_ESCAPE_SIZE];
	json_t *terms = json_array(), *o;
	size_t i;
	int j;

	if (terms == NULL)
		return NULL;
	for (i = 0; i < poly->n; i++) {
		json_t *dims = json_array();

		for (j = 0; dims != NULL && j < poly->t[i].nsym; j++)
			if (json_array_append_new(dims, json_string(
			    diag_escape_str(e, sizeof(e),
			    poly->t[i].sym[j]))) < 0) {
				json_decref(dims);
				dims = NULL;
			}
		/* beyond JSON's exact integers of jansson: a number */
		if (dims == NULL || json_array_append_new(terms,
		    json_pack("{s:o,s:o}", "coefficient",
		    poly->t[i].coef > INT64_MAX ?
		    json_real((double)poly->t[i].coef) :
		    json_integer((json_int_t)poly->t[i].coef), "dims",
		    dims)) < 0) {
			json_decref(terms);
			return NULL;
		}
	}
	o = json_pack("{s:s,s:s,s:o,s:b}", "text",
	    profile_poly_str(poly, false, b, sizeof(b)), "short",
	    profile_poly_str(poly, true, b, sizeof(b)), "terms", terms,
	    "overflow", poly->overflow);
	return o;
}

static json_t *
rows_json(const struct profile_row *r, size_t n, bool scope)
{
	char e[DIAG_ESCAPE_SIZE], d[DIAG_ESCAPE_SIZE];
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && i < n; i++) {
		json_t *o = scope ?
		    json_pack("{s:s,s:I,s:o*}", "scope",
		    diag_escape_str(e, sizeof(e), r[i].key), "nodes",
		    (json_int_t)r[i].nodes, "macs", poly_json(&r[i].macs)) :
		    json_pack("{s:s,s:s,s:I,s:o*}", "domain",
		    diag_escape_str(d, sizeof(d), r[i].domain), "op_type",
		    diag_escape_str(e, sizeof(e), r[i].key), "nodes",
		    (json_int_t)r[i].nodes, "macs", poly_json(&r[i].macs));

		if (o == NULL || json_object_get(o, "macs") == NULL ||
		    json_array_append_new(a, o) < 0) {
			json_decref(o);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

struct json_t *
profile_json(const struct profile *p)
{
	json_t *elems = json_array(), *o;
	size_t i;

	for (i = 0; elems != NULL && i < p->nelems; i++) {
		const char *en = ir_elem_name(p->elems[i].elem);

		if (json_array_append_new(elems, json_pack("{s:s,s:I,s:I,s:I}",
		    "elem_type", en != NULL ? en : "?", "parameters",
		    (json_int_t)p->elems[i].params, "bytes",
		    (json_int_t)p->elems[i].bytes, "tensors",
		    (json_int_t)p->elems[i].tensors)) < 0) {
			json_decref(elems);
			return NULL;
		}
	}
	o = json_pack("{s:I,s:I,s:I,s:o,s:o*,s:I,s:o*,s:o*}",
	    "parameters", (json_int_t)p->params,
	    "parameter_bytes", (json_int_t)p->bytes,
	    "tensors", (json_int_t)p->tensors,
	    "by_elem_type", elems,
	    "macs", poly_json(&p->macs),
	    "uncounted_nodes", (json_int_t)p->uncounted,
	    "by_operator", rows_json(p->ops, p->nops, false),
	    "by_scope", rows_json(p->scopes, p->nscopes, true));
	if (o != NULL && (json_object_get(o, "macs") == NULL ||
	    json_object_get(o, "by_operator") == NULL ||
	    json_object_get(o, "by_scope") == NULL)) {
		json_decref(o);
		return NULL;
	}
	return o;
}
