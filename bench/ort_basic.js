// SPDX-License-Identifier: MIT
//
// What ONNX Runtime's own basic-level optimisation leaves of a model.
//
//   node bench/ort_basic.js optimize MODEL OUT   session creation with
//       graphOptimizationLevel 'basic' and optimizedModelFilePath OUT;
//       prints the seconds it took
//   node bench/ort_basic.js count MODEL...      "MODEL Transpose N
//       BatchNormalization M nodes K Constant C" for each file (main
//       graph)
//
// The counter reads the protobuf wire format directly (ModelProto.graph
// = field 7, GraphProto.node = 1, NodeProto.op_type = 4), so it needs no
// ONNX package.  onnxruntime-node comes from tests/ort/node_modules.
'use strict';

const fs = require('fs');
const path = require('path');

function varint(buf, pos) {
	let v = 0, mul = 1, b;
	do {
		b = buf[pos.i++];
		v += (b & 0x7f) * mul;
		mul *= 128;
	} while (b & 0x80);
	return v;
}

// Call fn(field, start, end) for each length-delimited field of buf.
function fields(buf, start, end, fn) {
	const pos = { i: start };
	while (pos.i < end) {
		const key = varint(buf, pos), wt = key & 7, f = key >>> 3;
		if (wt === 0) {
			varint(buf, pos);
		} else if (wt === 1) {
			pos.i += 8;
		} else if (wt === 5) {
			pos.i += 4;
		} else if (wt === 2) {
			const len = varint(buf, pos);
			fn(f, pos.i, pos.i + len);
			pos.i += len;
		} else {
			throw new Error(`wire type ${wt} not handled`);
		}
	}
}

function count(file) {
	const buf = fs.readFileSync(file);
	const ops = new Map();
	fields(buf, 0, buf.length, (f, s, e) => {
		if (f !== 7)
			return;
		fields(buf, s, e, (gf, gs, ge) => {
			if (gf !== 1)
				return;
			fields(buf, gs, ge, (nf, ns, ne) => {
				if (nf !== 4)
					return;
				const op = buf.toString('utf8', ns, ne);
				ops.set(op, (ops.get(op) || 0) + 1);
			});
		});
	});
	let total = 0;
	for (const v of ops.values())
		total += v;
	return `${file} Transpose ${ops.get('Transpose') || 0} ` +
	    `BatchNormalization ${ops.get('BatchNormalization') || 0} ` +
	    `nodes ${total} Constant ${ops.get('Constant') || 0}`;
}

async function optimize(model, out) {
	const ort = require(path.join(__dirname, '..', 'tests', 'ort',
	    'node_modules', 'onnxruntime-node'));
	ort.env.logLevel = 'fatal';
	const t0 = process.hrtime.bigint();
	await ort.InferenceSession.create(model, {
		graphOptimizationLevel: 'basic',
		optimizedModelFilePath: out,
		executionProviders: ['cpu'],
		logSeverityLevel: 3,
	});
	const t1 = process.hrtime.bigint();
	console.log((Number(t1 - t0) / 1e9).toFixed(4));
}

const argv = process.argv.slice(2);
if (argv[0] === 'optimize' && argv.length === 3) {
	optimize(argv[1], argv[2]).catch((e) => {
		console.error(`ort_basic: ${String(e.message || e).split('\n')[0]}`);
		process.exit(2);
	});
} else if (argv[0] === 'count' && argv.length > 1) {
	for (const f of argv.slice(1))
		console.log(count(f));
} else {
	console.error('usage: ort_basic.js optimize MODEL OUT | count MODEL...');
	process.exit(64);
}
