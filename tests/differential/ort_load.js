// SPDX-License-Identifier: MIT
//
// ONNX Runtime's verdict on models (tests/differential/run.sh): the file
// names come one a line on stdin; for each, "ok FILE" when an inference
// session is created, "reject FILE MESSAGE" (the first line of ORT's
// message, without the file name) when not.  One process for every
// file: starting node and ORT takes longer than judging a small model.
// Sessions are created as the oracle creates them (tests/ort/oracle.js):
// CPU provider, every graph optimisation off, so the model is judged as
// written.
'use strict';

const fs = require('fs');
const path = require('path');
let ort;
try {
	ort = require(path.join(__dirname, '..', 'ort', 'node_modules',
	    'onnxruntime-node'));
} catch (e) {
	console.error('ort_load: onnxruntime-node is not installed ' +
	    '(run sh tools/setup.sh --test)');
	process.exit(3);
}

async function main() {
	const files = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
	for (const f of files) {
		// ORT's own warnings go to stderr after this line (a write
		// to a pipe is synchronous on Linux): gen.py keeps the
		// contradictions ORT notices but accepts ("Error merging
		// shape info")
		fs.writeSync(2, `@@ ${f}\n`);
		try {
			const s = await ort.InferenceSession.create(f, {
				graphOptimizationLevel: 'disabled',
				executionProviders: ['cpu'],
				logSeverityLevel: 2,
			});
			await s.release();
			process.stdout.write(`ok ${f}\n`);
		} catch (e) {
			// the reason, without "Load model from FILE failed:"
			// and the source position ORT puts before it
			const msg = String(e.message || e).split('\n')[0]
			    .replace(/^Load model from .*? failed:/, '')
			    .replace(/^\/onnxruntime_src\/\S+ .*?\) /, '')
			    .replace(/\s+/g, ' ').slice(0, 200);
			process.stdout.write(`reject ${f} ${msg}\n`);
		}
	}
}

main();
