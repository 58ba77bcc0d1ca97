/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: structure-aware.  The inputs are ONNX models and the
 * mutator (LLVMFuzzerCustomMutator) works on the model itself: it decodes
 * the input with protobuf-c into an arena, applies one to four
 * graph-level mutations drawn from the operator schema tables (opdb.h)
 * and encodes the result again.  An input that does not decode goes to
 * libFuzzer's byte mutator instead.  LLVMFuzzerCustomCrossOver splices
 * the nodes of one model into another.
 *
 * The property checker (LLVMFuzzerTestOneInput) runs what the command
 * line runs, from a file in a temporary directory (so that external data
 * beside it resolves): load; check with --target ort-cpu; dot -T dot;
 * info --profile (every call of a local function priced); fix --passes
 * opset to an opset from 7 to 21 (exact, refused or over the budget;
 * its output checks); fix with every pass; save; the saved model loads
 * again and its check
 * adds no fatal finding; diff of the model against the fixed one; fix of
 * the fixed model encodes to the same bytes (idempotence).  Status 70
 * (ONNXFIX_EINTERNAL) anywhere is a bug, and so is a step that allocates
 * more than the memory budget outside the budget's accounting (measured
 * with the sanitizer's allocation hooks when they are there).
 *
 * Idempotence is required of models without structural errors; on a
 * graph with two producers of a name, undefined values or a cycle, what
 * fix makes of it may take a second run, and that is only counted.
 *
 * Environment:
 *   FUZZ_STRUCT_IDEMPOTENCE=count|off  count a non-idempotent fix (printed
 *                              at exit) rather than fail; or skip the check
 *   FUZZ_STRUCT_FANOUT=N       at most N copies of one input (10,000)
 *   FUZZ_STRUCT_MUTATE=N       after each input, the mutator's chain of N
 *                              steps from it, each checked (no libFuzzer
 *                              needed: works in the replay driver)
 *   FUZZ_STRUCT_MUTATE_OUT=F   write each step of that chain to F
 *   FUZZ_STRUCT_STATS=1        counts at exit
 */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "onnxfix.h"
#include "io/xdata.h"
#include "opdb/opdb.h"
#include "view/profile.h"
#include "onnx.pb-c.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size)
    __attribute__((weak));
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
    unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1,
    const uint8_t *d2, size_t s2, uint8_t *out, size_t max_out,
    unsigned int seed);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The sanitizer's allocator interface, when linked with one. */
int __sanitizer_install_malloc_and_free_hooks(
    void (*m)(const volatile void *, size_t),
    void (*f)(const volatile void *)) __attribute__((weak));
size_t __sanitizer_get_allocated_size(const volatile void *p)
    __attribute__((weak));

/* ------------------------------------------------------------------ */
/* Arena for the decoded model: protobuf-c allocates through it, every
 * mutation allocates from it, nothing is freed until the end.  So a
 * mutation may share a submessage between two places freely. */

struct blk {
	struct blk *next;
	size_t used, cap;
	size_t pad;
};

static struct blk *arena;

static void *
mem(size_t n)
{
	struct blk *b = arena;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;

		b = malloc(sizeof(*b) + cap);
		if (b == NULL)
			fuzz_fail("mutator out of memory");
		b->next = arena;
		b->used = 0;
		b->cap = cap;
		arena = b;
	}
	p = (char *)(b + 1) + b->used;
	b->used += n;
	memset(p, 0, n);
	return p;
}

static void
arena_drop(void)
{
	while (arena != NULL) {
		struct blk *b = arena;

		arena = b->next;
		free(b);
	}
}

static void *
pb_alloc(void *ud, size_t n)
{
	(void)ud;
	return mem(n == 0 ? 1 : n);
}

static void
pb_free(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

static ProtobufCAllocator pb_arena = { pb_alloc, pb_free, NULL };

static char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = mem(n);

	memcpy(p, s, n);
	return p;
}

static void *
grown(void *v, size_t n, size_t add, size_t size)
{
	void *p = mem((n + add) * size);

	if (n > 0)
		memcpy(p, v, n * size);
	return p;
}

#define PUSH(arr, n, item) do {						\
	__typeof__(item) push_item_ = (item);				\
	(arr) = grown((arr), (n), 1, sizeof(*(arr)));			\
	(arr)[(n)++] = push_item_;					\
} while (0)

#define DEL(arr, n, k) do {						\
	size_t del_at_ = (k);						\
	memmove(&(arr)[del_at_], &(arr)[del_at_ + 1],			\
	    ((n) - del_at_ - 1) * sizeof(*(arr)));			\
	(n)--;								\
} while (0)

/* A growing list of pointers (arena memory). */
struct vec {
	void **v;
	size_t n, cap;
};

static void
vpush(struct vec *x, void *p)
{
	if (x->n == x->cap) {
		size_t c = x->cap ? 2 * x->cap : 64;

		x->v = grown(x->v, x->n, c - x->n, sizeof(*x->v));
		x->cap = c;
	}
	x->v[x->n++] = p;
}

/* ------------------------------------------------------------------ */
/* Deterministic randomness from the seed libFuzzer gives. */

static uint64_t rs;
/* FUZZ_STRUCT_FANOUT: the most copies of one input m_fanout makes. */
static size_t max_fanout = 10000;

static uint64_t
rnd(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static size_t
rn(size_t n)
{
	return n == 0 ? 0 : (size_t)(rnd() % n);
}

static bool
coin(unsigned k)
{
	return rn(k) == 0;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define PICK(a) ((a)[rn(NELEM(a))])

static const int64_t bound_ints[] = {
	0, 1, -1, 2, -2, 3, 4, 7, 8, 64, 65, -65, 66, 100, 127, 128, 255,
	256, 1024, 65535, 65536, INT32_MAX, INT32_MIN, (int64_t)1 << 31,
	-((int64_t)1 << 31), (int64_t)1 << 32, (int64_t)1 << 53,
	(int64_t)1 << 62, -((int64_t)1 << 62), INT64_MAX, INT64_MIN,
	INT64_MAX - 1, INT64_MIN + 1,
};

static int64_t
pick_int(void)
{
	if (coin(3))
		return (int64_t)rn(6) - 2;
	return PICK(bound_ints);
}

static float
pick_float(void)
{
	static const float v[] = {
		0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 3.0f, 1e-5f, 1e-3f,
		0.9f, 0.99f, 6.0f, 1e-45f, FLT_MIN, FLT_MAX, -FLT_MAX,
		2147483648.0f, 9.3e18f, -9.3e18f, 1e30f, 65504.0f, 65536.0f,
	};

	switch (rn(12)) {
	case 0:
		return NAN;
	case 1:
		return INFINITY;
	case 2:
		return -INFINITY;
	case 3:
		return (float)((int)rn(200) - 100) / 8.0f;
	default:
		return PICK(v);
	}
}

static const char *const str_pool[] = {
	"", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant",
	"reflect", "edge", "wrap", "nearest", "linear", "cubic",
	"half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel",
	"tf_crop_and_resize", "half_pixel_symmetric", "round_prefer_floor",
	"round_prefer_ceil", "floor", "ceil", "DCR", "CRD", "bij,bjk->bik",
	"ij->ji", "...ii->...i", "i,i", "a,b->ab", ",->", "abc->cba",
	"ij,jk", "->", "i->", "...,...->...", "ii", "a...,...a->...",
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ->a", "NCHW",
	"NHWC", "max", "mean", "sum", "none", "Relu", "Sigmoid", "Tanh",
	"LeakyRelu", "HardSigmoid", "tanh", "relu", "LSTM", "forward",
	"reverse", "bidirectional", "stretch", "not_larger", "not_smaller",
	"exclude", "include", "bfloat16", "float8e4m3fn", "%s%n%x",
	"\"<>{}|\\", "\xff\xfe\x80", "\x1b[31m", "a\nb", "fz.local",
};

/* A string value: the pool, or a STRING default from the schemas. */
static const char *
pick_str(void)
{
	const struct opdb_schema *all;
	size_t n, tries;

	if (coin(2))
		return PICK(str_pool);
	n = opdb_schemas(&all);
	for (tries = 0; tries < 8; tries++) {
		const struct opdb_schema *s = &all[rn(n)];
		size_t k;

		for (k = 0; k < s->nattrs; k++)
			if (opdb_attrs(s)[k].type == 3 &&
			    opdb_attrs(s)[k].dflt != OPDB_NONE)
				return opdb_s(opdb_attrs(s)[k].dflt);
	}
	return PICK(str_pool);
}

static char *
fresh(void)
{
	char b[32];

	snprintf(b, sizeof(b), "fz%x", (unsigned)rnd() & 0xffffff);
	return xstrdup(b);
}

/* ------------------------------------------------------------------ */
/* Tensor element types. */

static const int all_dtypes[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
	21, 22, 23, 24, 25, 26,
};

static int
pick_dtype(void)
{
	static const int odd[] = { 0, 27, 100, -1, INT32_MAX };

	if (coin(16))
		return PICK(odd);
	if (coin(2))
		return coin(2) ? 1 : 7;
	return PICK(all_dtypes);
}

/* Bits per element; 0 for strings and unknown types. */
static unsigned
dtype_bits(int t)
{
	switch (t) {
	case 1: case 6: case 12:
		return 32;
	case 2: case 3: case 9: case 17: case 18: case 19: case 20: case 24:
		return 8;
	case 4: case 5: case 10: case 16:
		return 16;
	case 7: case 11: case 13: case 14:
		return 64;
	case 15:
		return 128;
	case 21: case 22: case 23:
		return 4;
	case 25: case 26:
		return 2;
	default:
		return 0;
	}
}

static Onnx__StringStringEntryProto *
kv(const char *k, const char *v)
{
	Onnx__StringStringEntryProto *e = mem(sizeof(*e));

	onnx__string_string_entry_proto__init(e);
	e->key = (char *)k;
	e->value = (char *)v;
	return e;
}

/* Elements that DIMS claim, saturated at UINT64_MAX; negative dims
 * count as 0. */
static uint64_t
count_of(const int64_t *dims, size_t n)
{
	uint64_t c = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (dims[i] <= 0)
			return 0;
		if (__builtin_mul_overflow(c, (uint64_t)dims[i], &c))
			return UINT64_MAX;
	}
	return c;
}

static void
clear_data(Onnx__TensorProto *t)
{
	t->n_float_data = t->n_int32_data = t->n_string_data = 0;
	t->n_int64_data = t->n_double_data = t->n_uint64_data = 0;
	t->has_raw_data = 0;
	t->raw_data.len = 0;
	t->raw_data.data = NULL;
}

/* Fill T with COUNT elements of its type (or a few more or less), in
 * raw_data or in the typed field. */
static void
fill_data(Onnx__TensorProto *t, uint64_t count)
{
	unsigned bits = dtype_bits(t->data_type);
	size_t n, i;

	clear_data(t);
	if (count > 4096)
		return;
	n = (size_t)count;
	if (coin(6)) {		/* shorter or longer than dims say */
		static const int d[] = { -1, 1, -2, 2, 7, 100 };
		int k = PICK(d);

		n = (k < 0 && (size_t)-k > n) ? 0 : n + k;
	}
	if (t->data_type == 8) {
		t->n_string_data = n;
		t->string_data = mem((n + 1) * sizeof(*t->string_data));
		for (i = 0; i < n; i++) {
			const char *s = pick_str();

			t->string_data[i].data = (uint8_t *)s;
			t->string_data[i].len = strlen(s);
		}
		return;
	}
	if (bits != 0 && coin(2)) {
		size_t bytes = (n * bits + 7) / 8;
		uint8_t *p = mem(bytes + 1);

		for (i = 0; i < bytes; i++)
			p[i] = coin(2) ? 0 : (uint8_t)rnd();
		if (t->data_type == 1)
			for (i = 0; i + 4 <= bytes; i += 4) {
				float f = coin(3) ? pick_float() : (float)rn(4);

				memcpy(p + i, &f, 4);
			}
		if (t->data_type == 7)
			for (i = 0; i + 8 <= bytes; i += 8) {
				int64_t v = pick_int();

				memcpy(p + i, &v, 8);
			}
		t->has_raw_data = 1;
		t->raw_data.data = p;
		t->raw_data.len = bytes;
		return;
	}
	if (coin(12)) {		/* the values in a field of another type */
		switch (rn(3)) {
		case 0:
			goto floats;
		case 1:
			goto int64s;
		default:
			goto doubles;
		}
	}
	switch (t->data_type) {
	case 1: case 14:
	floats:
		if (t->data_type == 14)
			n *= 2;
		t->n_float_data = n;
		t->float_data = mem((n + 1) * sizeof(float));
		for (i = 0; i < n; i++)
			t->float_data[i] = coin(3) ? pick_float() :
			    (float)rn(4);
		break;
	case 7:
	int64s:
		t->n_int64_data = n;
		t->int64_data = mem((n + 1) * sizeof(int64_t));
		for (i = 0; i < n; i++)
			t->int64_data[i] = coin(2) ? pick_int() :
			    (int64_t)rn(4);
		break;
	case 11: case 15:
	doubles:
		if (t->data_type == 15)
			n *= 2;
		t->n_double_data = n;
		t->double_data = mem((n + 1) * sizeof(double));
		for (i = 0; i < n; i++)
			t->double_data[i] = pick_float();
		break;
	case 12: case 13:
		t->n_uint64_data = n;
		t->uint64_data = mem((n + 1) * sizeof(uint64_t));
		for (i = 0; i < n; i++)
			t->uint64_data[i] = (uint64_t)pick_int();
		break;
	default:
		t->n_int32_data = n;
		t->int32_data = mem((n + 1) * sizeof(int32_t));
		for (i = 0; i < n; i++)
			t->int32_data[i] = (int32_t)(coin(2) ? pick_int() :
			    (int64_t)rn(4));
		break;
	}
}

static size_t
pick_rank(void)
{
	static const size_t big[] = { 5, 6, 8, 63, 64, 65, 66, 100 };

	if (coin(10))
		return PICK(big);
	return rn(5);
}

static int64_t
pick_dim(void)
{
	if (coin(8))
		return PICK(bound_ints);
	return (int64_t)rn(4) + 1;
}

static Onnx__TensorProto *
gen_tensor_of(int dtype, size_t rank)
{
	Onnx__TensorProto *t = mem(sizeof(*t));
	size_t i;

	onnx__tensor_proto__init(t);
	t->has_data_type = 1;
	t->data_type = dtype;
	t->n_dims = rank;
	t->dims = mem((rank + 1) * sizeof(int64_t));
	for (i = 0; i < rank; i++)
		t->dims[i] = rank > 8 ? 1 : pick_dim();
	fill_data(t, count_of(t->dims, rank));
	return t;
}

static Onnx__TensorProto *
gen_tensor(void)
{
	return gen_tensor_of(pick_dtype(), pick_rank());
}

/* An int64 tensor holding V (1-D of N, or a scalar when N is 0). */
static Onnx__TensorProto *
int64_tensor(const int64_t *v, size_t n, bool scalar)
{
	Onnx__TensorProto *t = mem(sizeof(*t));

	onnx__tensor_proto__init(t);
	t->has_data_type = 1;
	t->data_type = 7;
	if (!scalar) {
		t->n_dims = 1;
		t->dims = mem(sizeof(int64_t));
		t->dims[0] = (int64_t)n;
	}
	t->n_int64_data = n;
	t->int64_data = mem((n + 1) * sizeof(int64_t));
	memcpy(t->int64_data, v, n * sizeof(int64_t));
	return t;
}

static Onnx__TypeProto *
gen_type(int depth)
{
	Onnx__TypeProto *tp = mem(sizeof(*tp));
	size_t r = depth > 2 ? 0 : rn(12), i, rank;

	onnx__type_proto__init(tp);
	if (r < 8) {
		Onnx__TypeProto__Tensor *t = mem(sizeof(*t));

		onnx__type_proto__tensor__init(t);
		t->has_elem_type = !coin(20);
		t->elem_type = pick_dtype();
		if (!coin(6)) {
			t->shape = mem(sizeof(*t->shape));
			onnx__tensor_shape_proto__init(t->shape);
			rank = pick_rank();
			t->shape->n_dim = rank;
			t->shape->dim = mem((rank + 1) * sizeof(void *));
			for (i = 0; i < rank; i++) {
				Onnx__TensorShapeProto__Dimension *d =
				    mem(sizeof(*d));

				onnx__tensor_shape_proto__dimension__init(d);
				switch (rn(6)) {
				case 0:
					d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
					d->dim_param = (char *)(coin(2) ?
					    "N" : PICK(str_pool));
					break;
				case 1:
					break;
				default:
					d->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
					d->dim_value = rank > 8 ? 1 :
					    pick_dim();
				}
				t->shape->dim[i] = d;
			}
		}
		tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
		tp->tensor_type = t;
	} else if (r == 8) {
		Onnx__TypeProto__Sequence *s = mem(sizeof(*s));

		onnx__type_proto__sequence__init(s);
		s->elem_type = coin(8) ? NULL : gen_type(depth + 1);
		tp->value_case = ONNX__TYPE_PROTO__VALUE_SEQUENCE_TYPE;
		tp->sequence_type = s;
	} else if (r == 9) {
		Onnx__TypeProto__Optional *s = mem(sizeof(*s));

		onnx__type_proto__optional__init(s);
		s->elem_type = gen_type(depth + 1);
		tp->value_case = ONNX__TYPE_PROTO__VALUE_OPTIONAL_TYPE;
		tp->optional_type = s;
	} else if (r == 10) {
		Onnx__TypeProto__Map *s = mem(sizeof(*s));

		onnx__type_proto__map__init(s);
		s->has_key_type = 1;
		s->key_type = pick_dtype();
		s->value_type = gen_type(depth + 1);
		tp->value_case = ONNX__TYPE_PROTO__VALUE_MAP_TYPE;
		tp->map_type = s;
	} else {
		Onnx__TypeProto__SparseTensor *s = mem(sizeof(*s));

		onnx__type_proto__sparse_tensor__init(s);
		s->has_elem_type = 1;
		s->elem_type = pick_dtype();
		tp->value_case = ONNX__TYPE_PROTO__VALUE_SPARSE_TENSOR_TYPE;
		tp->sparse_tensor_type = s;
	}
	return tp;
}

/* A float tensor type of unknown shape, or any type. */
static Onnx__TypeProto *
out_type(void)
{
	Onnx__TypeProto *tp;
	Onnx__TypeProto__Tensor *t;

	if (coin(3))
		return gen_type(0);
	tp = mem(sizeof(*tp));
	t = mem(sizeof(*t));
	onnx__type_proto__init(tp);
	onnx__type_proto__tensor__init(t);
	t->has_elem_type = 1;
	t->elem_type = 1;
	tp->value_case = ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE;
	tp->tensor_type = t;
	return tp;
}

static Onnx__ValueInfoProto *
vi(const char *name, Onnx__TypeProto *tp)
{
	Onnx__ValueInfoProto *v = mem(sizeof(*v));

	onnx__value_info_proto__init(v);
	v->name = (char *)name;
	v->type = tp;
	return v;
}

static Onnx__SparseTensorProto *
gen_sparse(void)
{
	Onnx__SparseTensorProto *s = mem(sizeof(*s));
	size_t rank = coin(8) ? pick_rank() : 1 + rn(2), nnz, i;
	int64_t *idx;
	bool coo = rank > 1 && coin(2);

	onnx__sparse_tensor_proto__init(s);
	s->n_dims = rank;
	s->dims = mem((rank + 1) * sizeof(int64_t));
	for (i = 0; i < rank; i++)
		s->dims[i] = coin(6) ? PICK(bound_ints) : 2 + (int64_t)rn(4);
	nnz = rn(5);
	s->values = gen_tensor_of(coin(2) ? 1 : pick_dtype(), 1);
	s->values->dims[0] = (int64_t)nnz;
	fill_data(s->values, nnz);
	idx = mem((nnz * rank + 1) * sizeof(int64_t));
	for (i = 0; i < (coo ? nnz * rank : nnz); i++)
		idx[i] = coin(6) ? pick_int() : (int64_t)(i * 2 % 5);
	s->indices = int64_tensor(idx, coo ? nnz * rank : nnz, false);
	if (coo) {
		s->indices->n_dims = 2;
		s->indices->dims = mem(2 * sizeof(int64_t));
		s->indices->dims[0] = (int64_t)nnz;
		s->indices->dims[1] = (int64_t)rank;
	}
	if (coin(8))
		s->indices->data_type = pick_dtype();
	return s;
}

/* ------------------------------------------------------------------ */
/* What the model holds: every graph (with its parent), node, tensor,
 * value info and attribute, collected again after each mutation. */

#define MAXG 256

struct gref {
	Onnx__GraphProto *g;
	int parent;		/* -1: the main graph or a function's */
	int depth;
};

struct nref {
	Onnx__NodeProto *n;
	int gi;				/* -1: in a function */
	Onnx__FunctionProto *f;
};

static Onnx__ModelProto *M;
static struct gref G[MAXG];
static size_t nG;
static struct vec nodes, tensors, vinfos, attrs, sparses;

static void collect_graph(Onnx__GraphProto *g, int parent, int depth);

static void
collect_node(Onnx__NodeProto *n, int gi, Onnx__FunctionProto *f, int depth)
{
	struct nref *r = mem(sizeof(*r));
	size_t i, k;

	r->n = n;
	r->gi = gi;
	r->f = f;
	vpush(&nodes, r);
	for (i = 0; i < n->n_attribute; i++) {
		Onnx__AttributeProto *a = n->attribute[i];

		vpush(&attrs, a);
		if (a->t != NULL)
			vpush(&tensors, a->t);
		for (k = 0; k < a->n_tensors; k++)
			vpush(&tensors, a->tensors[k]);
		if (a->sparse_tensor != NULL)
			vpush(&sparses, a->sparse_tensor);
		for (k = 0; k < a->n_sparse_tensors; k++)
			vpush(&sparses, a->sparse_tensors[k]);
		if (a->g != NULL)
			collect_graph(a->g, gi, depth + 1);
		for (k = 0; k < a->n_graphs; k++)
			collect_graph(a->graphs[k], gi, depth + 1);
	}
}

static void
collect_graph(Onnx__GraphProto *g, int parent, int depth)
{
	int me;
	size_t i;

	if (g == NULL || nG >= MAXG || depth > 40)
		return;
	me = (int)nG;
	G[nG].g = g;
	G[nG].parent = parent;
	G[nG++].depth = depth;
	for (i = 0; i < g->n_initializer; i++)
		vpush(&tensors, g->initializer[i]);
	for (i = 0; i < g->n_sparse_initializer; i++)
		vpush(&sparses, g->sparse_initializer[i]);
	for (i = 0; i < g->n_input; i++)
		vpush(&vinfos, g->input[i]);
	for (i = 0; i < g->n_output; i++)
		vpush(&vinfos, g->output[i]);
	for (i = 0; i < g->n_value_info; i++)
		vpush(&vinfos, g->value_info[i]);
	for (i = 0; i < g->n_node; i++)
		collect_node(g->node[i], me, NULL, depth);
}

static void
collect(void)
{
	size_t i, k;

	nG = 0;
	memset(&nodes, 0, sizeof(nodes));
	memset(&tensors, 0, sizeof(tensors));
	memset(&vinfos, 0, sizeof(vinfos));
	memset(&attrs, 0, sizeof(attrs));
	memset(&sparses, 0, sizeof(sparses));
	collect_graph(M->graph, -1, 0);
	for (i = 0; i < M->n_functions; i++) {
		Onnx__FunctionProto *f = M->functions[i];

		for (k = 0; k < f->n_node; k++)
			collect_node(f->node[k], -1, f, 0);
		for (k = 0; k < f->n_value_info; k++)
			vpush(&vinfos, f->value_info[k]);
	}
	for (i = 0; i < sparses.n; i++) {
		Onnx__SparseTensorProto *s = sparses.v[i];

		if (s->values != NULL)
			vpush(&tensors, s->values);
		if (s->indices != NULL)
			vpush(&tensors, s->indices);
	}
}

static struct nref *
pick_node(void)
{
	return nodes.n == 0 ? NULL : nodes.v[rn(nodes.n)];
}

/* Names defined in graph GI itself. */
static void
own_names(int gi, struct vec *out)
{
	Onnx__GraphProto *g = G[gi].g;
	size_t i, k;

	for (i = 0; i < g->n_input; i++)
		if (g->input[i]->name != NULL)
			vpush(out, g->input[i]->name);
	for (i = 0; i < g->n_initializer; i++)
		if (g->initializer[i]->name != NULL)
			vpush(out, g->initializer[i]->name);
	for (i = 0; i < g->n_sparse_initializer; i++)
		if (g->sparse_initializer[i]->values != NULL &&
		    g->sparse_initializer[i]->values->name != NULL)
			vpush(out, g->sparse_initializer[i]->values->name);
	for (i = 0; i < g->n_node; i++)
		for (k = 0; k < g->node[i]->n_output; k++)
			if (g->node[i]->output[k][0] != '\0')
				vpush(out, g->node[i]->output[k]);
}

/* Names visible in graph GI: its own and its ancestors'. */
static void
visible(int gi, struct vec *out)
{
	while (gi >= 0) {
		own_names(gi, out);
		gi = G[gi].parent;
	}
}

/* Names a node of R may use. */
static void
names_for(const struct nref *r, struct vec *out)
{
	size_t i, k;

	if (r->gi >= 0) {
		visible(r->gi, out);
		return;
	}
	for (i = 0; i < r->f->n_input; i++)
		vpush(out, r->f->input[i]);
	for (i = 0; i < r->f->n_node; i++)
		for (k = 0; k < r->f->node[i]->n_output; k++)
			vpush(out, r->f->node[i]->output[k]);
}

static char *
pick_name(struct vec *v)
{
	return v->n == 0 ? fresh() : v->v[rn(v->n)];
}

/* Graph to add to: mostly the main graph. */
static int
pick_graph(void)
{
	if (nG == 0)
		return -1;
	return coin(3) ? (int)rn(nG) : 0;
}

/* Deep copies (through the wire format): sharing a graph or a node that
 * holds graphs could make a graph contain itself. */
static Onnx__GraphProto *
copy_graph(const Onnx__GraphProto *g)
{
	size_t n = onnx__graph_proto__get_packed_size(g);
	uint8_t *b = mem(n + 1);
	Onnx__GraphProto *c;

	onnx__graph_proto__pack(g, b);
	c = onnx__graph_proto__unpack(&pb_arena, n, b);
	fuzz_assert(c != NULL);
	return c;
}

static Onnx__NodeProto *
copy_node(const Onnx__NodeProto *x)
{
	size_t n = onnx__node_proto__get_packed_size(x);
	uint8_t *b = mem(n + 1);
	Onnx__NodeProto *c;

	onnx__node_proto__pack(x, b);
	c = onnx__node_proto__unpack(&pb_arena, n, b);
	fuzz_assert(c != NULL);
	return c;
}

/* Make some node of G that has inputs read NAME; false when none has. */
static bool
feed(Onnx__GraphProto *g, char *name)
{
	size_t tries;

	for (tries = 0; tries < 8 && g->n_node > 0; tries++) {
		Onnx__NodeProto *n = g->node[rn(g->n_node)];

		if (n->n_input > 0) {
			n->input[rn(n->n_input)] = name;
			return true;
		}
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Operators. */

static const struct opdb_schema *
rand_schema(void)
{
	const struct opdb_schema *all;
	size_t n = opdb_schemas(&all);
	const struct opdb_schema *s = &all[rn(n)];

	/* mostly the standard domain, not deprecated */
	if (!coin(4) && (strcmp(opdb_s(s->domain), "ai.onnx") != 0 ||
	    s->deprecated))
		s = &all[rn(n)];
	return s;
}

static bool
same_domain(const char *a, const char *b)
{
	if (a == NULL || strcmp(a, "ai.onnx") == 0)
		a = "";
	if (b == NULL || strcmp(b, "ai.onnx") == 0)
		b = "";
	return strcmp(a, b) == 0;
}

static int64_t
opset_of(Onnx__OperatorSetIdProto *const *v, size_t n, const char *domain)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (same_domain(v[i]->domain, domain))
			return v[i]->has_version ? v[i]->version : 1;
	return -1;
}

/* The schema of node N (any version when the model's opset has none). */
static const struct opdb_schema *
schema_of(const Onnx__NodeProto *n)
{
	const struct opdb_schema *all, *best = NULL;
	const char *d = n->domain == NULL || n->domain[0] == '\0' ?
	    "ai.onnx" : n->domain;
	size_t nall, i;
	int64_t v;

	if (n->op_type == NULL)
		return NULL;
	v = opset_of(M->opset_import, M->n_opset_import, d);
	nall = opdb_schemas(&all);
	for (i = 0; i < nall; i++) {
		if (strcmp(opdb_s(all[i].op), n->op_type) != 0 ||
		    strcmp(opdb_s(all[i].domain), d) != 0)
			continue;
		if (v >= all[i].since && v <= all[i].last)
			return &all[i];
		best = &all[i];
	}
	return best;
}

static void
set_opset(Onnx__OperatorSetIdProto ***v, size_t *n, const char *domain,
    int since, int last)
{
	Onnx__OperatorSetIdProto *o;
	int lo, hi;
	size_t i;

	if (opdb_domain_range(domain, &lo, &hi, NULL) == 0 && last > hi)
		last = hi;
	if (last < since)
		last = since;
	if (last - since > 40)
		last = since + 40;
	for (i = 0; i < *n; i++)
		if (same_domain((*v)[i]->domain, domain)) {
			o = (*v)[i];
			if (o->has_version && o->version >= since &&
			    o->version <= last)
				return;
			if (coin(5))
				return;
			o->has_version = 1;
			o->version = since + (int64_t)rn((size_t)(last -
			    since) + 1);
			return;
		}
	o = mem(sizeof(*o));
	onnx__operator_set_id_proto__init(o);
	o->domain = (char *)(strcmp(domain, "ai.onnx") == 0 ? "" : domain);
	o->has_version = 1;
	o->version = since + (int64_t)rn((size_t)(last - since) + 1);
	PUSH(*v, *n, o);
}

static void
use_schema(struct nref *r, const struct opdb_schema *s)
{
	r->n->op_type = (char *)opdb_s(s->op);
	r->n->domain = (char *)(strcmp(opdb_s(s->domain), "ai.onnx") == 0 ?
	    (coin(5) ? "ai.onnx" : "") : opdb_s(s->domain));
	if (r->f != NULL)
		set_opset(&r->f->opset_import, &r->f->n_opset_import,
		    opdb_s(s->domain), s->since, s->last);
	set_opset(&M->opset_import, &M->n_opset_import, opdb_s(s->domain),
	    s->since, s->last);
}

static Onnx__GraphProto *gen_branch(size_t nout, struct vec *vis,
    int depth);

/* Fill attribute A with a value of type T (which need not be the type A
 * says it has). */
static void
fill_attr(Onnx__AttributeProto *a, int t, struct vec *vis, int depth)
{
	size_t n, i;

	n = coin(8) ? (size_t)PICK(((const int[]){ 0, 63, 64, 65, 66, 100 })) :
	    rn(5);
	switch (t) {
	case 1:
		a->has_f = 1;
		a->f = pick_float();
		break;
	case 2:
		a->has_i = 1;
		a->i = pick_int();
		break;
	case 3: {
		const char *s = pick_str();

		a->has_s = 1;
		a->s.data = (uint8_t *)s;
		a->s.len = strlen(s);
		break;
	}
	case 4:
		a->t = gen_tensor();
		break;
	case 5:
		a->g = gen_branch(1 + rn(2), vis, depth + 1);
		break;
	case 6:
		a->n_floats = n;
		a->floats = mem((n + 1) * sizeof(float));
		for (i = 0; i < n; i++)
			a->floats[i] = pick_float();
		break;
	case 7:
		a->n_ints = n;
		a->ints = mem((n + 1) * sizeof(int64_t));
		if (coin(3)) {		/* a permutation */
			for (i = 0; i < n; i++)
				a->ints[i] = (int64_t)i;
			for (i = n; i > 1; i--) {
				size_t j = rn(i);
				int64_t x = a->ints[i - 1];

				a->ints[i - 1] = a->ints[j];
				a->ints[j] = x;
			}
		} else
			for (i = 0; i < n; i++)
				a->ints[i] = coin(2) ? pick_int() :
				    (int64_t)rn(4);
		break;
	case 8:
		a->n_strings = n;
		a->strings = mem((n + 1) * sizeof(*a->strings));
		for (i = 0; i < n; i++) {
			const char *s = pick_str();

			a->strings[i].data = (uint8_t *)s;
			a->strings[i].len = strlen(s);
		}
		break;
	case 9:
		n = n > 8 ? 8 : n;
		a->n_tensors = n;
		a->tensors = mem((n + 1) * sizeof(void *));
		for (i = 0; i < n; i++)
			a->tensors[i] = gen_tensor();
		break;
	case 10:
		n = n > 3 ? 3 : n;
		a->n_graphs = n;
		a->graphs = mem((n + 1) * sizeof(void *));
		for (i = 0; i < n; i++)
			a->graphs[i] = gen_branch(1, vis, depth + 1);
		break;
	case 11:
		a->sparse_tensor = gen_sparse();
		break;
	case 12:
		n = n > 4 ? 4 : n;
		a->n_sparse_tensors = n;
		a->sparse_tensors = mem((n + 1) * sizeof(void *));
		for (i = 0; i < n; i++)
			a->sparse_tensors[i] = gen_sparse();
		break;
	case 13:
		a->tp = gen_type(0);
		break;
	case 14:
		n = n > 4 ? 4 : n;
		a->n_type_protos = n;
		a->type_protos = mem((n + 1) * sizeof(void *));
		for (i = 0; i < n; i++)
			a->type_protos[i] = gen_type(0);
		break;
	default:
		break;
	}
}

static Onnx__AttributeProto *
gen_attr(const char *name, int type, struct vec *vis, int depth)
{
	Onnx__AttributeProto *a = mem(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	a->type = type;
	fill_attr(a, type, vis, depth);
	return a;
}

static Onnx__AttributeProto *
int_attr(const char *name, int64_t v)
{
	Onnx__AttributeProto *a = mem(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	a->type = 2;
	a->has_i = 1;
	a->i = v;
	return a;
}

static Onnx__AttributeProto *
graph_attr(const char *name, Onnx__GraphProto *g)
{
	Onnx__AttributeProto *a = mem(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = (char *)name;
	a->has_type = 1;
	a->type = 5;
	a->g = g;
	return a;
}

static Onnx__NodeProto *
new_node(const char *op, size_t nin, size_t nout)
{
	Onnx__NodeProto *n = mem(sizeof(*n));
	size_t i;

	onnx__node_proto__init(n);
	n->op_type = (char *)op;
	n->domain = (char *)"";
	n->n_input = nin;
	n->input = mem((nin + 1) * sizeof(char *));
	for (i = 0; i < nin; i++)
		n->input[i] = (char *)"";
	n->n_output = nout;
	n->output = mem((nout + 1) * sizeof(char *));
	for (i = 0; i < nout; i++)
		n->output[i] = fresh();
	if (coin(2))
		n->name = fresh();
	return n;
}

static Onnx__NodeProto *
unary(const char *op, char *in, char *out)
{
	Onnx__NodeProto *n = new_node(op, 1, 1);

	n->input[0] = in;
	n->output[0] = out;
	return n;
}

static Onnx__NodeProto *
const_node(char *out, Onnx__TensorProto *t)
{
	Onnx__NodeProto *n = new_node("Constant", 0, 1);
	Onnx__AttributeProto *a = mem(sizeof(*a));

	onnx__attribute_proto__init(a);
	a->name = (char *)"value";
	a->has_type = 1;
	a->type = 4;
	a->t = t;
	PUSH(n->attribute, n->n_attribute, a);
	n->output[0] = out;
	return n;
}

static Onnx__GraphProto *
new_graph(void)
{
	Onnx__GraphProto *g = mem(sizeof(*g));

	onnx__graph_proto__init(g);
	g->name = fresh();
	return g;
}

static void
add_req_attrs(Onnx__NodeProto *n, const struct opdb_schema *s,
    struct vec *vis, int depth)
{
	size_t i, k;

	for (i = 0; i < s->nattrs; i++) {
		if (!opdb_attrs(s)[i].required && !coin(6))
			continue;
		for (k = 0; k < n->n_attribute; k++)
			if (n->attribute[k]->name != NULL &&
			    strcmp(n->attribute[k]->name,
			    opdb_s(opdb_attrs(s)[i].name)) == 0)
				break;
		if (k < n->n_attribute)
			continue;
		PUSH(n->attribute, n->n_attribute,
		    gen_attr(opdb_s(opdb_attrs(s)[i].name),
		    opdb_attrs(s)[i].type, vis, depth));
	}
}

/* A node of schema S with inputs from VIS and fresh outputs. */
static Onnx__NodeProto *
schema_node(const struct opdb_schema *s, struct vec *vis, int depth)
{
	int hi_in = s->max_in < s->min_in + 2 ? s->max_in : s->min_in + 2;
	int lo_out = s->min_out > 1 ? s->min_out : 1;
	int hi_out = s->max_out < lo_out + 1 ? s->max_out : lo_out + 1;
	size_t nin, nout, i;
	Onnx__NodeProto *n;

	if (s->deprecated || s->min_in < 0) {
		nin = rn(3);
		nout = 1;
	} else {
		nin = (size_t)s->min_in + rn((size_t)(hi_in - s->min_in) + 1);
		nout = hi_out < lo_out ? (size_t)lo_out : (size_t)lo_out +
		    rn((size_t)(hi_out - lo_out) + 1);
	}
	n = new_node(opdb_s(s->op), nin, nout);
	n->domain = (char *)(strcmp(opdb_s(s->domain), "ai.onnx") == 0 ? "" :
	    opdb_s(s->domain));
	for (i = 0; i < nin; i++)
		n->input[i] = coin(12) ? (char *)"" : pick_name(vis);
	add_req_attrs(n, s, vis, depth);
	set_opset(&M->opset_import, &M->n_opset_import, opdb_s(s->domain),
	    s->since, s->last);
	return n;
}

/* ------------------------------------------------------------------ */
/* Subgraphs: If branches, Loop and Scan bodies, nested. */

static Onnx__NodeProto *gen_control(struct vec *vis, Onnx__GraphProto *into,
    int depth);

/* Add to graph G the nodes computing OUT from VIS. */
static void
gen_value(Onnx__GraphProto *g, char *out, struct vec *vis, int depth)
{
	Onnx__NodeProto *n;

	switch (rn(depth < 4 ? 7 : 5)) {
	case 0:
		n = unary("Identity", pick_name(vis), out);
		break;
	case 1:
		n = new_node(coin(2) ? "Add" : "Mul", 2, 1);
		n->input[0] = pick_name(vis);
		n->input[1] = pick_name(vis);
		n->output[0] = out;
		break;
	case 2:
		n = const_node(out, gen_tensor());
		break;
	case 3:
	case 4:
		n = schema_node(rand_schema(), vis, depth);
		n->output[0] = out;
		break;
	default:
		n = gen_control(vis, g, depth + 1);
		n->output[0] = out;
		break;
	}
	PUSH(g->node, g->n_node, n);
}

/* A graph without inputs whose NOUT outputs are computed from names in
 * VIS (the outer scope). */
static Onnx__GraphProto *
gen_branch(size_t nout, struct vec *vis, int depth)
{
	Onnx__GraphProto *g = new_graph();
	size_t i;

	/* a copy of some main-graph nodes: outer names shadowed */
	if (coin(5) && M->graph != NULL && M->graph->n_node > 0) {
		size_t at = rn(M->graph->n_node);
		size_t k = 1 + rn(4);

		for (i = at; i < M->graph->n_node && i < at + k; i++)
			PUSH(g->node, g->n_node, copy_node(M->graph->node[i]));
		for (i = 0; i < nout; i++)
			PUSH(g->output, g->n_output, vi(g->node[g->n_node -
			    1]->n_output > 0 ? g->node[g->n_node - 1]->output[0] :
			    fresh(), out_type()));
		return g;
	}
	for (i = 0; i < nout; i++) {
		char *o = fresh();

		gen_value(g, o, vis, depth);
		PUSH(g->output, g->n_output, vi(o, out_type()));
	}
	return g;
}

static Onnx__TypeProto *
scalar_type(int elem)
{
	Onnx__TypeProto *tp = out_type();

	if (tp->value_case != ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE)
		return tp;
	tp->tensor_type->elem_type = elem;
	tp->tensor_type->shape = mem(sizeof(*tp->tensor_type->shape));
	onnx__tensor_shape_proto__init(tp->tensor_type->shape);
	return tp;
}

static Onnx__NodeProto *
gen_if(struct vec *vis, Onnx__GraphProto *into, int depth)
{
	size_t nout = 1 + rn(3), nelse = nout;
	Onnx__NodeProto *n = new_node("If", 1, nout);

	if (coin(5))
		nelse = coin(2) ? nout + 1 : nout - 1;	/* mismatch */
	if (coin(2) || vis->n == 0) {
		int64_t v = (int64_t)rn(2);
		Onnx__TensorProto *t = int64_tensor(&v, 1, true);

		t->data_type = coin(6) ? 7 : 9;
		t->n_int64_data = 0;
		t->n_int32_data = 1;
		t->int32_data = mem(sizeof(int32_t));
		t->int32_data[0] = (int32_t)v;
		n->input[0] = fresh();
		PUSH(into->node, into->n_node, const_node(n->input[0], t));
	} else
		n->input[0] = pick_name(vis);
	PUSH(n->attribute, n->n_attribute, graph_attr("then_branch",
	    gen_branch(nout, vis, depth)));
	PUSH(n->attribute, n->n_attribute, graph_attr("else_branch",
	    gen_branch(nelse, vis, depth)));
	return n;
}

static Onnx__NodeProto *
gen_loop(struct vec *vis, Onnx__GraphProto *into, int depth)
{
	size_t nv = rn(3), nscan = rn(2), i;
	Onnx__NodeProto *n = new_node("Loop", 2 + nv, nv + nscan);
	Onnx__GraphProto *b = new_graph();
	struct vec inner = { 0 };
	char *iter = fresh(), *cin = fresh(), *cout = fresh();

	if (!coin(4)) {
		int64_t trip = coin(3) ? PICK(bound_ints) : (int64_t)rn(4);

		n->input[0] = fresh();
		PUSH(into->node, into->n_node, const_node(n->input[0],
		    int64_tensor(&trip, 1, true)));
	}
	if (coin(2))
		n->input[1] = pick_name(vis);
	PUSH(b->input, b->n_input, vi(iter, scalar_type(7)));
	PUSH(b->input, b->n_input, vi(cin, scalar_type(9)));
	PUSH(b->node, b->n_node, unary("Identity", cin, cout));
	PUSH(b->output, b->n_output, vi(cout, scalar_type(9)));
	for (i = 0; i < vis->n; i++)
		vpush(&inner, vis->v[i]);
	for (i = 0; i < nv; i++) {
		char *in = fresh(), *o = fresh();

		n->input[2 + i] = pick_name(vis);
		PUSH(b->input, b->n_input, vi(in, out_type()));
		vpush(&inner, in);
		if (coin(3) && depth < 4)
			gen_value(b, o, &inner, depth + 1);
		else
			PUSH(b->node, b->n_node, unary(coin(2) ? "Relu" :
			    "Identity", in, o));
		PUSH(b->output, b->n_output, vi(o, out_type()));
	}
	for (i = 0; i < nscan; i++) {
		char *o = fresh();

		PUSH(b->node, b->n_node, unary("Identity", coin(2) ? iter :
		    pick_name(&inner), o));
		PUSH(b->output, b->n_output, vi(o, out_type()));
	}
	if (coin(6)) {		/* body signature that does not match */
		if (coin(2) && b->n_input > 0)
			b->n_input--;
		else
			PUSH(b->output, b->n_output, vi(fresh(), out_type()));
	}
	PUSH(n->attribute, n->n_attribute, graph_attr("body", b));
	return n;
}

static Onnx__NodeProto *
gen_scan(struct vec *vis, Onnx__GraphProto *into, int depth)
{
	size_t ns = rn(2), k = 1 + rn(2), m = 1 + rn(2), i;
	Onnx__NodeProto *n = new_node("Scan", ns + k, ns + m);
	Onnx__GraphProto *b = new_graph();
	struct vec inner = { 0 };

	(void)into;
	for (i = 0; i < ns + k; i++) {
		char *in = fresh();

		n->input[i] = pick_name(vis);
		PUSH(b->input, b->n_input, vi(in, out_type()));
		vpush(&inner, in);
	}
	for (i = 0; i < vis->n; i++)
		vpush(&inner, vis->v[i]);
	for (i = 0; i < ns + m; i++) {
		char *o = fresh();

		if (coin(3) && depth < 4)
			gen_value(b, o, &inner, depth + 1);
		else
			PUSH(b->node, b->n_node, unary("Identity",
			    b->input[i < ns ? i : ns + rn(k)]->name, o));
		PUSH(b->output, b->n_output, vi(o, out_type()));
	}
	PUSH(n->attribute, n->n_attribute, int_attr("num_scan_inputs",
	    coin(6) ? pick_int() : (int64_t)k));
	if (coin(3)) {
		Onnx__AttributeProto *a = gen_attr(coin(2) ?
		    "scan_input_axes" : "scan_output_axes", 7, vis, depth);

		PUSH(n->attribute, n->n_attribute, a);
	}
	if (coin(4))
		PUSH(n->attribute, n->n_attribute, gen_attr(coin(2) ?
		    "scan_input_directions" : "scan_output_directions", 7, vis,
		    depth));
	PUSH(n->attribute, n->n_attribute, graph_attr("body", b));
	set_opset(&M->opset_import, &M->n_opset_import, "ai.onnx", 9, 27);
	return n;
}

static Onnx__NodeProto *
gen_control(struct vec *vis, Onnx__GraphProto *into, int depth)
{
	switch (depth > 4 ? 0 : rn(4)) {
	case 0:
	case 1:
		return gen_if(vis, into, depth);
	case 2:
		return gen_loop(vis, into, depth);
	default:
		return gen_scan(vis, into, depth);
	}
}

/* ------------------------------------------------------------------ */
/* Mutations. */

static void
tweak_ints(int64_t **v, size_t *n)
{
	size_t i;

	switch (rn(5)) {
	case 0: {		/* rank past 64 */
		static const size_t lens[] = { 0, 1, 63, 64, 65, 66, 100 };
		size_t len = PICK(lens);

		*v = mem((len + 1) * sizeof(int64_t));
		for (i = 0; i < len; i++)
			(*v)[i] = coin(2) ? (int64_t)i : (int64_t)rn(3);
		*n = len;
		break;
	}
	case 1:
		*v = grown(*v, *n, 1, sizeof(int64_t));
		(*v)[(*n)++] = pick_int();
		break;
	case 2:
		if (*n > 0)
			(*n)--;
		break;
	default:
		if (*n == 0) {
			*v = mem(sizeof(int64_t));
			*n = 1;
		}
		(*v)[rn(*n)] = PICK(bound_ints);
		break;
	}
}

static void
tweak_attr(Onnx__AttributeProto *a, struct vec *vis)
{
	if (a->has_i || a->type == 2) {
		a->has_i = 1;
		a->i = coin(3) ? (int64_t)rn(6) - 2 : PICK(bound_ints);
	} else if (a->n_ints > 0 || a->type == 7) {
		a->ints = grown(a->ints, a->n_ints, 1, sizeof(int64_t));
		tweak_ints(&a->ints, &a->n_ints);
	} else if (a->has_f || a->type == 1) {
		a->has_f = 1;
		a->f = pick_float();
	} else if (a->n_floats > 0 || a->type == 6) {
		if (a->n_floats == 0 || coin(3))
			fill_attr(a, 6, vis, 0);
		else
			a->floats[rn(a->n_floats)] = pick_float();
	} else if (a->has_s || a->type == 3) {
		fill_attr(a, 3, vis, 0);
	} else
		fill_attr(a, a->type >= 1 && a->type <= 14 ? (int)a->type :
		    1 + (int)rn(14), vis, 0);
}

/* Change a node's operator to another from the schema tables. */
static void
m_optype(void)
{
	struct nref *r = pick_node();
	const struct opdb_schema *s = rand_schema();
	struct vec vis = { 0 };
	size_t i, want;

	if (r == NULL)
		return;
	use_schema(r, s);
	names_for(r, &vis);
	if (coin(2) && !s->deprecated && s->min_in >= 0) {
		/* an arity the schema allows */
		want = (size_t)s->min_in + rn(3);
		if (want > (size_t)s->max_in)
			want = (size_t)s->max_in;
		if (want != r->n->n_input) {
			r->n->input = grown(r->n->input, r->n->n_input,
			    want > r->n->n_input ? want - r->n->n_input : 0,
			    sizeof(char *));
			for (i = r->n->n_input; i < want; i++)
				r->n->input[i] = pick_name(&vis);
			r->n->n_input = want;
		}
	}
	if (coin(2))
		add_req_attrs(r->n, s, &vis, 0);
	if (coin(3))
		r->n->n_attribute = 0;
}

/* Add, remove or replace attributes, with names and types from the
 * schema, wrong types, and values in the wrong field. */
static void
m_attr(void)
{
	struct nref *r = pick_node();
	const struct opdb_schema *s;
	const struct opdb_attr *sa = NULL;
	Onnx__AttributeProto *a;
	struct vec vis = { 0 };
	Onnx__NodeProto *n;
	size_t i;

	if (r == NULL)
		return;
	n = r->n;
	s = schema_of(n);
	if (s != NULL && s->nattrs > 0)
		sa = &opdb_attrs(s)[rn(s->nattrs)];
	names_for(r, &vis);
	switch (rn(8)) {
	case 0:
	case 1:
	case 2:		/* the right type, replacing one of that name */
		if (sa == NULL)
			break;
		a = gen_attr(opdb_s(sa->name), sa->type, &vis, 0);
		for (i = 0; i < n->n_attribute; i++)
			if (n->attribute[i]->name != NULL &&
			    strcmp(n->attribute[i]->name,
			    opdb_s(sa->name)) == 0 &&
			    !coin(6)) {
				n->attribute[i] = a;
				return;
			}
		PUSH(n->attribute, n->n_attribute, a);
		break;
	case 3:		/* the wrong type */
		a = gen_attr(sa != NULL ? opdb_s(sa->name) : pick_str(),
		    1 + (int)rn(14), &vis, 0);
		if (coin(8))
			a->type = coin(2) ? 0 : 15 + (int)rn(100);
		PUSH(n->attribute, n->n_attribute, a);
		break;
	case 4:		/* the type right, the value in another field */
		a = gen_attr(sa != NULL ? opdb_s(sa->name) : "axis",
		    1 + (int)rn(14),
		    &vis, 0);
		a->type = sa != NULL ? sa->type : 2;
		if (coin(3))
			fill_attr(a, sa != NULL ? sa->type : 2, &vis, 0);
		if (coin(6))
			a->has_type = 0;
		PUSH(n->attribute, n->n_attribute, a);
		break;
	case 5:
		if (n->n_attribute > 0)
			DEL(n->attribute, n->n_attribute,
			    rn(n->n_attribute));
		break;
	case 6:
		if (n->n_attribute > 0)
			tweak_attr(n->attribute[rn(n->n_attribute)], &vis);
		break;
	default:	/* a reference to a function attribute, or no name */
		a = gen_attr(sa != NULL ? opdb_s(sa->name) : "alpha",
		    sa != NULL ? sa->type : 1, &vis, 0);
		if (coin(2))
			a->ref_attr_name = (char *)(coin(2) ? "alpha" :
			    sa != NULL ? opdb_s(sa->name) : "x");
		else
			a->name = coin(2) ? NULL : (char *)"";
		PUSH(n->attribute, n->n_attribute, a);
		break;
	}
}

/* Boundary values in any int or ints attribute. */
static void
m_ints(void)
{
	size_t tries;
	struct vec vis = { 0 };

	for (tries = 0; tries < 8 && attrs.n > 0; tries++) {
		Onnx__AttributeProto *a = attrs.v[rn(attrs.n)];

		if (a->has_i || a->n_ints > 0 || a->type == 2 ||
		    a->type == 7) {
			tweak_attr(a, &vis);
			return;
		}
	}
}

static void
tweak_tensor(Onnx__TensorProto *t)
{
	size_t i, rank;
	uint64_t c;

	switch (rn(7)) {
	case 0:		/* a dim at a boundary */
		if (t->n_dims == 0) {
			t->dims = mem(sizeof(int64_t));
			t->n_dims = 1;
		}
		t->dims[rn(t->n_dims)] = PICK(bound_ints);
		break;
	case 1:		/* another rank, up to and past 64 */
		rank = pick_rank();
		t->dims = mem((rank + 1) * sizeof(int64_t));
		for (i = 0; i < rank; i++)
			t->dims[i] = 1;
		t->n_dims = rank;
		c = count_of(t->dims, rank);
		if (coin(2))
			fill_data(t, c);
		break;
	case 2:		/* another element type */
		t->has_data_type = 1;
		t->data_type = pick_dtype();
		if (coin(2))
			fill_data(t, count_of(t->dims, t->n_dims));
		break;
	case 3:		/* data shorter or longer than dims say */
		if (t->has_raw_data && t->raw_data.len > 0 && coin(2)) {
			t->raw_data.len = coin(2) ? t->raw_data.len - 1 :
			    rn(t->raw_data.len);
		} else {
			c = count_of(t->dims, t->n_dims);
			fill_data(t, c == UINT64_MAX ? 0 : c + (coin(2) ? 1 :
			    (c > 0 ? (uint64_t)-1 : 3)));
		}
		break;
	case 4:		/* data in raw and a typed field at once */
		if (!t->has_raw_data) {
			t->has_raw_data = 1;
			t->raw_data.len = 4 * rn(4);
			t->raw_data.data = mem(16);
		} else {
			t->n_float_data = 1;
			t->float_data = mem(sizeof(float));
		}
		break;
	case 5:		/* a fresh tensor's content */
		t->has_data_type = 1;
		t->data_type = pick_dtype();
		fill_data(t, count_of(t->dims, t->n_dims));
		break;
	default:	/* no data at all, or no type */
		if (coin(2))
			clear_data(t);
		else
			t->has_data_type = 0;
		break;
	}
}

static void
m_tensor(void)
{
	if (tensors.n > 0)
		tweak_tensor(tensors.v[rn(tensors.n)]);
}

static void
tweak_shape(Onnx__TensorShapeProto **sp)
{
	Onnx__TensorShapeProto *s = *sp;
	size_t i, rank;

	if (s == NULL || coin(3)) {
		rank = pick_rank();
		s = mem(sizeof(*s));
		onnx__tensor_shape_proto__init(s);
		s->n_dim = rank;
		s->dim = mem((rank + 1) * sizeof(void *));
		for (i = 0; i < rank; i++) {
			s->dim[i] = mem(sizeof(*s->dim[i]));
			onnx__tensor_shape_proto__dimension__init(s->dim[i]);
			s->dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
			s->dim[i]->dim_value = rank > 8 ? 1 : pick_dim();
		}
		*sp = s;
		return;
	}
	if (s->n_dim == 0) {
		*sp = coin(2) ? NULL : s;
		return;
	}
	i = rn(s->n_dim);
	s->dim[i] = mem(sizeof(*s->dim[i]));
	onnx__tensor_shape_proto__dimension__init(s->dim[i]);
	switch (rn(4)) {
	case 0:
		s->dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_PARAM;
		s->dim[i]->dim_param = (char *)(coin(2) ? "N" : pick_str());
		break;
	case 1:
		break;
	default:
		s->dim[i]->value_case = ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE;
		s->dim[i]->dim_value = PICK(bound_ints);
	}
}

/* Types, ranks and dims of graph inputs, outputs and value_info. */
static void
m_vinfo(void)
{
	Onnx__ValueInfoProto *v;
	Onnx__TypeProto *tp;

	if (vinfos.n == 0)
		return;
	v = vinfos.v[rn(vinfos.n)];
	tp = v->type;
	if (tp == NULL || tp->value_case !=
	    ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE || coin(5)) {
		v->type = coin(10) ? NULL : gen_type(0);
		return;
	}
	if (coin(3)) {
		tp->tensor_type->has_elem_type = 1;
		tp->tensor_type->elem_type = pick_dtype();
	} else
		tweak_shape(&tp->tensor_type->shape);
}

/* value_info for some node output, of any type. */
static void
m_add_vinfo(void)
{
	struct nref *r = pick_node();
	Onnx__GraphProto *g;

	if (r == NULL || r->gi < 0 || r->n->n_output == 0)
		return;
	g = G[r->gi].g;
	PUSH(g->value_info, g->n_value_info, vi(r->n->output[rn(
	    r->n->n_output)], gen_type(0)));
}

/* One input of a node many times over (fan-out up to 10,000), or many
 * consumers of one value. */
static void
m_fanout(void)
{
	static const size_t ks[] = { 2, 3, 8, 64, 65, 1000, 10000 };
	struct nref *r = pick_node();
	size_t k = PICK(ks), i, at;
	char *v;

	if (r == NULL)
		return;
	if (k > max_fanout)
		k = max_fanout;
	if (r->n->n_input == 0) {
		struct vec vis = { 0 };

		names_for(r, &vis);
		PUSH(r->n->input, r->n->n_input, pick_name(&vis));
	}
	v = r->n->input[rn(r->n->n_input)];
	if (coin(2) || r->gi < 0) {
		at = rn(r->n->n_input + 1);
		r->n->input = grown(r->n->input, r->n->n_input, k,
		    sizeof(char *));
		memmove(&r->n->input[at + k], &r->n->input[at],
		    (r->n->n_input - at) * sizeof(char *));
		for (i = 0; i < k; i++)
			r->n->input[at + i] = v;
		r->n->n_input += k;
	} else {
		Onnx__GraphProto *g = G[r->gi].g;
		Onnx__NodeProto *sum;

		if (k > 2000)
			k = 2000;
		sum = new_node(coin(2) ? "Sum" : "Concat", k, 1);
		if (strcmp(sum->op_type, "Concat") == 0)
			PUSH(sum->attribute, sum->n_attribute,
			    int_attr("axis", 0));
		g->node = grown(g->node, g->n_node, k + 1, sizeof(void *));
		for (i = 0; i < k; i++) {
			sum->input[i] = fresh();
			g->node[g->n_node++] = unary(coin(2) ? "Relu" :
			    "Identity", v, sum->input[i]);
		}
		g->node[g->n_node++] = sum;
		if (r->gi == 0 || coin(4))
			PUSH(g->output, g->n_output, vi(sum->output[0],
			    out_type()));
	}
}

/* Nodes array that holds R, for insertion. */
static void
node_array(struct nref *r, Onnx__NodeProto ****arr, size_t **n)
{
	if (r->gi >= 0) {
		*arr = &G[r->gi].g->node;
		*n = &G[r->gi].g->n_node;
	} else {
		*arr = &r->f->node;
		*n = &r->f->n_node;
	}
}

static size_t
index_of(Onnx__NodeProto **v, size_t n, const Onnx__NodeProto *x)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == x)
			return i;
	return n;
}

/* Duplicate a node into a chain of copies, each fed by the one before. */
static void
m_chain(void)
{
	static const size_t ks[] = { 1, 2, 3, 10, 100, 1000 };
	struct nref *r = pick_node();
	Onnx__NodeProto ***arr, *orig, **chain;
	size_t *n, k = PICK(ks), i, j, at;
	char *prev, *last;

	if (r == NULL || r->n->n_output == 0 || r->n->output[0][0] == '\0')
		return;
	orig = r->n;
	node_array(r, &arr, &n);
	at = index_of(*arr, *n, orig);
	if (at == *n)
		return;
	last = orig->output[0];
	orig->output = grown(orig->output, orig->n_output, 0, sizeof(char *));
	prev = orig->output[0] = fresh();
	chain = mem((k + 1) * sizeof(void *));
	for (i = 0; i < k; i++) {
		Onnx__NodeProto *c = mem(sizeof(*c));

		*c = *orig;
		c->name = orig->name != NULL ? fresh() : NULL;
		c->input = grown(orig->input, orig->n_input,
		    orig->n_input == 0 ? 1 : 0, sizeof(char *));
		if (orig->n_input == 0)
			c->n_input = 1;
		c->input[0] = prev;
		c->output = mem((orig->n_output + 1) * sizeof(char *));
		for (j = 0; j < orig->n_output; j++)
			c->output[j] = fresh();
		if (i + 1 == k)
			c->output[0] = last;
		prev = c->output[0];
		chain[i] = c;
	}
	*arr = grown(*arr, *n, k, sizeof(void *));
	memmove(&(*arr)[at + 1 + k], &(*arr)[at + 1],
	    (*n - at - 1) * sizeof(void *));
	memcpy(&(*arr)[at + 1], chain, k * sizeof(void *));
	*n += k;
}

/* Rewire an input: to a later node's output (a cycle), to the node's own
 * output (a self-loop), to nothing (dangling), to an outer or unrelated
 * scope. */
static void
m_rewire(void)
{
	struct nref *r = pick_node(), *o;
	struct vec v = { 0 };
	char **slot;
	size_t i;

	if (r == NULL)
		return;
	if (r->n->n_input == 0 || coin(8))
		PUSH(r->n->input, r->n->n_input, (char *)"");
	slot = &r->n->input[rn(r->n->n_input)];
	switch (rn(8)) {
	case 0:		/* own output */
		if (r->n->n_output > 0) {
			*slot = r->n->output[rn(r->n->n_output)];
			break;
		}
		/* fall through */
	case 1:		/* a consumer's output: a cycle */
		for (i = 0; i < nodes.n; i++) {
			o = nodes.v[(i + rn(nodes.n)) % nodes.n];
			if (o->n != r->n && o->n->n_output > 0 &&
			    o->n->n_input > 0 && r->n->n_output > 0 &&
			    strcmp(o->n->input[0], r->n->output[0]) == 0) {
				*slot = o->n->output[0];
				return;
			}
		}
		/* fall through */
	case 2:		/* any node's output in the model */
		o = pick_node();
		if (o->n->n_output > 0)
			*slot = o->n->output[rn(o->n->n_output)];
		break;
	case 3:
		*slot = coin(2) ? fresh() : (char *)"";
		break;
	case 4:		/* a graph output */
		if (M->graph->n_output > 0 &&
		    M->graph->output[0]->name != NULL) {
			*slot = M->graph->output[rn(M->graph->n_output)]->name;
			break;
		}
		/* fall through */
	default:
		names_for(r, &v);
		*slot = pick_name(&v);
		break;
	}
}

/* A new If, Loop or Scan (nested a few levels) in some graph. */
static void
m_control(void)
{
	int gi = pick_graph();
	Onnx__GraphProto *g;
	Onnx__NodeProto *n;
	struct vec vis = { 0 };

	if (gi < 0)
		return;
	g = G[gi].g;
	visible(gi, &vis);
	n = gen_control(&vis, g, G[gi].depth);
	PUSH(g->node, g->n_node, n);
	if (n->n_output == 0)
		return;
	if (gi == 0 && coin(2))
		PUSH(g->output, g->n_output, vi(n->output[0], out_type()));
	else if (g->n_node > 1) {	/* someone consumes it */
		Onnx__NodeProto *c = g->node[rn(g->n_node - 1)];

		if (c->n_input > 0)
			c->input[rn(c->n_input)] = n->output[0];
		else if (gi == 0)
			PUSH(g->output, g->n_output, vi(n->output[0],
			    out_type()));
	}
}

/* Break an If or Loop: branch outputs that do not match, bodies with
 * the wrong signature, subgraphs replaced by others. */
static void
m_subgraph(void)
{
	struct vec ctl = { 0 };
	Onnx__NodeProto *n;
	Onnx__AttributeProto *a;
	Onnx__GraphProto *g;
	size_t i;

	for (i = 0; i < nodes.n; i++) {
		n = ((struct nref *)nodes.v[i])->n;
		for (size_t k = 0; k < n->n_attribute; k++)
			if (n->attribute[k]->g != NULL)
				vpush(&ctl, n->attribute[k]);
	}
	if (ctl.n == 0) {
		m_control();
		return;
	}
	a = ctl.v[rn(ctl.n)];
	g = a->g;
	switch (rn(6)) {
	case 0:
		if (g->n_output > 0)
			g->n_output--;
		break;
	case 1:
		PUSH(g->output, g->n_output, vi(g->n_output > 0 && coin(2) ?
		    g->output[0]->name : fresh(), out_type()));
		break;
	case 2:
		if (g->n_input > 0)
			DEL(g->input, g->n_input, rn(g->n_input));
		else
			PUSH(g->input, g->n_input, vi(fresh(), out_type()));
		break;
	case 3: {	/* another subgraph of the model */
		size_t gi = rn(nG);

		a->g = copy_graph(G[gi].g);
		break;
	}
	case 4:		/* the main graph itself as a body */
		a->g = copy_graph(M->graph);
		break;
	default:	/* graphs instead of graph */
		a->n_graphs = 2;
		a->graphs = mem(2 * sizeof(void *));
		a->graphs[0] = a->graphs[1] = g;
		if (coin(2))
			a->g = NULL;
		break;
	}
}

/* An initializer named like a graph input, of another type. */
static void
m_shadow(void)
{
	int gi = pick_graph();
	Onnx__GraphProto *g;
	Onnx__TensorProto *t;
	Onnx__TypeProto *tp;

	if (gi < 0)
		return;
	g = G[gi].g;
	if (g->n_input == 0 || g->input[0]->name == NULL)
		return;
	Onnx__ValueInfoProto *in = g->input[rn(g->n_input)];

	if (in->name == NULL)
		return;
	tp = in->type;
	if (coin(2) && tp != NULL && tp->value_case ==
	    ONNX__TYPE_PROTO__VALUE_TENSOR_TYPE && tp->tensor_type->shape &&
	    tp->tensor_type->shape->n_dim <= 6) {
		/* the same shape, another type */
		size_t r = tp->tensor_type->shape->n_dim, i;
		int dt = pick_dtype();

		if (dt == tp->tensor_type->elem_type)
			dt = dt == 1 ? 7 : 1;
		t = gen_tensor_of(dt, r);
		for (i = 0; i < r; i++) {
			Onnx__TensorShapeProto__Dimension *d =
			    tp->tensor_type->shape->dim[i];

			t->dims[i] = d->value_case ==
			    ONNX__TENSOR_SHAPE_PROTO__DIMENSION__VALUE_DIM_VALUE &&
			    d->dim_value > 0 && d->dim_value < 64 ?
			    d->dim_value : 1;
		}
		fill_data(t, count_of(t->dims, r));
	} else
		t = gen_tensor();
	t->name = in->name;
	PUSH(g->initializer, g->n_initializer, t);
}

/* data_location = EXTERNAL on an initializer. */
static void
m_external(void)
{
	static const char *const locs[] = {
		"w.bin", "w.bin", "w.bin", "sub/w.bin", "../w.bin",
		"/etc/passwd", "/dev/zero", "sub/../w.bin", "", ".", "sub",
		"./w.bin", "sub//w.bin", "missing.bin", "a\\w.bin",
		"C:w.bin", "/proc/self/mem", "w.bin/", "..", "fifo",
	};
	static const char *const nums[] = {
		"0", "4", "4096", "65536", "-1", "abc", "0x10", "", " 1",
		"18446744073709551615", "18446744073709551616",
		"9223372036854775807", "9223372036854775808", "4095",
	};
	Onnx__TensorProto *t;
	int gi = pick_graph();
	Onnx__GraphProto *g;
	char *len;
	uint64_t c;

	if (gi < 0)
		return;
	g = G[gi].g;
	if (g->n_initializer == 0 || coin(4)) {
		t = gen_tensor_of(coin(2) ? 1 : pick_dtype(), 1 + rn(2));
		t->name = fresh();
		PUSH(g->initializer, g->n_initializer, t);
		if (!feed(g, t->name) && gi == 0)
			PUSH(g->output, g->n_output, vi(t->name, out_type()));
	} else
		t = g->initializer[rn(g->n_initializer)];
	t->has_data_location = 1;
	t->data_location = coin(10) ? 7 : ONNX__TENSOR_PROTO__DATA_LOCATION__EXTERNAL;
	if (!coin(5))
		clear_data(t);
	t->n_external_data = 0;
	t->external_data = NULL;
	PUSH(t->external_data, t->n_external_data, kv("location",
	    PICK(locs)));
	if (coin(2))
		PUSH(t->external_data, t->n_external_data, kv("offset",
		    coin(2) ? "0" : PICK(nums)));
	c = count_of(t->dims, t->n_dims) * (dtype_bits(t->data_type) / 8);
	len = mem(32);
	snprintf(len, 32, "%llu", (unsigned long long)c);
	if (!coin(4))
		PUSH(t->external_data, t->n_external_data, kv("length",
		    coin(3) ? PICK(nums) : len));
	if (coin(6))
		PUSH(t->external_data, t->n_external_data, kv(coin(2) ?
		    "checksum" : coin(2) ? "location" : "basepath",
		    PICK(locs)));
	if (coin(10))
		PUSH(t->external_data, t->n_external_data, kv(NULL, NULL));
}

/* A sparse initializer, or a sparse Constant. */
static void
m_sparse(void)
{
	int gi = pick_graph();
	Onnx__GraphProto *g;
	Onnx__SparseTensorProto *s = gen_sparse();
	struct vec vis = { 0 };

	if (gi < 0)
		return;
	g = G[gi].g;
	visible(gi, &vis);
	s->values->name = coin(3) && vis.n > 0 ? pick_name(&vis) : fresh();
	if (coin(2)) {
		PUSH(g->sparse_initializer, g->n_sparse_initializer, s);
	} else {
		Onnx__NodeProto *n = new_node("Constant", 0, 1);
		Onnx__AttributeProto *a = mem(sizeof(*a));

		onnx__attribute_proto__init(a);
		a->name = (char *)"sparse_value";
		a->has_type = 1;
		a->type = 11;
		a->sparse_tensor = s;
		PUSH(n->attribute, n->n_attribute, a);
		n->output[0] = s->values->name;
		PUSH(g->node, g->n_node, n);
	}
	if ((!coin(2) || !feed(g, s->values->name)) && gi == 0)
		PUSH(g->output, g->n_output, vi(s->values->name,
		    out_type()));
}

/* A Constant with any kind of value, rank up to and past 64. */
static void
m_const(void)
{
	static const struct { const char *name; int type; } kinds[] = {
		{ "value", 4 }, { "value", 4 }, { "value_float", 1 },
		{ "value_floats", 6 }, { "value_int", 2 }, { "value_ints", 7 },
		{ "value_string", 3 }, { "value_strings", 8 },
		{ "sparse_value", 11 },
	};
	int gi = pick_graph(), k;
	Onnx__GraphProto *g;
	Onnx__NodeProto *n;
	struct vec vis = { 0 };

	if (gi < 0)
		return;
	g = G[gi].g;
	n = new_node("Constant", 0, 1);
	k = (int)rn(NELEM(kinds));
	PUSH(n->attribute, n->n_attribute, gen_attr(kinds[k].name,
	    kinds[k].type, &vis, 0));
	if (coin(8))	/* two values */
		PUSH(n->attribute, n->n_attribute, gen_attr("value_int", 2,
		    &vis, 0));
	PUSH(g->node, g->n_node, n);
	if (g->n_node > 1 && coin(2)) {
		Onnx__NodeProto *c = g->node[rn(g->n_node - 1)];

		if (c->n_input > 0) {
			c->input[rn(c->n_input)] = n->output[0];
			return;
		}
	}
	if (gi == 0)
		PUSH(g->output, g->n_output, vi(n->output[0], out_type()));
}

/* A node of a random schema, fed from the graph's values. */
static void
m_add_node(void)
{
	int gi = pick_graph();
	Onnx__GraphProto *g;
	Onnx__NodeProto *n;
	struct vec vis = { 0 };

	if (gi < 0)
		return;
	g = G[gi].g;
	visible(gi, &vis);
	n = schema_node(rand_schema(), &vis, G[gi].depth);
	if (coin(2) || g->n_node == 0)
		PUSH(g->node, g->n_node, n);
	else {
		size_t at = rn(g->n_node);

		g->node = grown(g->node, g->n_node, 1, sizeof(void *));
		memmove(&g->node[at + 1], &g->node[at],
		    (g->n_node - at) * sizeof(void *));
		g->node[at] = n;
		g->n_node++;
	}
	if (n->n_output > 0) {
		if (gi == 0 && coin(2))
			PUSH(g->output, g->n_output, vi(n->output[0],
			    out_type()));
		else if (g->n_node > 1) {
			Onnx__NodeProto *c = g->node[rn(g->n_node)];

			if (c != n && c->n_input > 0)
				c->input[rn(c->n_input)] = n->output[0];
		}
	}
}

/* Remove something: a node, initializer, input, output, value_info. */
static void
m_remove(void)
{
	int gi = pick_graph();
	Onnx__GraphProto *g;

	if (gi < 0)
		return;
	g = G[gi].g;
	switch (rn(6)) {
	case 0:
	case 1:
		if (g->n_node > 0)
			DEL(g->node, g->n_node, rn(g->n_node));
		break;
	case 2:
		if (g->n_initializer > 0)
			DEL(g->initializer, g->n_initializer,
			    rn(g->n_initializer));
		break;
	case 3:
		if (g->n_input > 0)
			DEL(g->input, g->n_input, rn(g->n_input));
		break;
	case 4:
		if (g->n_output > 0)
			DEL(g->output, g->n_output, rn(g->n_output));
		break;
	default:
		if (g->n_value_info > 0)
			DEL(g->value_info, g->n_value_info,
			    rn(g->n_value_info));
		break;
	}
}

/* A copy of a node: the same outputs (two producers) or new ones. */
static void
m_dup_node(void)
{
	struct nref *r = pick_node();
	Onnx__NodeProto ***arr, *c;
	size_t *n, j;

	if (r == NULL)
		return;
	node_array(r, &arr, &n);
	c = mem(sizeof(*c));
	*c = *r->n;
	if (coin(2)) {
		c->output = mem((c->n_output + 1) * sizeof(char *));
		for (j = 0; j < c->n_output; j++)
			c->output[j] = fresh();
	}
	PUSH(*arr, *n, c);
}

/* Opset imports and the IR version. */
static void
m_opset(void)
{
	static const int64_t irv[] = {
		0, 1, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, -1, INT64_MAX,
	};
	Onnx__OperatorSetIdProto *o;

	switch (rn(5)) {
	case 0:
		M->has_ir_version = 1;
		M->ir_version = PICK(irv);
		break;
	case 1:
		if (M->n_opset_import > 0) {
			o = M->opset_import[rn(M->n_opset_import)];
			o->has_version = 1;
			o->version = coin(2) ? PICK(bound_ints) :
			    1 + (int64_t)rn(28);
		}
		break;
	case 2:
		if (M->n_opset_import > 0)
			DEL(M->opset_import, M->n_opset_import,
			    rn(M->n_opset_import));
		break;
	case 3:		/* a domain twice */
		if (M->n_opset_import > 0) {
			o = mem(sizeof(*o));
			*o = *M->opset_import[rn(M->n_opset_import)];
			o->version = 1 + (int64_t)rn(28);
			PUSH(M->opset_import, M->n_opset_import, o);
		}
		break;
	default: {
		static const char *const doms[] = {
			"ai.onnx.ml", "com.microsoft", "ai.onnx.preview.training",
			"ai.onnx", "com.ms.internal.nhwc", "fz.local",
			"ai.onnx.training",
		};

		o = mem(sizeof(*o));
		onnx__operator_set_id_proto__init(o);
		o->domain = (char *)PICK(doms);
		o->has_version = 1;
		o->version = 1 + (int64_t)rn(5);
		PUSH(M->opset_import, M->n_opset_import, o);
		break;
	}
	}
}

/* A model-local function, maybe recursive, and a call to it. */
static void
m_function(void)
{
	Onnx__FunctionProto *f = mem(sizeof(*f));
	Onnx__NodeProto *call, *body;
	struct vec vis = { 0 };
	char *x = fresh(), *y = fresh();
	size_t i;

	onnx__function_proto__init(f);
	f->name = fresh();
	f->domain = (char *)"fz.local";
	PUSH(f->input, f->n_input, x);
	PUSH(f->output, f->n_output, y);
	vpush(&vis, x);
	switch (rn(4)) {
	case 0:		/* calls itself */
		body = new_node(f->name, 1, 1);
		body->domain = f->domain;
		body->input[0] = x;
		body->output[0] = y;
		break;
	case 1:		/* an attribute reference */
		body = unary("LeakyRelu", x, y);
		PUSH(body->attribute, body->n_attribute,
		    gen_attr("alpha", 1, &vis, 0));
		body->attribute[0]->ref_attr_name = (char *)"alpha";
		PUSH(f->attribute, f->n_attribute, (char *)"alpha");
		break;
	default:
		body = schema_node(rand_schema(), &vis, 0);
		if (body->n_output > 0)
			body->output[0] = y;
		break;
	}
	PUSH(f->node, f->n_node, body);
	for (i = 0; i < M->n_opset_import; i++)
		PUSH(f->opset_import, f->n_opset_import, M->opset_import[i]);
	PUSH(M->functions, M->n_functions, f);
	set_opset(&M->opset_import, &M->n_opset_import, "fz.local", 1, 1);
	if (nG > 0) {
		struct vec names = { 0 };

		own_names(0, &names);
		call = new_node(f->name, 1, 1);
		call->domain = f->domain;
		call->input[0] = pick_name(&names);
		if (coin(3))
			PUSH(call->attribute, call->n_attribute,
			    gen_attr("alpha", 1 + (int)rn(3), &vis, 0));
		PUSH(M->graph->node, M->graph->n_node, call);
		PUSH(M->graph->output, M->graph->n_output, vi(call->output[0],
		    out_type()));
	}
}

/* Graph outputs: a missing value, twice the same, an input as output. */
static void
m_graph_io(void)
{
	Onnx__GraphProto *g = M->graph;
	struct vec names = { 0 };

	switch (rn(4)) {
	case 0:
		PUSH(g->output, g->n_output, vi(fresh(), out_type()));
		break;
	case 1:
		if (g->n_output > 0)
			PUSH(g->output, g->n_output, g->output[rn(g->n_output)]);
		break;
	case 2:
		if (g->n_input > 0)
			PUSH(g->output, g->n_output, g->input[rn(g->n_input)]);
		break;
	default:
		own_names(0, &names);
		PUSH(g->input, g->n_input, vi(coin(2) ? fresh() :
		    pick_name(&names), gen_type(0)));
		break;
	}
}

/* Two nodes of one graph swap places. */
static void
m_swap(void)
{
	int gi = pick_graph();
	Onnx__GraphProto *g;
	Onnx__NodeProto *x;
	size_t a, b;

	if (gi < 0 || G[gi].g->n_node < 2)
		return;
	g = G[gi].g;
	a = rn(g->n_node);
	b = rn(g->n_node);
	x = g->node[a];
	g->node[a] = g->node[b];
	g->node[b] = x;
}

static void (*const mutations[])(void) = {
	m_optype, m_optype, m_attr, m_attr, m_attr, m_ints, m_ints,
	m_tensor, m_tensor, m_vinfo, m_vinfo, m_add_vinfo, m_fanout,
	m_chain, m_rewire, m_rewire, m_control, m_control, m_subgraph,
	m_shadow, m_external, m_sparse, m_const, m_add_node, m_add_node,
	m_add_node, m_remove, m_dup_node, m_opset, m_function, m_graph_io,
	m_swap,
};

static void
ensure_graph(void)
{
	if (M->graph == NULL) {
		M->graph = new_graph();
		PUSH(M->graph->input, M->graph->n_input, vi(fresh(),
		    out_type()));
	}
	if (M->n_opset_import == 0)
		set_opset(&M->opset_import, &M->n_opset_import, "ai.onnx",
		    13, 21);
	if (!M->has_ir_version) {
		M->has_ir_version = 1;
		M->ir_version = 8;
	}
}

/* Every repeated message or string element is there: a mutation bug
 * would crash protobuf-c's encoder, far from its cause. */
static void
well_formed(const ProtobufCMessage *m, unsigned depth)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	unsigned i;
	size_t k;

	if (depth > 200)
		fuzz_fail("mutator: a message contains itself");
	for (i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const char *at = (const char *)m + f->offset;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m +
			    f->quantifier_offset);
			void *const *v = *(void *const *const *)at;

			if (f->type != PROTOBUF_C_TYPE_MESSAGE &&
			    f->type != PROTOBUF_C_TYPE_STRING)
				continue;
			for (k = 0; k < n; k++) {
				if (v[k] == NULL) {
					fprintf(stderr, "mutator: %s.%s[%zu] "
					    "is NULL\n", d->name, f->name, k);
					fuzz_fail("mutator made a bad message");
				}
				if (f->type != PROTOBUF_C_TYPE_MESSAGE)
					continue;
				if (((const ProtobufCMessage *)v[k])->
				    descriptor != f->descriptor) {
					fprintf(stderr, "mutator: %s.%s[%zu] "
					    "has the wrong type\n", d->name,
					    f->name, k);
					fuzz_fail("mutator made a bad message");
				}
				well_formed(v[k], depth + 1);
			}
			continue;
		}
		if (f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(const uint32_t *)((const char *)m +
		    f->quantifier_offset) != f->id)
			continue;
		if (*(void *const *)at != NULL) {
			const ProtobufCMessage *c = *(void *const *)at;

			if (c->descriptor != f->descriptor) {
				fprintf(stderr, "mutator: %s.%s has the wrong "
				    "type\n", d->name, f->name);
				fuzz_fail("mutator made a bad message");
			}
			well_formed(c, depth + 1);
		}
		else if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			fprintf(stderr, "mutator: %s.%s is NULL\n", d->name,
			    f->name);
			fuzz_fail("mutator made a bad message");
		}
	}
}

/* Encode M into OUT (at most MAX bytes); 0 when it does not fit. */
static size_t
encode_into(uint8_t *out, size_t max)
{
	size_t n;
	uint8_t *tmp;

	well_formed(&M->base, 0);
	n = onnx__model_proto__get_packed_size(M);

	if (n == 0 || n > max)
		return 0;
	tmp = malloc(n);
	if (tmp == NULL)
		return 0;
	if (onnx__model_proto__pack(M, tmp) != n) {
		free(tmp);
		return 0;
	}
	memcpy(out, tmp, n);
	free(tmp);
	return n;
}

size_t
LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
    unsigned int seed)
{
	size_t i, k, n = 0;

	rs = (uint64_t)seed * 0x2545f4914f6cdd1dull + 1;
	if (coin(32) && LLVMFuzzerMutate != NULL)
		return LLVMFuzzerMutate(data, size, max_size);
	M = onnx__model_proto__unpack(&pb_arena, size, data);
	if (M == NULL) {
		arena_drop();
		return LLVMFuzzerMutate != NULL ?
		    LLVMFuzzerMutate(data, size, max_size) : size;
	}
	ensure_graph();
	k = 1 + rn(4);
	for (i = 0; i < k; i++) {
		collect();
		mutations[rn(NELEM(mutations))]();
	}
	n = encode_into(data, max_size);
	arena_drop();
	M = NULL;
	if (n == 0)
		return LLVMFuzzerMutate != NULL ?
		    LLVMFuzzerMutate(data, size, max_size) : size;
	return n;
}

/* Splice a run of nodes (and the initializers) of one model into
 * another, and feed some of the first model's nodes from them. */
size_t
LLVMFuzzerCustomCrossOver(const uint8_t *d1, size_t s1, const uint8_t *d2,
    size_t s2, uint8_t *out, size_t max_out, unsigned int seed)
{
	Onnx__ModelProto *a, *b;
	Onnx__GraphProto *ga, *gb;
	size_t i, at, k, n;

	rs = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 7;
	a = onnx__model_proto__unpack(&pb_arena, s1, d1);
	b = onnx__model_proto__unpack(&pb_arena, s2, d2);
	if (a == NULL || b == NULL || a->graph == NULL || b->graph == NULL ||
	    b->graph->n_node == 0) {
		arena_drop();
		return 0;
	}
	ga = a->graph;
	gb = b->graph;
	at = rn(gb->n_node);
	k = 1 + rn(gb->n_node - at);
	for (i = at; i < at + k; i++) {
		PUSH(ga->node, ga->n_node, gb->node[i]);
		if (ga->n_node > 1 && coin(3)) {
			Onnx__NodeProto *c = ga->node[rn(ga->n_node - 1)];

			if (c->n_input > 0 && gb->node[i]->n_output > 0)
				c->input[rn(c->n_input)] =
				    gb->node[i]->output[0];
		}
	}
	for (i = 0; i < gb->n_initializer; i++)
		PUSH(ga->initializer, ga->n_initializer, gb->initializer[i]);
	for (i = 0; i < gb->n_input && coin(2); i++)
		PUSH(ga->input, ga->n_input, gb->input[i]);
	for (i = 0; i < b->n_opset_import; i++)
		if (opset_of(a->opset_import, a->n_opset_import,
		    b->opset_import[i]->domain) < 0)
			PUSH(a->opset_import, a->n_opset_import,
			    b->opset_import[i]);
	for (i = 0; i < b->n_functions; i++)
		PUSH(a->functions, a->n_functions, b->functions[i]);
	M = a;
	n = encode_into(out, max_out);
	M = NULL;
	arena_drop();
	return n;
}

/* ------------------------------------------------------------------ */
/* The property checker. */

static char dir[80];
static char in_path[128], out_path[128], dot_path[128], diff_path[128];
static char out2_path[4096];
static int idem_mode;		/* 0 abort, 1 count, 2 off */
static size_t mutate_chain;	/* FUZZ_STRUCT_MUTATE */
static const char *mutate_out;	/* FUZZ_STRUCT_MUTATE_OUT */
static unsigned long n_inputs, n_loaded, n_fixed, n_idem_fail;
static unsigned long n_idem_invalid;

/* Allocation outside the budget, from the sanitizer's hooks. */
static size_t live, peak;

static void
on_malloc(const volatile void *p, size_t n)
{
	(void)p;
	live += n;
	if (live > peak)
		peak = live;
}

static void
on_free(const volatile void *p)
{
	if (p != NULL && __sanitizer_get_allocated_size != NULL)
		live -= __sanitizer_get_allocated_size(p);
}

#define BUDGET ((uint64_t)256 << 20)
/* What may be allocated besides the budget during one step: diagnostics,
 * the protobuf encoding of the model, stdio buffers. */
#define SLACK ((size_t)64 << 20)

static size_t step_base;

static void
step_begin(void)
{
	step_base = live;
	peak = live;
}

static size_t max_step;		/* the most any step allocated */
static const char *max_step_what;

static void
step_end(const char *what)
{
	if (__sanitizer_get_allocated_size == NULL)
		return;
	if (peak - step_base > max_step) {
		max_step = peak - step_base;
		max_step_what = what;
	}
	if (peak - step_base > BUDGET + SLACK) {
		fprintf(stderr, "fuzz: %s allocated %zu bytes at its peak, "
		    "budget %llu\n", what, peak - step_base,
		    (unsigned long long)BUDGET);
		fuzz_fail("memory over the budget");
	}
}

static void
report(void)
{
	if (idem_mode == 1 || getenv("FUZZ_STRUCT_STATS") != NULL)
		fprintf(stderr, "fuzz_struct: %lu inputs, %lu loaded, %lu "
		    "fixed and saved; fix not idempotent on %lu valid models, "
		    "%lu invalid ones\n", n_inputs, n_loaded, n_fixed,
		    n_idem_fail, n_idem_invalid);
	if (max_step_what != NULL && getenv("FUZZ_STRUCT_STATS") != NULL)
		fprintf(stderr, "fuzz_struct: one step allocated at most %zu "
		    "bytes at its peak (%s)\n", max_step, max_step_what);
}

static void
write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	fuzz_assert(fd >= 0);
	fuzz_assert(onnxfix_write_all(fd, p, n) == 0);
	close(fd);
}

static void
setup(void)
{
	static uint8_t w[65536];
	const char *e;
	size_t i;
	char p[160];

	snprintf(dir, sizeof(dir), "%s/onnxfix-fuzz-struct.%ld",
	    fuzz_tmpdir(), (long)getpid());
	mkdir(dir, 0700);
	snprintf(p, sizeof(p), "%s/sub", dir);
	mkdir(p, 0700);
	/* external data the models may name: w.bin, sub/w.bin */
	for (i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 7 % 13);
	snprintf(p, sizeof(p), "%s/w.bin", dir);
	write_file(p, w, sizeof(w));
	snprintf(p, sizeof(p), "%s/sub/w.bin", dir);
	write_file(p, w, 4096);
	snprintf(in_path, sizeof(in_path), "%s/model.onnx", dir);
	snprintf(out_path, sizeof(out_path), "%s/fixed.onnx", dir);
	snprintf(out2_path, sizeof(out2_path), "%s/fixed2.onnx", dir);
	snprintf(dot_path, sizeof(dot_path), "%s/model.dot", dir);
	snprintf(diff_path, sizeof(diff_path), "%s/diff.txt", dir);
	if ((e = getenv("FUZZ_STRUCT_FANOUT")) != NULL && atoi(e) > 0)
		max_fanout = (size_t)atoi(e);
	if ((e = getenv("FUZZ_STRUCT_MUTATE")) != NULL && atoi(e) > 0)
		mutate_chain = (size_t)atoi(e);
	mutate_out = getenv("FUZZ_STRUCT_MUTATE_OUT");
	e = getenv("FUZZ_STRUCT_IDEMPOTENCE");
	if (e != NULL && strcmp(e, "count") == 0)
		idem_mode = 1;
	else if (e != NULL && strcmp(e, "off") == 0)
		idem_mode = 2;
	if (__sanitizer_install_malloc_and_free_hooks != NULL &&
	    __sanitizer_get_allocated_size != NULL)
		__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
	atexit(report);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setup();
	return 0;
}

static uint32_t
hash(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static void
options(struct onnxfix_options *o, uint32_t h)
{
	onnxfix_options_default(o);
	o->mem_budget = BUDGET;
	o->verify = true;
	o->targets[0].kind = ONNXFIX_TARGET_ORT_CPU;
	o->ntargets = 1;
	/* the other settings vary with the input, reproducibly */
	switch (h % 8) {
	case 1:
		o->targets[o->ntargets++].kind = ONNXFIX_TARGET_TENSORRT;
		break;
	case 2:
		o->targets[o->ntargets].kind = ONNXFIX_TARGET_ONNX;
		o->targets[o->ntargets++].opset = 13;
		o->targets[o->ntargets++].kind = ONNXFIX_TARGET_TFLITE;
		break;
	case 3:
		o->targets[o->ntargets++].kind = ONNXFIX_TARGET_ORT_CUDA;
		break;
	default:
		break;
	}
	o->expect = (enum onnxfix_convention)((h >> 3) % 5);
	o->bn_convention = (enum onnxfix_convention)((h >> 6) % 5);
	if ((h >> 9) % 8 == 0)
		o->inputs_layout = ONNXFIX_LAYOUT_NHWC;
	if ((h >> 12) % 8 == 0)
		o->outputs_layout = ONNXFIX_LAYOUT_NCHW;
}

static bool
has_id(const struct diag_list *d, enum diag_id id)
{
	return diag_count(d, id) > 0;
}

/* No finding of D is an internal error. */
static void
no_internal(const struct diag_list *d)
{
	fuzz_assert(!has_id(d, DIAG_X_VERIFY));
	fuzz_assert(!has_id(d, DIAG_OUT_REREAD));
}

static void
is_ok(enum onnxfix_status rc, const struct diag_list *d)
{
	if (rc == ONNXFIX_EINTERNAL) {
		if (d->n > 0)
			diag_print(stderr, "fuzz", &d->v[d->n - 1]);
		fuzz_fail("status 70 (ONNXFIX_EINTERNAL)");
	}
	no_internal(d);
}

static enum onnxfix_status
load(const char *path, const struct onnxfix_options *o,
    struct diag_list *d, struct ir_model **m)
{
	enum onnxfix_status rc;

	step_begin();
	rc = onnxfix_load(path, o, d, m);
	step_end("load");
	is_ok(rc, d);
	if (rc != ONNXFIX_OK) {
		fuzz_assert(*m == NULL);
		fuzz_assert(rc == ONNXFIX_EINPUT || rc == ONNXFIX_EBUDGET);
	}
	return rc;
}

static uint8_t *
slurp(const char *path, size_t *n)
{
	struct stat st;
	uint8_t *p;
	int fd = open(path, O_RDONLY);

	fuzz_assert(fd >= 0 && fstat(fd, &st) == 0);
	p = malloc((size_t)st.st_size + 1);
	fuzz_assert(p != NULL);
	fuzz_assert(read(fd, p, (size_t)st.st_size) == st.st_size);
	close(fd);
	*n = (size_t)st.st_size;
	return p;
}

static int
count_ref(void *arg, const struct xdata_ref *ref)
{
	(void)arg;
	(void)ref;
	return 1;	/* one is enough: stop */
}

static void
check_one(const uint8_t *data, size_t size)
{
	struct onnxfix_options o;
	struct onnxfix_dot_options dopt;
	struct diag_list d0, d1, d2, d3;
	struct ir_model *m = NULL, *mf = NULL, *m1 = NULL, *m2 = NULL;
	struct ir_node **before = NULL;
	enum onnxfix_status rc, frc;
	uint8_t *e1 = NULL, *saved;
	size_t n1 = 0, nsaved, nbefore, i, nf1, nf2;
	uint8_t *f1, *f2;
	bool ext;
	uint32_t h = hash(data, size);
	bool differ, invalid;
	if (dir[0] == '\0')
		setup();
	n_inputs++;
	options(&o, h);
	write_file(in_path, data, size);
	diag_list_init(&d0);
	diag_list_init(&d1);
	diag_list_init(&d2);
	diag_list_init(&d3);

	/* load and check, draw */
	if (load(in_path, &o, &d0, &m) != ONNXFIX_OK) {
		fuzz_assert(d0.n == 1 &&
		    diag_table[d0.v[0].id].level == DIAG_FATAL);
		goto out;
	}
	n_loaded++;
	step_begin();
	rc = onnxfix_check(m, &o, &d0);
	step_end("check");
	is_ok(rc, &d0);
	fuzz_assert(rc == ONNXFIX_OK || rc == ONNXFIX_EBUDGET);
	/* fix need not reach a fixed point in one run on a graph that is
	 * not one: two producers of a name, undefined values, a cycle */
	invalid = rc != ONNXFIX_OK || has_id(&d0, DIAG_S_SSA) ||
	    has_id(&d0, DIAG_S_UNDEFINED) ||
	    has_id(&d0, DIAG_S_OUTPUT_UNDEFINED) || has_id(&d0, DIAG_S_CYCLE);
	memset(&dopt, 0, sizeof(dopt));
	dopt.collapse = (h >> 15) & 1;
	dopt.no_scopes = (h >> 16) & 1;
	if ((h >> 17) % 4 == 0)
		dopt.max_nodes = 1 + (h >> 19) % 8;
	if ((h >> 21) % 4 == 0 && m->graph != NULL && m->graph->nnodes > 0) {
		dopt.focus = m->graph->nodes[(h >> 23) %
		    m->graph->nnodes]->name;
		dopt.radius = (h >> 27) % 3;
	}
	if (rc == ONNXFIX_OK) {
		step_begin();
		rc = onnxfix_dot_opts(m, dot_path, ONNXFIX_DOT, &dopt, &d0);
		step_end("dot");
		is_ok(rc, &d0);
	}
	/* info --profile: every call of every local function priced with
	 * its own shapes, within the walk's bounds; it fails only when the
	 * memory budget runs out */
	if (rc == ONNXFIX_OK) {
		struct profile P;
		int prc;

		step_begin();
		prc = profile_model(m, &P);
		step_end("profile");
		fuzz_assert(prc == 0 || (m->budget != NULL &&
		    m->budget->exceeded));
	}

	/* convert a fresh copy to another opset (fix --passes opset): the
	 * conversion is exact, refused or over the budget, and what it
	 * makes checks without an internal error */
	{
		struct onnxfix_options oc = o;
		struct diag_list dc;
		struct ir_model *mc = NULL;

		oc.passes = "opset";
		oc.opset = 7 + (int)((h >> 24) % 15);
		diag_list_init(&dc);
		fuzz_assert(load(in_path, &oc, &dc, &mc) == ONNXFIX_OK);
		step_begin();
		rc = onnxfix_fix(mc, &oc, &dc);
		step_end("fix --opset");
		is_ok(rc, &dc);
		fuzz_assert(rc == ONNXFIX_OK || rc == ONNXFIX_EREFUSED ||
		    rc == ONNXFIX_EBUDGET);
		if (rc == ONNXFIX_OK) {
			step_begin();
			rc = onnxfix_check(mc, &o, &dc);
			step_end("check after --opset");
			is_ok(rc, &dc);
		}
		onnxfix_model_free(mc);
		diag_list_release(&dc);
	}

	/* a layout asked for with no converter Transpose at the interface
	 * is refused (F318, nothing to write): the rest runs without it */
	if (o.inputs_layout != ONNXFIX_LAYOUT_KEEP ||
	    o.outputs_layout != ONNXFIX_LAYOUT_KEEP) {
		struct ir_model *ml = NULL;
		struct diag_list dl;

		diag_list_init(&dl);
		fuzz_assert(load(in_path, &o, &dl, &ml) == ONNXFIX_OK);
		step_begin();
		rc = onnxfix_fix(ml, &o, &dl);
		step_end("fix with a layout");
		is_ok(rc, &dl);
		fuzz_assert(rc == ONNXFIX_OK || rc == ONNXFIX_EBUDGET ||
		    (rc == ONNXFIX_EREFUSED &&
		    has_id(&dl, DIAG_F_TP_NO_INTERFACE)));
		if (rc == ONNXFIX_EREFUSED)
			o.inputs_layout = o.outputs_layout =
			    ONNXFIX_LAYOUT_KEEP;
		onnxfix_model_free(ml);
		diag_list_release(&dl);
	}

	/* fix a fresh copy, draw the before/after picture, save */
	fuzz_assert(load(in_path, &o, &d1, &mf) == ONNXFIX_OK);
	nbefore = onnxfix_dot_snapshot(mf, &before);
	step_begin();
	frc = onnxfix_fix(mf, &o, &d1);
	step_end("fix");
	is_ok(frc, &d1);
	fuzz_assert(frc == ONNXFIX_OK || frc == ONNXFIX_EBUDGET);
	if (frc != ONNXFIX_OK)
		goto out;
	/* fold stopped at its work limit: a second fix has a fresh one */
	if (has_id(&d1, DIAG_F_FOLD_WORK))
		invalid = true;
	memset(&dopt, 0, sizeof(dopt));
	dopt.diff = true;
	dopt.before = before;
	dopt.nbefore = nbefore;
	step_begin();
	rc = onnxfix_dot_opts(mf, dot_path, ONNXFIX_DOT, &dopt, &d1);
	step_end("dot after fix");
	is_ok(rc, &d1);
	step_begin();
	rc = onnxfix_save(mf, out_path, &o, &d1);
	step_end("save");
	is_ok(rc, &d1);
	if (rc != ONNXFIX_OK)
		goto out;
	/* save copies external tensors into the file: not what encode
	 * gives */
	ext = xdata_walk(mf, XDATA_LIVE, count_ref, NULL) != 0;
	step_begin();
	rc = onnxfix_encode(mf, &d1, &e1, &n1);
	step_end("encode");
	is_ok(rc, &d1);
	fuzz_assert(rc == ONNXFIX_OK);
	n_fixed++;
	/* at most two models live at once (-rss_limit_mb) */
	onnxfix_model_free(mf);
	mf = NULL;

	/* the fixed model loads again; its check adds no fatal finding */
	rc = load(out_path, &o, &d2, &m1);
	if (rc != ONNXFIX_OK && d2.n > 0)
		diag_print(stderr, "fixed", &d2.v[d2.n - 1]);
	fuzz_assert(rc == ONNXFIX_OK);
	step_begin();
	rc = onnxfix_check(m1, &o, &d2);
	step_end("check of the fixed model");
	is_ok(rc, &d2);
	if (rc == ONNXFIX_OK)
		for (i = 0; i < d2.n; i++)
			if (diag_table[d2.v[i].id].level == DIAG_FATAL &&
			    !has_id(&d0, d2.v[i].id)) {
				diag_print(stderr, "fixed", &d2.v[i]);
				fuzz_fail("fix made a fatal finding");
			}
	step_begin();
	rc = onnxfix_diff(m, m1, diff_path, (h >> 29) & 1, &differ, &d2);
	step_end("diff");
	is_ok(rc, &d2);

	onnxfix_model_free(m1);
	onnxfix_model_free(m);
	m1 = m = NULL;

	/* fix is idempotent: fixing the fixed model changes nothing (its
	 * interface has the layout asked for already) */
	if (idem_mode != 2) {
		o.inputs_layout = o.outputs_layout = ONNXFIX_LAYOUT_KEEP;
		fuzz_assert(load(out_path, &o, &d3, &m2) == ONNXFIX_OK);
		step_begin();
		rc = onnxfix_fix(m2, &o, &d3);
		step_end("second fix");
		is_ok(rc, &d3);
		if (rc == ONNXFIX_OK) {
			/*
			 * The files save writes are compared, not the
			 * encodings: save copies small external tensors
			 * into the model, which the IR does not show.
			 */
			rc = onnxfix_save(m2, out2_path, &o, &d3);
			is_ok(rc, &d3);
			fuzz_assert(rc == ONNXFIX_OK);
			f1 = slurp(out_path, &nf1);
			f2 = slurp(out2_path, &nf2);
			if ((nf1 != nf2 || memcmp(f1, f2, nf1) != 0) &&
			    invalid) {
				n_idem_invalid++;
				if (idem_mode == 1 &&
				    getenv("FUZZ_STRUCT_STATS") != NULL) {
					fprintf(stderr, "idempotence on "
					    "invalid:");
					for (i = 0; i < d0.n; i++)
						if (diag_table[d0.v[i].id].
						    level >= DIAG_ERROR)
							fprintf(stderr, " %s",
							    diag_table[d0.v[i].
							    id].code);
					fprintf(stderr, "\n");
				}
			} else if (nf1 != nf2 || memcmp(f1, f2, nf1) != 0) {
				n_idem_fail++;
				if (idem_mode == 1 &&
				    getenv("FUZZ_STRUCT_STATS") != NULL) {
					fprintf(stderr, "idempotence:");
					for (i = 0; i < d3.n; i++)
						if (diag_table[d3.v[i].id].
						    code[0] == 'F')
							fprintf(stderr, " %s",
							    diag_table[d3.v[i].
							    id].code);
					fprintf(stderr, "\n");
				}
				if (idem_mode == 0) {
					for (i = 0; i < d3.n; i++)
						diag_print(stderr, "second fix",
						    &d3.v[i]);
					fuzz_fail("fix is not idempotent");
				}
			}
			free(f1);
			free(f2);
		}
	}
	/* what save wrote is what encode gives */
	saved = slurp(out_path, &nsaved);
	fuzz_assert(ext || (nsaved == n1 && memcmp(saved, e1, n1) == 0));
	free(saved);
out:
	onnxfix_model_free(m2);
	onnxfix_model_free(m1);
	onnxfix_model_free(mf);
	onnxfix_model_free(m);
	free(e1);
	diag_list_release(&d0);
	diag_list_release(&d1);
	diag_list_release(&d2);
	diag_list_release(&d3);
	unlink(out_path);
	unlink(out2_path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = size, s, max = 1u << 20;
	uint8_t *buf;

	if (dir[0] == '\0')
		setup();
	check_one(data, size);
	if (mutate_chain == 0 || size > max)
		return 0;
	/* FUZZ_STRUCT_MUTATE=N: the mutator's chain from this input,
	 * seeds 1 to N, each result checked (reproduces a mutator crash
	 * and what it made without libFuzzer) */
	buf = malloc(max);
	fuzz_assert(buf != NULL);
	memcpy(buf, data, size);
	for (s = 1; s <= mutate_chain; s++) {
		fprintf(stderr, "mutate: seed %zu\n", s);
		n = LLVMFuzzerCustomMutator(buf, n, max, (unsigned)s);
		if (mutate_out != NULL)
			write_file(mutate_out, buf, n);
		check_one(buf, n);
	}
	free(buf);
	return 0;
}
