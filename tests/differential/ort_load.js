// SPDX-License-Identifier: MIT
//
// ONNX Runtime's verdict on models (tests/differential/run.sh): the file
// names come one a line on stdin; for each, "ok FILE" when an inference
// session is created and runs, "reject FILE MESSAGE" (the first line of
// ORT's message, without the file name) when not.  A model runs on the
// inputs of its backend test: FILE.data/ (a mutant: its source's inputs)
// or test_data_set_0/ beside a model.onnx, input_N.pb files read by
// tests/ort/oracle.js, fed by name; a model with an input none of them
// gives is judged by its session creation alone.  One process for every
// file: starting node and ORT takes longer than judging a small model.
// Sessions are created as the oracle creates them (tests/ort/oracle.js):
// CPU provider, every graph optimisation off, so the model is judged as
// written.
'use strict';

const fs = require('fs');
const path = require('path');
let ort, readTensor;
try {
	ort = require(path.join(__dirname, '..', 'ort', 'node_modules',
	    'onnxruntime-node'));
	({ readTensor } = require(path.join(__dirname, '..', 'ort',
	    'oracle.js')));
} catch (e) {
	console.error('ort_load: onnxruntime-node is not installed ' +
	    '(run sh tools/setup.sh --test)');
	process.exit(3);
}

// The feeds for session S of FILE from its test inputs, or null when
// there are none for every input S takes.
function inputsFor(file, s) {
	let dir = `${file}.data`;
	if (!fs.existsSync(dir))
		dir = path.join(path.dirname(file), 'test_data_set_0');
	if (!fs.existsSync(dir))
		return null;
	const feeds = {};
	try {
		const files = fs.readdirSync(dir).filter((x) =>
		    /^input_\d+\.pb$/.test(x));
		for (const x of files) {
			const [name, t] = readTensor(path.join(dir, x));
			if (s.inputNames.includes(name))
				feeds[name] = t;
		}
	} catch (e) {
		return null;
	}
	for (const name of s.inputNames)
		if (!(name in feeds))
			return null;
	return feeds;
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
			const feeds = inputsFor(f, s);
			if (feeds !== null) {
				try {
					await s.run(feeds);
				} catch (e) {
					await s.release();
					throw new Error('run: ' +
					    String(e.message || e));
				}
			}
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
