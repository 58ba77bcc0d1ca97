// SPDX-License-Identifier: MIT
//
// ort-probe.js: ONNX Runtime's (onnxruntime-node, CPU provider) verdict on
// session creation, for tools/gen-ort-cpu.py and tests/differential/
// ortcpu.py.  File names come one a line on stdin, optionally followed by
// a tab and a second path; for each, prints
//
//   ok FILE            a session was created
//   nokernel FILE MSG  no kernel: "Could not find an implementation" or
//                      status NOT_IMPLEMENTED
//   error FILE MSG     any other load error (an invalid model)
//
// With a second path, a created session also writes the model as ORT ran
// it there (optimizedModelFilePath, graph optimisations off), which shows
// the Casts that ORT inserted to run a float16 node in float.  Sessions
// are created as tests/differential/ort_load.js creates them.
'use strict';

const fs = require('fs');
const path = require('path');
let ort;
try {
	ort = require(path.join(__dirname, '..', 'tests', 'ort',
	    'node_modules', 'onnxruntime-node'));
} catch (e) {
	console.error('ort-probe: onnxruntime-node is not installed ' +
	    '(run sh tools/setup.sh --test)');
	process.exit(3);
}

async function judge(line) {
	const [f, opt] = line.split('\t');
	const o = {
		graphOptimizationLevel: 'disabled',
		executionProviders: ['cpu'],
		logSeverityLevel: 4,
	};
	if (opt)
		o.optimizedModelFilePath = opt;
	try {
		const s = await ort.InferenceSession.create(f, o);
		await s.release();
		return `ok ${f}`;
	} catch (e) {
		const msg = String(e.message || e).split('\n')[0]
		    .replace(/^Load model from .*? failed:/, '')
		    .replace(/^\/onnxruntime_src\/\S+ .*?\) /, '')
		    .replace(/\s+/g, ' ').slice(0, 300);
		const nk = /Could not find an implementation|NOT_IMPLEMENTED/
		    .test(msg);
		return `${nk ? 'nokernel' : 'error'} ${f} ${msg}`;
	}
}

// One line answered at a time, so that a caller can hold the process
// open and feed it lines (tools/gen-ort-cpu.py) as well as pipe a list.
async function main() {
	const rl = require('readline').createInterface({ input: process.stdin });
	for await (const line of rl) {
		if (line === '')
			continue;
		process.stdout.write(await judge(line) + '\n');
	}
}

main();
