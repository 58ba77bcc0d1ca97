/* SPDX-License-Identifier: MIT */
/*
 * explicit-defaults (fix --explicit-defaults): write every attribute a
 * node of an ONNX domain leaves to its schema default (LeakyRelu alpha,
 * HardSigmoid alpha and beta, GRU linear_before_reset, epsilons, Resize
 * modes, ...), so that a consumer that implements a default wrongly
 * computes what the model means.  The values come from the opdb
 * attribute table (src/opdb/attributes.tsv); the ones that table prints
 * rounded are written exactly (Selu's alpha and gamma, Clip-6's float
 * limits).  Left out, failing closed: Adam's and Adagrad's epsilon
 * (documented 0.0, 1e-6 in onnx's schema: defaults pass H688), GRU-1's
 * misspelt direction default, STRINGS and TENSOR defaults, attributes of
 * deprecated schemas, and function bodies.  Only runs with
 * --explicit-defaults.
 * Requires: a loaded model.
 * Preserves: nodes, values and what every node computes.
 *
 *	before:  LeakyRelu(X)
 *	after:   LeakyRelu(X) alpha=0.01
 */
#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "ir/irbuild.h"
#include "opdb/opdb.h"
#include "pass.h"

#define LIST_MAX 16

/* Defaults the table prints rounded: their float32 values. */
static bool
exact_float(const char *op, const char *attr, float *out)
{
	if (strcmp(op, "Selu") == 0 && strcmp(attr, "alpha") == 0)
		*out = 1.67326319217681884765625f;
	else if (strcmp(op, "Selu") == 0 && strcmp(attr, "gamma") == 0)
		*out = 1.05070102214813232421875f;
	else if (strcmp(op, "Clip") == 0 && strcmp(attr, "max") == 0)
		*out = FLT_MAX;
	else if (strcmp(op, "Clip") == 0 && strcmp(attr, "min") == 0)
		*out = -FLT_MAX;
	else
		return false;
	return true;
}

static bool
left_out(const struct ir_node *n, const struct opdb_attr *a)
{
	if (ir_streq(n->domain, "ai.onnx.preview.training") &&
	    strcmp(opdb_s(a->name), "epsilon") == 0)
		return true;
	return a->type == 3 && strcmp(opdb_s(a->dflt), "foward") == 0;
}

/* Parse a JSON list of numbers "[1, 2]" into V: its length, or -1. */
static int
parse_list(const char *s, double *v, size_t max)
{
	size_t n = 0;
	char *end;

	while (*s == ' ')
		s++;
	if (*s++ != '[')
		return -1;
	for (;;) {
		while (*s == ' ')
			s++;
		if (*s == ']')
			return s[1] == '\0' ? (int)n : -1;
		if (n == max)
			return -1;
		errno = 0;
		v[n++] = strtod(s, &end);
		if (errno != 0 || end == s)
			return -1;
		s = end;
		while (*s == ' ')
			s++;
		if (*s == ',')
			s++;
		else if (*s != ']')
			return -1;
	}
}

/* Write default A on N: 1 written, 0 left out, -1 out of budget. */
static int
write_default(struct ir_node *n, const struct opdb_attr *a)
{
	double v[LIST_MAX];
	int64_t iv[LIST_MAX];
	float fv[LIST_MAX];
	char *end;
	float f;
	int k, i;

	switch (a->type) {
	case 1:	/* FLOAT */
		if (!exact_float(n->op_type, opdb_s(a->name), &f)) {
			errno = 0;
			f = strtof(opdb_s(a->dflt), &end);
			if (errno != 0 || end == opdb_s(a->dflt) ||
			    *end != '\0')
				return 0;
		}
		return irbuild_attr_f(n, opdb_s(a->name), f) < 0 ? -1 : 1;
	case 2:	/* INT */
		errno = 0;
		iv[0] = strtoll(opdb_s(a->dflt), &end, 10);
		if (errno != 0 || end == opdb_s(a->dflt) || *end != '\0')
			return 0;
		return irbuild_attr_i(n, opdb_s(a->name), iv[0]) < 0 ? -1 : 1;
	case 3:	/* STRING */
		return irbuild_attr_s(n, opdb_s(a->name),
		    opdb_s(a->dflt)) < 0 ? -1 : 1;
	case 6:	/* FLOATS */
	case 7:	/* INTS */
		if ((k = parse_list(opdb_s(a->dflt), v, LIST_MAX)) < 0)
			return 0;
		for (i = 0; i < k; i++) {
			fv[i] = (float)v[i];
			iv[i] = (int64_t)v[i];
			if (a->type == 7 && (double)iv[i] != v[i])
				return 0;
		}
		if (a->type == 6)
			return irbuild_attr_floats(n, opdb_s(a->name), fv,
			    (size_t)k) <
			    0 ? -1 : 1;
		return irbuild_attr_ints(n, opdb_s(a->name), iv,
		    (size_t)k) < 0 ? -1 :
		    1;
	default:
		return 0;
	}
}

static int
run(struct pass_ctx *ctx)
{
	struct ir_graph **graphs;
	size_t ng, i, j, k, nattrs = 0, nnodes = 0;

	if (ctx->o == NULL || !ctx->o->explicit_defaults)
		return 0;
	ng = ir_model_graphs(ctx->m, &graphs);
	for (i = 0; i < ng; i++) {
		if (graphs[i]->kind != IR_GRAPH_MAIN &&
		    graphs[i]->kind != IR_GRAPH_SUB)
			continue;
		for (j = 0; j < graphs[i]->nnodes; j++) {
			struct ir_node *n = graphs[i]->nodes[j];
			const struct opdb_schema *s;
			int64_t opset;
			size_t added = 0;

			if (!opdb_domain_is_onnx(n->domain) ||
			    (opset = ir_node_opset(n)) < 0 ||
			    (s = opdb_schema(n->domain, n->op_type,
			    opset)) == NULL || s->deprecated)
				continue;
			for (k = 0; k < s->nattrs; k++) {
				const struct opdb_attr *a = &opdb_attrs(s)[k];
				int r;

				if (opdb_s(a->dflt) == NULL || a->required ||
				    ir_node_attr(n, opdb_s(a->name)) != NULL ||
				    left_out(n, a))
					continue;
				if ((r = write_default(n, a)) < 0)
					return -1;
				added += (size_t)r;
			}
			if (added > 0) {
				nattrs += added;
				nnodes++;
			}
		}
	}
	if (nattrs > 0) {
		ctx->changed = true;
		diag_report(ctx->d, DIAG_F_EXPLICIT, "", "%zu attribute%s on "
		    "%zu node%s", nattrs, nattrs == 1 ? "" : "s", nnodes,
		    nnodes == 1 ? "" : "s");
	}
	return 0;
}

static const char *
asked(const struct onnxfix_options *o)
{
	return o->explicit_defaults ? "--explicit-defaults" : NULL;
}

const struct pass pass_explicit_defaults = {
	"explicit-defaults", PASS_REWRITE,
	"fix --explicit-defaults: write the schema defaults nodes rely on",
	run, asked,
};
