/* SPDX-License-Identifier: MIT */
/*
 * The operator table of shape inference: op_type -> rule, one table for
 * ONNX's default domain and one for com.microsoft.  The engine (shapes.c)
 * indexes both by name once per run and reaches the rules through them
 * alone.  An operator absent here leaves its outputs as declared.
 */
#include "ir/shapes_int.h"

const struct shapes_op_entry shapes_op_table[] = {
	/* same type and shape as input 0 */
	{ "Abs", shapes_op_same }, { "Acos", shapes_op_same },
	{ "Acosh", shapes_op_same }, { "Asin", shapes_op_same },
	{ "Asinh", shapes_op_same }, { "Atan", shapes_op_same },
	{ "Atanh", shapes_op_same }, { "BitwiseNot", shapes_op_same },
	{ "Ceil", shapes_op_same }, { "Celu", shapes_op_same },
	{ "Clip", shapes_op_same }, { "Cos", shapes_op_same },
	{ "Cosh", shapes_op_same }, { "CumSum", shapes_op_same },
	{ "Elu", shapes_op_same }, { "Erf", shapes_op_same },
	{ "Exp", shapes_op_same }, { "Floor", shapes_op_same },
	{ "Gelu", shapes_op_same }, { "HardSigmoid", shapes_op_same },
	{ "HardSwish", shapes_op_same }, { "Hardmax", shapes_op_same },
	{ "InstanceNormalization", shapes_op_same }, { "LRN", shapes_op_same },
	{ "LeakyRelu", shapes_op_same }, { "Log", shapes_op_same },
	{ "LogSoftmax", shapes_op_same }, { "LpNormalization", shapes_op_same },
	{ "MeanVarianceNormalization", shapes_op_same },
	{ "Mish", shapes_op_same }, { "Neg", shapes_op_same },
	{ "Reciprocal", shapes_op_same }, { "Relu", shapes_op_same },
	{ "Round", shapes_op_same }, { "Selu", shapes_op_same },
	{ "Shrink", shapes_op_same }, { "Sigmoid", shapes_op_same },
	{ "Sign", shapes_op_same }, { "Sin", shapes_op_same },
	{ "Sinh", shapes_op_same }, { "Softmax", shapes_op_same },
	{ "Softplus", shapes_op_same }, { "Softsign", shapes_op_same },
	{ "Sqrt", shapes_op_same }, { "Tan", shapes_op_same },
	{ "Tanh", shapes_op_same }, { "ThresholdedRelu", shapes_op_same },
	{ "Identity", shapes_op_identity }, { "PRelu", shapes_op_prelu },
	{ "Dropout", shapes_op_dropout }, { "IsInf", shapes_op_bool_unary },
	{ "IsNaN", shapes_op_bool_unary }, { "Not", shapes_op_bool_unary },
	{ "Cast", shapes_op_cast }, { "CastLike", shapes_op_castlike },
	/* broadcasting */
	{ "Add", shapes_op_binary }, { "Sub", shapes_op_binary },
	{ "Mul", shapes_op_binary }, { "Div", shapes_op_binary },
	{ "Pow", shapes_op_binary }, { "Mod", shapes_op_binary },
	{ "BitShift", shapes_op_binary }, { "BitwiseAnd", shapes_op_binary },
	{ "BitwiseOr", shapes_op_binary }, { "BitwiseXor", shapes_op_binary },
	{ "Equal", shapes_op_compare }, { "Less", shapes_op_compare },
	{ "Greater", shapes_op_compare }, { "LessOrEqual", shapes_op_compare },
	{ "GreaterOrEqual", shapes_op_compare }, { "And", shapes_op_compare },
	{ "Or", shapes_op_compare }, { "Xor", shapes_op_compare },
	{ "Max", shapes_op_variadic }, { "Min", shapes_op_variadic },
	{ "Sum", shapes_op_variadic }, { "Mean", shapes_op_variadic },
	{ "Where", shapes_op_where },
	/* convolution and pooling */
	{ "Conv", shapes_op_conv },
	{ "ConvTranspose", shapes_op_conv_transpose },
	{ "MaxPool", shapes_op_pool }, { "AveragePool", shapes_op_pool },
	{ "LpPool", shapes_op_pool },
	{ "GlobalAveragePool", shapes_op_global_pool },
	{ "GlobalMaxPool", shapes_op_global_pool },
	{ "GlobalLpPool", shapes_op_global_pool },
	{ "BatchNormalization", shapes_op_batchnorm },
	{ "LayerNormalization", shapes_op_layernorm },
	/* shape manipulation */
	{ "Transpose", shapes_op_transpose }, { "Reshape", shapes_op_reshape },
	{ "Flatten", shapes_op_flatten }, { "Concat", shapes_op_concat },
	{ "Split", shapes_op_split }, { "Slice", shapes_op_slice },
	{ "Squeeze", shapes_op_squeeze }, { "Unsqueeze", shapes_op_unsqueeze },
	{ "Expand", shapes_op_expand }, { "Tile", shapes_op_tile },
	{ "Pad", shapes_op_pad }, { "Gather", shapes_op_gather },
	{ "GatherElements", shapes_op_gather_elements },
	{ "Shape", shapes_op_shape }, { "Size", shapes_op_size },
	{ "Constant", shapes_op_constant },
	{ "ConstantOfShape", shapes_op_constant_of_shape },
	{ "Resize", shapes_op_resize }, { "Upsample", shapes_op_resize },
	/* reductions */
	{ "ReduceSum", shapes_op_reduce }, { "ReduceMean", shapes_op_reduce },
	{ "ReduceMax", shapes_op_reduce }, { "ReduceMin", shapes_op_reduce },
	{ "ReduceProd", shapes_op_reduce }, { "ReduceL1", shapes_op_reduce },
	{ "ReduceL2", shapes_op_reduce }, { "ReduceLogSum", shapes_op_reduce },
	{ "ReduceLogSumExp", shapes_op_reduce },
	{ "ReduceSumSquare", shapes_op_reduce }, { "ArgMax", shapes_op_argmax },
	{ "ArgMin", shapes_op_argmax },
	/* products */
	{ "MatMul", shapes_op_matmul }, { "MatMulInteger", shapes_op_matmul },
	{ "Gemm", shapes_op_gemm }, { "Einsum", shapes_op_einsum },
	/* the rest */
	{ "TopK", shapes_op_topk }, { "Range", shapes_op_range },
	{ "NonZero", shapes_op_nonzero }, { "If", shapes_op_if },
	{ "Loop", shapes_op_loop }, { "Scan", shapes_op_scan },
	{ "Bernoulli", shapes_op_like }, { "EyeLike", shapes_op_like },
	{ "RandomNormalLike", shapes_op_like },
	{ "RandomUniformLike", shapes_op_like },
	{ "RandomNormal", shapes_op_random },
	{ "RandomUniform", shapes_op_random }, { "Scatter", shapes_op_same },
	{ "ScatterElements", shapes_op_same }, { "ScatterND", shapes_op_same },
	{ "Trilu", shapes_op_same }, { "ReverseSequence", shapes_op_same },
	{ "GroupNormalization", shapes_op_same },
	{ "DepthToSpace", shapes_op_depth_space },
	{ "SpaceToDepth", shapes_op_depth_space },
	{ "QuantizeLinear", shapes_op_quantize },
	{ "DequantizeLinear", shapes_op_dequantize },
	{ "DynamicQuantizeLinear", shapes_op_dyn_quantize },
	{ "QLinearConv", shapes_op_conv }, { "ConvInteger", shapes_op_conv },
	{ "QLinearMatMul", shapes_op_matmul },
	{ "GatherND", shapes_op_gather_nd }, { "OneHot", shapes_op_onehot },
	{ "NonMaxSuppression", shapes_op_nms },
	{ "Compress", shapes_op_compress }, { "RNN", shapes_op_rnn },
	{ "GRU", shapes_op_rnn }, { "LSTM", shapes_op_rnn },
	{ "GridSample", shapes_op_grid_sample },
	{ "RoiAlign", shapes_op_roi_align }, { "Det", shapes_op_det },
	{ "SoftmaxCrossEntropyLoss", shapes_op_loss },
	{ "NegativeLogLikelihoodLoss", shapes_op_loss },
	{ "DFT", shapes_op_dft }, { "MaxUnpool", shapes_op_maxunpool },
	{ "HannWindow", shapes_op_window }, { "HammingWindow", shapes_op_window },
	{ "BlackmanWindow", shapes_op_window },
	{ "OptionalHasElement", shapes_op_scalar },
	{ "SequenceLength", shapes_op_scalar },
	{ "TfIdfVectorizer", shapes_op_tfidf },
	{ "StringNormalizer", shapes_op_strnorm },
	{ "Unique", shapes_op_unique },
};

const size_t shapes_op_count =
    sizeof(shapes_op_table) / sizeof(shapes_op_table[0]);

/*
 * com.microsoft operators whose shapes ONNX Runtime documents
 * (docs/ContribOperators.md) and that its optimizer leaves in re-saved
 * models.
 */
const struct shapes_op_entry shapes_ms_table[] = {
	{ "BiasGelu", shapes_op_binary }, { "FastGelu", shapes_op_same },
	{ "FusedConv", shapes_op_conv }, { "FusedGemm", shapes_op_gemm },
	{ "Gelu", shapes_op_same }, { "QuickGelu", shapes_op_same },
	{ "SkipLayerNormalization", shapes_op_same },
};

const size_t shapes_ms_count =
    sizeof(shapes_ms_table) / sizeof(shapes_ms_table[0]);
