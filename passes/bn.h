/* SPDX-License-Identifier: MIT */
/*
 * BatchNormalization helpers shared by the passes bn-check, bn-normalize
 * and bn-fold (this is not a pass): the framework conventions for epsilon
 * and momentum, reading a node's attributes across opsets, constant
 * parameters, the impact of an epsilon change, and new initializers.
 *
 * Conventions (ONNX momentum is the weight of the old running value, the
 * Keras convention; PyTorch's 0.1 is exported as 1 - 0.1 = 0.9):
 *
 *	convention  epsilon    momentum  source
 *	onnx        1e-5       0.9       schema defaults
 *	pytorch     1e-5       0.9       nn.BatchNorm*d (momentum 0.1)
 *	keras       1e-3       0.99      keras.layers.BatchNormalization
 *	tf          1.001e-5   -         fused BN clamps epsilon to >= 1.001e-5
 *	                                 (raw FusedBatchNorm default 1e-4 also
 *	                                 counts as TF)
 */
#ifndef ONNXFIX_BN_H
#define ONNXFIX_BN_H

#include "pass.h"

#define BN_EPS_DEFAULT 1e-5
#define BN_MOMENTUM_DEFAULT 0.9

/* A BatchNormalization node's attributes, defaults applied. */
struct bn_attrs {
	int64_t opset;
	double eps;
	bool has_eps;
	double momentum;
	bool has_momentum;
	bool training;		/* per the spec of its opset, see bn_read */
	int64_t training_mode;	/* opset >= 14 attribute, else 0 */
	bool has_is_test, has_spatial, has_consumed;
	int64_t is_test, spatial;
	size_t extra_outputs;	/* present outputs after Y */
	size_t extra_used;	/* of those, used or graph outputs */
};

/* Is N a live default-domain BatchNormalization with X and Y? */
bool bn_is_bn(const struct ir_node *n);
/* Read N's attributes into *A. */
void bn_read(const struct ir_node *n, struct bn_attrs *a);

/* Expected epsilon and momentum of a convention; momentum < 0 when the
 * convention has none. */
double bn_conv_eps(enum onnxfix_convention c);
double bn_conv_momentum(enum onnxfix_convention c);
const char *bn_conv_name(enum onnxfix_convention c);
/* Does EPS conform to convention C (TF accepts its two values)? */
bool bn_conv_eps_ok(enum onnxfix_convention c, double eps);

/* D rounded to float16 and back. */
double bn_round_half(double d);
/* Equal after float32 rounding, relative tolerance 1e-4. */
bool bn_float_eq(double a, double b);
/* The framework whose default EPS is, or NULL:
 * "ONNX/PyTorch default", "Keras default", ... */
const char *bn_eps_origin(double eps);
const char *bn_momentum_origin(double m);

/*
 * The constant tensor behind V: an initializer that is not a graph input
 * (those can be overridden at run time) or the value of a Constant node.
 * NULL otherwise.
 */
struct ir_tensor *bn_const(const struct ir_value *v);
/* Element count of T, or -1. */
int64_t bn_count(const struct ir_tensor *t);
/* Read T's N elements as doubles into *OUT, a scratch array from A: 0;
 * 1 when T is not a dense FLOAT/DOUBLE/FLOAT16/BFLOAT16 tensor of N
 * elements in raw_data, its element type's typed field or external data
 * that can be read in (ir_tensor_view); -1 when A is out of budget (the
 * pass is, not the tensor unreadable). */
int bn_read_f64(struct arena *a, const struct ir_tensor *t, int64_t n,
    double **out);

/* The impact on the output scale of changing epsilon from EPS_A to EPS_B,
 * from the running variance. */
struct bn_impact {
	bool known;		/* var was readable */
	int64_t channels;
	int64_t worst;		/* channel with the largest change */
	double worst_var;
	double worst_factor;	/* sqrt((var+eps_a)/(var+eps_b)) there */
	int64_t changed;	/* channels changed by more than 1e-3 */
};
void bn_impact(struct arena *a, const struct ir_node *n, double eps_a,
    double eps_b, struct bn_impact *out);
/* "output scale changes by up to 3.2% (channel 1 of 4, running variance
 * 0.0312), 4 of 4 channels by more than 1e-3" into BUF. */
const char *bn_impact_str(char *buf, size_t size, const struct bn_impact *i);

/*
 * A new initializer in G named after BASE, of element type ELEM (FLOAT,
 * DOUBLE, FLOAT16 or BFLOAT16; VALS rounded once), RANK dims DIMS.  It
 * is appended to G's initializer list; *CAP tracks the list's capacity
 * (0 before the first call for G).  Returns its value, NULL when out of
 * budget.
 */
struct ir_value *bn_new_init(struct ir_graph *g, size_t *cap,
    const char *base, int32_t elem, int rank, const int64_t *dims,
    const double *vals);
/* The same with the data left to the caller: *OUT gets the bytes to
 * fill (*NVALS elements of ELEM). */
struct ir_value *bn_new_init_raw(struct ir_graph *g, size_t *cap,
    const char *base, int32_t elem, int rank, const int64_t *dims,
    uint8_t **out, uint64_t *nvals);

/* Set float or int attribute NAME of N (adding it when absent). */
int bn_set_float(struct ir_node *n, const char *name, float f);
int bn_set_int(struct ir_node *n, const char *name, int64_t i);
/* Remove attribute NAME of N; true when it was there. */
bool bn_drop_attr(struct ir_node *n, const char *name);
/* Move node N, just appended to its graph, to just after node AFTER. */
void bn_move_after(struct ir_node *n, struct ir_node *after);

#endif
