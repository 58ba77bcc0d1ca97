/* SPDX-License-Identifier: MIT */
/*
 * Einsum (opset 12) below 12, decomposed exactly into ReduceSum,
 * Transpose, Unsqueeze, Reshape, MatMul and Squeeze (the opset pass,
 * passes/opset_expand.c).  The operands are contracted left to right:
 * a pair keeps the labels the output or a later operand needs, sums
 * the labels only one side has and nothing later needs, and multiplies
 * as MatMul([batch..., M, K], [batch..., K, N]) where batch are the
 * shared labels kept, K the shared labels summed, M and N the labels of
 * one side.  A group of two or more labels is flattened by Reshape,
 * which needs their sizes; a label repeated within one operand (a
 * diagonal) is gathered first (Gather of the merged axes).  Ellipsis
 * dims are labels of their own, counted from the right, so that they
 * broadcast as MatMul's batch dims do.
 */
#include <inttypes.h>
#include <string.h>

#include "opset.h"

#define NLAB 128	/* 52 letters, then ellipsis dims */
#define ELL 52		/* label of the ellipsis dim K from the right */
#define MAXOPS 8	/* operands */

struct term {
	int n;			/* labels */
	int lab[MAXV];
	bool ell;		/* had "..." */
};

struct einsum {
	struct conv *c;
	struct ir_graph *g;
	int64_t size[NLAB];	/* known size of a label, else -1 */
	struct ir_node *last;	/* the last node built */
	int nell;		/* most ellipsis dims of an operand */
};

/* An operand in progress: its value and the label of each axis. */
struct opnd {
	struct ir_value *v;
	int n;
	int lab[MAXV];
};

static int
letter(char ch)
{
	if (ch >= 'A' && ch <= 'Z')
		return ch - 'A';
	if (ch >= 'a' && ch <= 'z')
		return 26 + (ch - 'a');
	return -1;
}

/*
 * Parse one term of S (LEN bytes, spaces allowed) into T, "..." as a
 * marker ELL + NLAB at its place; 0, or 1 refused.
 */
static int
parse_term(struct conv *c, const char *s, size_t len, struct term *t)
{
	size_t i;
	int l;

	t->n = 0;
	t->ell = false;
	for (i = 0; i < len; i++) {
		if (s[i] == ' ')
			continue;
		if (s[i] == '.') {
			if (t->ell || i + 2 >= len || s[i + 1] != '.' ||
			    s[i + 2] != '.')
				return refuse(c, "equation: a malformed "
				    "ellipsis");
			if (t->n >= MAXV)
				return refuse(c, "equation: too many labels");
			t->ell = true;
			t->lab[t->n++] = ELL + NLAB;
			i += 2;
			continue;
		}
		if ((l = letter(s[i])) < 0)
			return refuse(c, "equation: character '%c' is not a "
			    "label", s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
		if (t->n >= MAXV)
			return refuse(c, "equation: too many labels");
		t->lab[t->n++] = l;
	}
	return 0;
}

/*
 * Replace the ellipsis marker of T by RANK - (labels) ellipsis labels
 * (RANK -1: unknown, allowed only without an ellipsis); 0, or 1.
 */
static int
expand_term(struct einsum *e, struct term *t, int rank, int which)
{
	int lab[MAXV], n = 0, i, k, fill;

	if (!t->ell) {
		if (rank >= 0 && rank != t->n)
			return refuse(e->c, "input %d has rank %d but %d "
			    "labels", which, rank, t->n);
		return 0;
	}
	if (rank < 0)
		return refuse(e->c, "an ellipsis over input %d, whose rank "
		    "is not known", which);
	fill = rank - (t->n - 1);
	if (fill < 0 || rank > MAXV)
		return refuse(e->c, "input %d has rank %d, fewer than its "
		    "labels", which, rank);
	for (i = 0; i < t->n; i++) {
		if (t->lab[i] != ELL + NLAB) {
			lab[n++] = t->lab[i];
			continue;
		}
		for (k = fill - 1; k >= 0; k--)
			lab[n++] = ELL + k;
	}
	if (fill > e->nell)
		e->nell = fill;
	memcpy(t->lab, lab, (size_t)n * sizeof(lab[0]));
	t->n = n;
	t->ell = false;
	return 0;
}

static bool
has(const int *lab, int n, int l)
{
	int i;

	for (i = 0; i < n; i++)
		if (lab[i] == l)
			return true;
	return false;
}

/* Record the known sizes of O's labels: a label that is 1 in one
 * operand and more in another (ellipsis dims) broadcasts. */
static int
note_sizes(struct einsum *e, const struct opnd *o, int which)
{
	const struct ir_value *v = o->v;
	int i;

	if (value_rank(v) != o->n)
		return 0;
	for (i = 0; i < o->n; i++) {
		const struct ir_dim *d = &v->type.dims[i];
		int64_t *s = &e->size[o->lab[i]];

		if (d->kind != IR_DIM_VALUE || d->value < 0)
			continue;
		if (*s < 0 || *s == 1)
			*s = d->value;
		else if (d->value != 1 && d->value != *s)
			return refuse(e->c, "input %d: a label of size %"
			    PRId64 " here and %" PRId64 " elsewhere", which,
			    d->value, *s);
	}
	return 0;
}

/* --- building ------------------------------------------------------- */

static struct ir_value *
build(struct einsum *e, const char *op, struct ir_value **ins, size_t nin)
{
	struct ir_node *k = emit(e->g, op, ins, nin, NULL);

	if (k == NULL)
		return NULL;
	e->last = k;
	return k->outputs[0];
}

static struct ir_value *
build_ints(struct einsum *e, const char *op, struct ir_value *x,
    const char *attr, const int64_t *v, size_t cnt)
{
	struct ir_value *y = build(e, op, &x, 1);

	if (y == NULL || irbuild_attr_ints(e->last, attr, v, cnt) < 0)
		return NULL;
	return y;
}

/* Sum the axes of O whose labels KEEP (N) lacks: 0, -1 no memory. */
static int
sum_out(struct einsum *e, struct opnd *o, const int *keep, int n)
{
	int64_t axes[MAXV];
	int i, na = 0, m = 0;

	for (i = 0; i < o->n; i++) {
		if (has(keep, n, o->lab[i]))
			o->lab[m++] = o->lab[i];
		else
			axes[na++] = i;
	}
	if (na == 0)
		return 0;
	if ((o->v = build_ints(e, "ReduceSum", o->v, "axes", axes,
	    (size_t)na)) == NULL || irbuild_attr_i(e->last, "keepdims", 0) < 0)
		return -1;
	o->n = m;
	return 0;
}

/* Transpose O to the label order LAB (a permutation of its labels). */
static int
reorder(struct einsum *e, struct opnd *o, const int *lab)
{
	int64_t perm[MAXV];
	int i, j;
	bool same = true;

	for (i = 0; i < o->n; i++) {
		for (j = 0; j < o->n && o->lab[j] != lab[i]; j++)
			;
		perm[i] = j;
		same = same && j == i;
	}
	if (same)
		return 0;
	if ((o->v = build_ints(e, "Transpose", o->v, "perm", perm,
	    (size_t)o->n)) == NULL)
		return -1;
	memcpy(o->lab, lab, (size_t)o->n * sizeof(lab[0]));
	return 0;
}

/* The product of the sizes of LAB (N): 0 when one is unknown or 0. */
static int64_t
group_size(const struct einsum *e, const int *lab, int n)
{
	int64_t p = 1;
	int i;

	for (i = 0; i < n; i++) {
		if (e->size[lab[i]] <= 0 || p > INT64_MAX / e->size[lab[i]])
			return 0;
		p *= e->size[lab[i]];
	}
	return p;
}

/* Reshape X to NB copied (batch) dims, then the N sizes DIMS: 0, 1
 * refused, -1 no memory. */
static int
reshape(struct einsum *e, struct ir_value **x, int nb, const int64_t *dims,
    int n)
{
	int64_t shape[2 * MAXV];
	struct ir_value *ins[2];
	int i;

	if (e->g->kind == IR_GRAPH_FUNCTION)
		return refuse(e->c, "a Reshape would need a constant inside "
		    "a function body");
	for (i = 0; i < nb; i++)
		shape[i] = 0;		/* copy: allowzero is 0 below 14 */
	for (i = 0; i < n; i++)
		shape[nb + i] = dims[i];
	ins[0] = *x;
	if ((ins[1] = irbuild_ints(e->g, "opset_shape", shape,
	    (size_t)(nb + n))) == NULL ||
	    (*x = build(e, "Reshape", ins, 2)) == NULL)
		return -1;
	return 0;
}

/*
 * Bring X, whose axes are NB batch dims then the groups G1 (N1 labels)
 * and G2 (N2), to NB + 2 axes (one per group): 0, 1, -1.
 */
static int
flatten2(struct einsum *e, struct ir_value **x, int nb, const int *g1,
    int n1, const int *g2, int n2)
{
	int64_t dims[2], ax[2];
	int na = 0;

	if (n1 <= 1 && n2 <= 1) {
		if (n1 == 0)
			ax[na++] = nb;
		if (n2 == 0)
			ax[na++] = nb + 1;
		if (na == 0)
			return 0;
		return (*x = build_ints(e, "Unsqueeze", *x, "axes", ax,
		    (size_t)na)) == NULL ? -1 : 0;
	}
	dims[0] = group_size(e, g1, n1);
	dims[1] = group_size(e, g2, n2);
	if (dims[0] == 0 || dims[1] == 0)
		return refuse(e->c, "two or more labels in one group of a "
		    "product, whose sizes are not all known");
	return reshape(e, x, nb, dims, 2);
}

/* Contract A and B into A, keeping the labels KEEP (N): 0, 1, -1. */
static int
contract(struct einsum *e, struct opnd *a, struct opnd *b, const int *keep,
    int n)
{
	int bat[MAXV], am[MAXV], bn[MAXV], k[MAXV], keepa[NLAB + MAXV];
	int keepb[NLAB + MAXV], lab[MAXV], nb = 0, nm = 0, nn = 0, nk = 0;
	int na = 0, nbb = 0, i, rc;
	struct ir_value *ins[2];
	int64_t dims[2 * MAXV], sq[2];
	int nd = 0, nsq = 0;

	/* each side first sums what neither the other side nor the rest
	 * needs */
	for (i = 0; i < n; i++)
		keepa[na++] = keep[i], keepb[nbb++] = keep[i];
	for (i = 0; i < b->n; i++)
		keepa[na++] = b->lab[i];
	for (i = 0; i < a->n; i++)
		keepb[nbb++] = a->lab[i];
	if (sum_out(e, a, keepa, na) < 0 || sum_out(e, b, keepb, nbb) < 0)
		return -1;
	for (i = 0; i < a->n; i++) {
		int l = a->lab[i];

		if (!has(b->lab, b->n, l))
			am[nm++] = l;
		else if (has(keep, n, l))
			bat[nb++] = l;
		else
			k[nk++] = l;
	}
	for (i = 0; i < b->n; i++)
		if (!has(a->lab, a->n, b->lab[i]))
			bn[nn++] = b->lab[i];
	/* A: [batch, M, K]; B: [batch, K, N] */
	memcpy(lab, bat, (size_t)nb * sizeof(int));
	memcpy(lab + nb, am, (size_t)nm * sizeof(int));
	memcpy(lab + nb + nm, k, (size_t)nk * sizeof(int));
	if (reorder(e, a, lab) < 0)
		return -1;
	memcpy(lab + nb, k, (size_t)nk * sizeof(int));
	memcpy(lab + nb + nk, bn, (size_t)nn * sizeof(int));
	if (reorder(e, b, lab) < 0)
		return -1;
	if ((rc = flatten2(e, &a->v, nb, am, nm, k, nk)) != 0 ||
	    (rc = flatten2(e, &b->v, nb, k, nk, bn, nn)) != 0)
		return rc;
	ins[0] = a->v;
	ins[1] = b->v;
	if ((a->v = build(e, "MatMul", ins, 2)) == NULL)
		return -1;
	/* [batch, M, N] back to [batch, am..., bn...] */
	if (nm > 1 || nn > 1) {
		for (i = 0; i < nm; i++)
			dims[nd++] = e->size[am[i]];
		for (i = 0; i < nn; i++)
			dims[nd++] = e->size[bn[i]];
		if ((rc = reshape(e, &a->v, nb, dims, nd)) != 0)
			return rc;
	} else {
		if (nm == 0)
			sq[nsq++] = nb;
		if (nn == 0)
			sq[nsq++] = nb + 1;
		if (nsq > 0 && (a->v = build_ints(e, "Squeeze", a->v, "axes",
		    sq, (size_t)nsq)) == NULL)
			return -1;
	}
	a->n = 0;
	for (i = 0; i < nb; i++)
		a->lab[a->n++] = bat[i];
	for (i = 0; i < nm; i++)
		a->lab[a->n++] = am[i];
	for (i = 0; i < nn; i++)
		a->lab[a->n++] = bn[i];
	return 0;
}

/* Is label L of size 1 in O? */
static bool
size_one(const struct opnd *o, int l)
{
	int i;

	if (value_rank(o->v) != o->n)
		return false;
	for (i = 0; i < o->n; i++)
		if (o->lab[i] == l)
			return o->v->type.dims[i].kind == IR_DIM_VALUE &&
			    o->v->type.dims[i].value == 1;
	return false;
}

/*
 * An axis of size 1 whose label another operand has in another size (or
 * one not known) broadcasts: the operand is the same along that label,
 * which is what leaving the label out of it says.  Squeeze it, so that
 * a product never meets two sizes of one label.
 */
static int
drop_broadcast(struct einsum *e, struct opnd *o, int nt)
{
	int64_t axes[MAXV];
	int i, j, k, na, m;

	for (i = 0; i < nt; i++) {
		na = 0;
		m = 0;
		for (k = 0; k < o[i].n; k++) {
			int l = o[i].lab[k];
			bool drop = false;

			if (size_one(&o[i], l))
				for (j = 0; j < nt; j++)
					if (j != i && has(o[j].lab, o[j].n,
					    l) && !size_one(&o[j], l))
						drop = true;
			if (drop)
				axes[na++] = k;
			else
				o[i].lab[m++] = l;
		}
		if (na == 0)
			continue;
		if ((o[i].v = build_ints(e, "Squeeze", o[i].v, "axes", axes,
		    (size_t)na)) == NULL)
			return -1;
		o[i].n = m;
	}
	return 0;
}

/*
 * A label repeated within operand O takes the diagonal: the two axes
 * moved last, merged by Reshape (the others copied) and the elements
 * k * (size + 1) gathered, for each repeat.  The size must be known.
 * 0, 1 refused, -1 out of memory.
 */
static int
diagonal(struct einsum *e, struct opnd *o)
{
	int64_t perm[MAXV], size, idx[MAXV], k;
	struct ir_value *ins[2];
	int i, j, a, b, m, lab[MAXV];

	for (;;) {
		for (a = 0, b = -1; a < o->n && b < 0; a++)
			for (j = a + 1; j < o->n && b < 0; j++)
				if (o->lab[j] == o->lab[a])
					b = j;
		if (b < 0)
			return 0;
		a--;
		size = e->size[o->lab[a]];
		if (size <= 0 || size > MAXV)
			return refuse(e->c, "a repeated label (a diagonal) of "
			    "size not known, or over %d", MAXV);
		if (e->g->kind == IR_GRAPH_FUNCTION)
			return refuse(e->c, "a diagonal would need constants "
			    "inside a function body");
		for (i = 0, m = 0; i < o->n; i++)
			if (i != a && i != b) {
				perm[m] = i;
				lab[m++] = o->lab[i];
			}
		perm[m] = a;
		perm[m + 1] = b;
		lab[m] = o->lab[a];
		if (a != o->n - 2 || b != o->n - 1) {	/* not last yet */
			if ((o->v = build_ints(e, "Transpose", o->v, "perm",
			    perm, (size_t)o->n)) == NULL)
				return -1;
		}
		for (i = 0; i < m; i++)
			idx[i] = 0;	/* copy: allowzero is 0 below 14 */
		idx[m] = size * size;
		ins[0] = o->v;
		if ((ins[1] = irbuild_ints(e->g, "opset_shape", idx,
		    (size_t)m + 1)) == NULL ||
		    (o->v = build(e, "Reshape", ins, 2)) == NULL)
			return -1;
		for (k = 0; k < size; k++)
			idx[k] = k * (size + 1);
		ins[0] = o->v;
		if ((ins[1] = irbuild_ints(e->g, "opset_diag", idx,
		    (size_t)size)) == NULL ||
		    (o->v = build(e, "Gather", ins, 2)) == NULL ||
		    irbuild_attr_i(e->last, "axis", m) < 0)
			return -1;
		memcpy(o->lab, lab, (size_t)(m + 1) * sizeof(int));
		o->n = m + 1;
	}
}

/* Parse the equation of N into the input terms T (*NT) and the output
 * term OUT: 0, 1 refused. */
static int
parse(struct einsum *e, struct term *t, int *nt, struct term *out)
{
	struct conv *c = e->c;
	const struct ir_attr *a = ir_node_attr(c->n, "equation");
	const char *s, *arrow = NULL, *p;
	size_t len, i;
	int count[NLAB], j, l, rc;

	if (a == NULL || a->type != IR_ATTR_STRING || attr_is_ref(a))
		return refuse(c, "attribute 'equation' is not a plain string");
	/* a STRING attribute without its s field holds "" */
	s = a->s != NULL ? (const char *)a->s : "";
	len = a->s != NULL ? a->slen : 0;
	for (i = 0; i + 1 < len; i++)
		if (s[i] == '-' && s[i + 1] == '>') {
			arrow = s + i;
			break;
		}
	*nt = 0;
	p = s;
	for (i = 0; i <= (arrow != NULL ? (size_t)(arrow - s) : len); i++) {
		if (i < (arrow != NULL ? (size_t)(arrow - s) : len) &&
		    s[i] != ',')
			continue;
		if (*nt >= MAXOPS)
			return refuse(c, "more than %d operands", MAXOPS);
		if ((rc = parse_term(c, p, (size_t)(s + i - p), &t[*nt])) != 0)
			return rc;
		(*nt)++;
		p = s + i + 1;
	}
	if ((size_t)*nt != c->n->ninputs)
		return refuse(c, "%d terms for %zu inputs", *nt,
		    (size_t)c->n->ninputs);
	for (j = 0; j < *nt; j++)
		if ((rc = expand_term(e, &t[j], value_rank(in(c->n,
		    (size_t)j)), j)) != 0)
			return rc;
	memset(count, 0, sizeof(count));
	for (j = 0; j < *nt; j++)
		for (i = 0; i < (size_t)t[j].n; i++)
			count[t[j].lab[i]]++;
	if (arrow != NULL) {
		if ((rc = parse_term(c, arrow + 2, len - (size_t)(arrow + 2 -
		    s), out)) != 0)
			return rc;
		if (e->nell > 0 && !out->ell)
			return refuse(c, "ellipsis dims summed away");
		if (out->ell && (rc = expand_term(e, out, out->n - 1 +
		    e->nell, -1)) != 0)
			return rc;
		for (i = 0; i < (size_t)out->n; i++)
			if (has(out->lab, (int)i, out->lab[i]) ||
			    count[out->lab[i]] == 0)
				return refuse(c, "output label repeated or "
				    "not in any input");
		return 0;
	}
	/* implicit: the ellipsis dims, then the labels seen once, sorted */
	out->n = 0;
	out->ell = false;
	for (l = e->nell - 1; l >= 0; l--)
		out->lab[out->n++] = ELL + l;
	for (l = 0; l < ELL; l++)
		if (count[l] == 1) {
			if (out->n == MAXV)
				return refuse(c, "an output of more than %d "
				    "dims", MAXV);
			out->lab[out->n++] = l;
		}
	return 0;
}

int
opset_einsum(struct conv *c, int to)
{
	struct einsum e;
	struct term t[MAXOPS], out;
	struct opnd o[MAXOPS];
	struct ir_value *outs[1], *y;
	int nt = 0, i, j, l, rc, need[NLAB], nneed;

	(void)to;	/* the new nodes' types are checked at TO */
	memset(&e, 0, sizeof(e));
	e.c = c;
	e.g = c->n->graph;
	for (i = 0; i < NLAB; i++)
		e.size[i] = -1;
	if (c->n->noutputs != 1 || c->n->ninputs < 1)
		return refuse(c, "unexpected inputs or outputs");
	if ((rc = parse(&e, t, &nt, &out)) != 0)
		return rc;
	for (i = 0; i < nt; i++) {
		if ((o[i].v = in(c->n, (size_t)i)) == NULL)
			return refuse(c, "input %d is absent", i);
		o[i].n = t[i].n;
		memcpy(o[i].lab, t[i].lab, (size_t)t[i].n * sizeof(int));
		if ((rc = note_sizes(&e, &o[i], i)) != 0)
			return rc;
	}
	retire(c->n, outs, 1);
	if (drop_broadcast(&e, o, nt) < 0)
		return -1;
	for (i = 0; i < nt; i++)
		if ((rc = diagonal(&e, &o[i])) != 0)
			return rc;
	for (i = 1; i < nt; i++) {
		/* what the output and the operands after I need */
		nneed = 0;
		for (l = 0; l < out.n; l++)
			need[nneed++] = out.lab[l];
		for (j = i + 1; j < nt; j++)
			for (l = 0; l < o[j].n; l++)
				if (!has(need, nneed, o[j].lab[l]))
					need[nneed++] = o[j].lab[l];
		if ((rc = contract(&e, &o[0], &o[i], need, nneed)) != 0)
			return rc;
	}
	if (sum_out(&e, &o[0], out.lab, out.n) < 0 ||
	    reorder(&e, &o[0], out.lab) < 0)
		return -1;
	y = outs[0];
	if (e.last == NULL)	/* the equation is the identity */
		return emit(e.g, "Identity", &o[0].v, 1, y) == NULL ? -1 : 0;
	/* the last node built gives the Einsum's output */
	e.last->outputs[0]->producer = NULL;
	ir_node_set_output(e.last, 0, y);
	e.last->name = y->name;
	return 0;
}
