// SPDX-License-Identifier: MIT
//
// Save what ONNX Runtime's graph optimizer makes of a model:
//   node testdata/verify/ort_optimize.js IN OUT [basic|extended|all]
// (default extended: the CPU fusions into com.microsoft operators).
'use strict';

const path = require('path');
const ort = require(path.join(__dirname, '..', '..', 'tests', 'ort',
    'node_modules', 'onnxruntime-node'));

(async () => {
	const [src, dst, level] = process.argv.slice(2);
	if (!src || !dst) {
		console.error('usage: ort_optimize.js IN OUT [LEVEL]');
		process.exit(64);
	}
	await ort.InferenceSession.create(src, {
		graphOptimizationLevel: level || 'extended',
		optimizedModelFilePath: dst,
	});
})().catch((e) => {
	console.error(`ort_optimize: ${e.message}`);
	process.exit(1);
});
