// SPDX-License-Identifier: MIT
//
// ONNX Runtime's optimise-and-save, the benchmark's third tool: load
// MODEL with the basic graph optimisations and write the optimised model
// to OUT (optimizedModelFilePath).  Exit 0 when it was written, 2 when ORT
// refused the model (its message's first line on stderr).
//
//   node bench/ort_optimize.js MODEL OUT
'use strict';

const path = require('path');
const ort = require(path.join(__dirname, '..', 'tests', 'ort', 'node_modules',
    'onnxruntime-node'));

async function main() {
	const [model, out] = process.argv.slice(2);
	if (!model || !out) {
		console.error('usage: node bench/ort_optimize.js MODEL OUT');
		process.exit(64);
	}
	try {
		const s = await ort.InferenceSession.create(model, {
			graphOptimizationLevel: 'basic',
			optimizedModelFilePath: out,
		});
		await s.release();
	} catch (e) {
		console.error('ort: ' + String(e.message || e).split('\n')[0]);
		process.exit(2);
	}
}

main();
