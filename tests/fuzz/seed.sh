#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Rebuild the committed fuzz corpus (testdata/fuzz/TARGET/) from seeds:
# the real models of testdata/corpus (up to 256 KiB; replay.sh also
# replays all of them), Debian's
# libonnx-testdata models when installed, and the adversarial fixtures of
# tests/hostile/gen.py (up to 256 KiB); libFuzzer's -merge=1 keeps the
# smallest set with the same coverage.  Crashers (crash-*, leak-*,
# timeout-*, oom-*) already in the directories are kept.  Needs make fuzz.
# The structure-aware target's seeds (testdata/fuzz/struct/) are written
# whole, not merged.
#
#   sh tests/fuzz/seed.sh
set -eu
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/models"
find testdata/corpus -name '*.onnx' -size -256k -exec cp {} "$T/models/" \;
if [ -d /usr/share/libonnx-testdata/data ]; then
	i=0
	find /usr/share/libonnx-testdata/data -name '*.onnx' | sort |
	while read -r f; do
		i=$((i + 1))
		cp "$f" "$T/models/libonnx-$i.onnx"
	done
fi
python3 tests/hostile/gen.py "$T/hostile" >/dev/null
find "$T/hostile/model" -maxdepth 1 -type f -name '*.onnx' -size -256k \
    -exec cp {} "$T/models/" \;
for t in prescan load passes dot cli; do
	mkdir -p "testdata/fuzz/$t" "$T/new-$t"
	"build/fuzz/fuzz_$t" -merge=1 -timeout=5 -rss_limit_mb=2048 \
	    "$T/new-$t" "testdata/fuzz/$t" "$T/models" >/dev/null 2>&1
	find "testdata/fuzz/$t" -type f ! -name 'crash-*' ! -name 'leak-*' \
	    ! -name 'timeout-*' ! -name 'oom-*' -delete
	cp "$T/new-$t"/* "testdata/fuzz/$t/"
	echo "seed: $t: $(ls "testdata/fuzz/$t" | wc -l) inputs"
done
# struct: not merged (its mutator starts from whole models): the seeds
# of tests/fuzz/struct-seeds.py, the small models of testdata/corpus and
# some of libonnx-testdata's (control flow, shapes, odd types)
s=testdata/fuzz/struct
mkdir -p "$s"
find "$s" -type f ! -name 'crash-*' ! -name 'leak-*' ! -name 'timeout-*' \
    ! -name 'oom-*' -delete
/usr/bin/python3 tests/fuzz/struct-seeds.py "$s" 2>/dev/null
for f in bn_keras_like bn_small bn_training custom_op nhwc_transposes; do
	cp "testdata/corpus/$f.onnx" "$s/corpus-$f.onnx"
done
L=/usr/share/libonnx-testdata/data
if [ -d "$L" ]; then
	for d in node/test_if node/test_loop11 node/test_scan9_sum \
	    node/test_scan_sum node/test_loop13_seq node/test_if_seq \
	    node/test_if_opt node/test_range_float_type_positive_delta_expanded \
	    node/test_resize_downsample_scales_cubic \
	    node/test_resize_tf_crop_and_resize node/test_einsum_batch_diagonal \
	    node/test_einsum_transpose node/test_reshape_negative_extended_dims \
	    node/test_reshape_allowzero_reordered node/test_slice_neg_steps \
	    node/test_slice_end_out_of_bounds node/test_gather_negative_indices \
	    node/test_transpose_all_permutations_3 \
	    node/test_convtranspose_autopad_same \
	    node/test_conv_with_autopad_same \
	    node/test_batchnorm_epsilon_training_mode \
	    node/test_split_variable_parts_2d node/test_split_zero_size_splits \
	    node/test_edge_pad node/test_constant_pad \
	    node/test_squeeze_negative_axes node/test_unsqueeze_unsorted_axes \
	    node/test_tile node/test_expand_dim_changed \
	    node/test_nonmaxsuppression_two_batches \
	    node/test_roialign_aligned_true node/test_gridsample \
	    node/test_sequence_insert_at_back \
	    node/test_optional_get_element_sequence \
	    node/test_layer_normalization_4d_axis_negative_4 node/test_dft \
	    node/test_castlike_FLOAT_to_BFLOAT16 node/test_cast_FLOAT_to_STRING \
	    node/test_quantizelinear_axis node/test_qlinearconv \
	    node/test_matmulinteger node/test_cumsum_1d_reverse_exclusive \
	    node/test_onehot_negative_indices node/test_compress_negative_axis \
	    node/test_gathernd_example_int32_batch_dim1 \
	    node/test_mod_mixed_sign_int64 node/test_bitshift_left_uint64 \
	    node/test_reduce_log_sum_exp_do_not_keepdims_random \
	    node/test_lstm_with_peepholes node/test_gru_seq_length \
	    node/test_rnn_seq_length node/test_depthtospace_crd_mode \
	    node/test_maxpool_with_argmax_2d_precomputed_pads \
	    node/test_maxunpool_export_with_output_shape \
	    node/test_bernoulli_seed node/test_sce_mean_weight \
	    simple/test_gradient_of_add_and_mul simple/test_sequence_model5 \
	    simple/test_expand_shape_model4 pytorch-converted/test_Softmax \
	    pytorch-converted/test_Conv3d_groups \
	    pytorch-operator/test_operator_chunk \
	    pytorch-operator/test_operator_view; do
		n=${d#node/}
		[ "$n" = "$d" ] && n=$(echo "$d" | tr / -)
		cp "$L/$d/model.onnx" "$s/libonnx-$n.onnx"
	done
fi
echo "seed: struct: $(ls "$s" | wc -l) inputs"
# the resolver: hand-written scripts (ops, location, offset, length)
mkdir -p testdata/fuzz/external
e=testdata/fuzz/external
printf '\001\000\040a\0000\0008' >"$e/seed-file"
printf '\002\020\002\001\040a/x\0000\0008' >"$e/seed-symlink"
printf '\001\030\000a\0000\00024' >"$e/seed-hardlink"
printf '\000../secret/canary.bin\0000\00024' >"$e/seed-dotdot"
printf '\001\050\000c.bin\0000\0000' >"$e/seed-fifo"
printf '\002\011\000\003\040sub/a\0004\00010' >"$e/seed-subdir"
echo "seed: external: $(ls "$e" | wc -l) inputs"
