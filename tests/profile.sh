#!/bin/sh
# SPDX-License-Identifier: MIT
#
# onnxfix info --profile: parameters and multiply-accumulates.
#  - the models of tests/gen_profile_models.py, whose counts were made by
#    hand (see there), give exactly testdata/profile/NAME.expect (the text
#    from "profile:" on) and the same numbers as JSON;
#  - an external weight whose data file is missing is still counted (the
#    profile reads no weight), once for two names of the same bytes;
#  - the torchvision exports of tests/zoo (when build/zoo has them: make
#    check runs this after tests/zoo/run.sh) give the published Conv +
#    Linear totals to the MAC;
#  - resnet18 and a Transformer encoder exported with PyTorch's
#    export_modules_as_functions (some modules, or all of them with their
#    attributes passed down by reference) give the MACs of their plain
#    exports.
# Last line: "profile: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 1
ONNXFIX=${ONNXFIX:-./onnxfix}
PY=/usr/bin/python3
Z=${ZOO_DIR:-build/zoo}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

if ! "$PY" tests/gen_profile_models.py "$T" >"$T/gen.log" 2>&1; then
	bad "tests/gen_profile_models.py failed"
	sed 's/^/  | /' "$T/gen.log" | head -5
	echo "profile: $pass passed, $fail failed"
	exit 1
fi
for e in testdata/profile/*.expect; do
	n=$(basename "$e" .expect)
	if ! "$ONNXFIX" info --profile "$T/$n.onnx" >"$T/out" 2>"$T/err"; then
		bad "$n: info --profile failed"
		sed 's/^/  | /' "$T/err" | head -5
		continue
	fi
	sed -n '/^profile:/,$p' "$T/out" >"$T/got"
	if cmp -s "$e" "$T/got"; then ok; else
		bad "$n: profile differs from $e"
		diff "$e" "$T/got" | head -10 | sed 's/^/  | /'
	fi
done
[ ! -e "$T/ext.bin" ] && ok || bad "ext.onnx: its data file exists"

# the same as JSON
if "$ONNXFIX" info --profile --format json "$T/cnn.onnx" "$T/seq.onnx" \
    >"$T/out" 2>"$T/err"; then
	"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["format"] == "onnxfix-info" and d["version"] == 1
c, s = (m["profile"] for m in d["models"])
assert c["parameters"] == 5306 and c["parameter_bytes"] == 21224
assert c["tensors"] == 5 and c["uncounted_nodes"] == 0
assert c["macs"]["terms"] == [{"coefficient": 18688, "dims": ["N"]}]
assert c["macs"]["text"] == "18688 x N"
assert [(o["op_type"], o["nodes"]) for o in c["by_operator"]] == \
    [("Conv", 3), ("Gemm", 1), ("ConvTranspose", 1)]
assert [o["scope"] for o in c["by_scope"]] == ["/enc", "/head", "/dec"]
assert s["macs"]["terms"] == [
    {"coefficient": 768, "dims": ["batch", "seq"]},
    {"coefficient": 64, "dims": ["batch", "seq", "seq"]}]
assert [(e["elem_type"], e["bytes"]) for e in s["by_elem_type"]] == \
    [("float", 2048), ("float16", 512), ("int64", 8)]
' "$T/out" && ok || bad "info --profile --format json: wrong document"
else
	bad "info --profile --format json failed"
fi

# published torchvision totals (Conv and Linear multiply-accumulates):
# resnet50's to the MAC, the others as the GFLOPS column of torchvision's
# model table gives them (two decimals); the dynamic-batch exports count
# per batch row
for spec in resnet50_op13:=4089184256 "resnet50_op11_bn_dyn:=4089184256 x batch" \
    resnet18_op13_bn:1.81 resnet18_op17:1.81 resnet18_op13_nhwc:1.81 \
    mobilenet_v2_op13_bn:0.30 "mobilenet_v2_op11_dyn:0.30 x batch" \
    mobilenet_v3_small_op17:0.06 mobilenet_v3_large_op13_bn:0.22 \
    mobilenet_v3_small_op13_nhwc:0.06 \
    efficientnet_b0_op13:0.39 efficientnet_b0_op17_bn:0.39 \
    convnext_tiny_op13:4.46 "convnext_tiny_op17_dyn:4.46 x batch" \
    vgg11_op11:7.61 alexnet_op11:0.71 squeezenet1_0_op13_nhwc:0.82 \
    shufflenet_v2_op11:0.14 resnext50_32x4d_op13:4.23 \
    googlenet_op13:1.50 densenet121_op13:2.83 mnasnet1_0_op13:0.31 \
    regnet_x_400mf_op17:0.41 squeezenet1_1_op11:0.35; do
	n=${spec%%:*}
	want=${spec#*:}
	[ -f "$Z/$n.onnx" ] || continue
	got=$("$ONNXFIX" info --profile "$Z/$n.onnx" |
	    sed -n 's/^  MACs: *\(.*\) (.*)$/\1/p')
	case $want in
	=*)	want=${want#=} ;;
	*)	got=$(echo "$got" | awk '{ $1 = sprintf("%.2f", $1 / 1e9);
		    print }') ;;
	esac
	if [ "$got" = "$want" ]; then ok; else
		bad "$n: MACs $got, published $want"
	fi
done
# PyTorch's export_modules_as_functions: each module a local function
# called wherever the module is used, each call with its own shapes;
# every call is priced, and the total equals the plain export's
if "$PY" -c 'import torch, torchvision' 2>/dev/null; then
	if "$PY" - "$T" >"$T/fgen.log" 2>&1 <<'PYEOF'
import sys, warnings
import torch, torchvision
warnings.filterwarnings("ignore")
d = sys.argv[1]
x = torch.rand(1, 3, 224, 224)


def r18():
    """A fresh module each time: an export with functions leaves hooks
    on the one it exported."""
    torch.manual_seed(0)
    return torchvision.models.resnet18(weights=None).eval()


torch.onnx.export(r18(), x, d + "/r18.onnx", opset_version=15)
torch.onnx.export(r18(), x, d + "/r18f.onnx", opset_version=15,
                  export_modules_as_functions={
                      torchvision.models.resnet.BasicBlock})
# every module a function, attributes passed down by reference
torch.onnx.export(r18(), x, d + "/r18a.onnx", opset_version=15,
                  export_modules_as_functions=True)
enc = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(
    32, 4, 64, batch_first=True), 2).eval()
s = torch.randn(2, 7, 32)
torch.onnx.export(enc, s, d + "/enc.onnx", opset_version=16)
torch.onnx.export(enc, s, d + "/encf.onnx", opset_version=16,
                  export_modules_as_functions={
                      torch.nn.TransformerEncoderLayer})
PYEOF
	then
		for pair in r18:1814073344 enc:241920; do
			n=${pair%%:*}
			fs="$n ${n}f"
			[ "$n" = r18 ] && fs="$fs r18a"
			for f in $fs; do
				got=$("$ONNXFIX" info --profile "$T/$f.onnx" |
				    sed -n 's/^  MACs: *\([0-9]*\) (.*)$/\1/p')
				if [ "$got" = "${pair#*:}" ]; then ok; else
					bad "$f: MACs '$got', want ${pair#*:}"
				fi
			done
		done
	else
		bad "exporting the function models failed"
		sed 's/^/  | /' "$T/fgen.log" | tail -3
	fi
fi
echo "profile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
