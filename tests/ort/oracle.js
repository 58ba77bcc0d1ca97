// SPDX-License-Identifier: MIT
//
// ONNX Runtime as the test oracle: run a model, or run two models on the
// same deterministic inputs and compare every output.
//
//   node tests/ort/oracle.js run MODEL          print each output's sum
//   node tests/ort/oracle.js compare A B [opts]  run A and B, compare
//
// compare options:
//   --rtol X --atol X   tolerance (default 1e-4 relative, 1e-5 absolute):
//                       |a - b| <= atol + rtol * |a| for every element
//   --perm-in NAME=P    B takes input NAME transposed by perm P ("0,2,3,1")
//   --perm-out NAME=P   B's output NAME is A's transposed by perm P
//   --seed N            first LCG state (default 1)
//   --plain             fill inputs with the plain LCG only (the corpus
//                       reference outputs in testdata/corpus/SOURCES.md)
//   --shape NAME=D,D    dims of input NAME (for symbolic dims); also in run
//   --zero NAME         fill input NAME with zeros (recurrent states); also
//                       in run
//
// Inputs: symbolic and unknown dims are 1; float inputs come from the LCG
// s = (s * 1664525 + 1013904223) mod 2^32, value s / 2^32 * 2 - 1, and,
// unless --plain, every 7th element is scaled to a large value (x 1e3),
// every 11th to a tiny one (x 1e-6) so that rewrites are tested away from
// the unit range; integer inputs are 1 ("sr" style scalars get 16000);
// booleans alternate.  Both sessions run with every ORT graph optimisation
// disabled, so the comparison is of the models as written.
//
// Exit status: 0 equal (or run done), 1 outputs differ, 2 a model does not
// load or run (the first line of ORT's message is printed), 64 usage.
'use strict';

const path = require('path');
let ort;
try {
	ort = require(path.join(__dirname, 'node_modules', 'onnxruntime-node'));
} catch (e) {
	console.error('oracle: onnxruntime-node is not installed ' +
	    '(run make setup)');
	process.exit(3);
}

function usage() {
	console.error('usage: oracle.js run MODEL | ' +
	    'compare A B [--rtol X] [--atol X] [--perm-in NAME=P] ' +
	    '[--perm-out NAME=P] [--seed N] [--plain]');
	process.exit(64);
}

function lcg(seed) {
	let s = seed >>> 0;
	return () => {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		return s / 4294967296 * 2 - 1;
	};
}

const shapes = new Map();
const zeros = new Set();

function dimsOf(meta) {
	if (shapes.has(meta.name))
		return shapes.get(meta.name);
	return meta.shape.map((d) => (typeof d === 'number' && d >= 0) ? d : 1);
}

function fill(meta, next, plain) {
	const dims = dimsOf(meta);
	const n = dims.reduce((a, b) => a * b, 1);
	let data;
	if (zeros.has(meta.name))
		next = () => 0;
	switch (meta.type) {
	case 'float32':
	case 'float64': {
		data = meta.type === 'float32' ? new Float32Array(n) :
		    new Float64Array(n);
		for (let i = 0; i < n; i++) {
			let v = next();
			if (!plain && i % 7 === 6)
				v *= 1e3;
			else if (!plain && i % 11 === 10)
				v *= 1e-6;
			data[i] = v;
		}
		break;
	}
	case 'int64': {
		const v = /(^|_)sr$/.test(meta.name) ? 16000n : 1n;
		data = new BigInt64Array(n).fill(v);
		break;
	}
	case 'int32':
		data = new Int32Array(n).fill(1);
		break;
	case 'int8':
		data = new Int8Array(n).map((_, i) => (i % 5) - 2);
		break;
	case 'uint8':
		data = new Uint8Array(n).map((_, i) => i % 251);
		break;
	case 'bool':
		data = new Uint8Array(n).map((_, i) => i & 1);
		break;
	default:
		throw new Error(`input ${meta.name}: type ${meta.type} ` +
		    'is not supported by the oracle');
	}
	return new ort.Tensor(meta.type, data, dims);
}

// Transpose tensor T (plain arrays of dims and data) by PERM.
function transpose(t, perm) {
	const dims = t.dims;
	const rank = dims.length;
	if (perm.length !== rank)
		throw new Error(`perm ${perm} does not fit rank ${rank}`);
	const odims = perm.map((p) => dims[p]);
	const istr = new Array(rank).fill(1);
	for (let i = rank - 2; i >= 0; i--)
		istr[i] = istr[i + 1] * dims[i + 1];
	const n = t.data.length;
	const out = new t.data.constructor(n);
	const idx = new Array(rank).fill(0);
	for (let o = 0; o < n; o++) {
		let src = 0;
		for (let k = 0; k < rank; k++)
			src += idx[k] * istr[perm[k]];
		out[o] = t.data[src];
		for (let k = rank - 1; k >= 0; k--) {
			if (++idx[k] < odims[k])
				break;
			idx[k] = 0;
		}
	}
	return new ort.Tensor(t.type, out, odims);
}

async function open(file) {
	try {
		return await ort.InferenceSession.create(file, {
			graphOptimizationLevel: 'disabled',
			executionProviders: ['cpu'],
			logSeverityLevel: 3,
		});
	} catch (e) {
		const msg = String(e.message || e).split('\n')[0];
		console.log(`oracle: ${file}: does not load: ${msg}`);
		process.exit(2);
	}
}

async function runSession(s, file, feeds) {
	try {
		return await s.run(feeds);
	} catch (e) {
		const msg = String(e.message || e).split('\n')[0];
		console.log(`oracle: ${file}: does not run: ${msg}`);
		process.exit(2);
	}
}

function inputs(s, seed, plain) {
	const next = lcg(seed);
	const feeds = {};
	for (const meta of s.inputMetadata)
		feeds[meta.name] = fill(meta, next, plain);
	return feeds;
}

function sum(t) {
	let acc = 0;
	for (const v of t.data)
		acc += Number(v);
	return acc;
}

function parsePerm(spec) {
	const eq = spec.lastIndexOf('=');
	if (eq <= 0)
		usage();
	const perm = spec.slice(eq + 1).split(',').map(Number);
	if (perm.some((p) => !Number.isInteger(p) || p < 0))
		usage();
	return [spec.slice(0, eq), perm];
}

async function cmdRun(argv) {
	let plain = false;
	const files = [];
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--plain')
			plain = true;
		else if (argv[i] === '--shape' && i + 1 < argv.length)
			shapes.set(...parsePerm(argv[++i]));
		else if (argv[i] === '--zero' && i + 1 < argv.length)
			zeros.add(argv[++i]);
		else if (argv[i].startsWith('--'))
			usage();
		else
			files.push(argv[i]);
	}
	if (files.length !== 1)
		usage();
	const s = await open(files[0]);
	const out = await runSession(s, files[0], inputs(s, 1, plain));
	for (const name of s.outputNames)
		console.log(`${name} [${out[name].dims.join(',')}] ` +
		    `sum ${sum(out[name]).toPrecision(8)}`);
}

async function cmdCompare(argv) {
	let rtol = 1e-4, atol = 1e-5, seed = 1, plain = false;
	const permIn = new Map(), permOut = new Map(), files = [];
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const val = () => {
			if (++i >= argv.length)
				usage();
			return argv[i];
		};
		if (a === '--rtol')
			rtol = Number(val());
		else if (a === '--atol')
			atol = Number(val());
		else if (a === '--seed')
			seed = Number(val());
		else if (a === '--plain')
			plain = true;
		else if (a === '--perm-in')
			permIn.set(...parsePerm(val()));
		else if (a === '--perm-out')
			permOut.set(...parsePerm(val()));
		else if (a === '--shape')
			shapes.set(...parsePerm(val()));
		else if (a === '--zero')
			zeros.add(val());
		else if (a.startsWith('--'))
			usage();
		else
			files.push(a);
	}
	if (files.length !== 2 || !(rtol >= 0) || !(atol >= 0))
		usage();
	const [fa, fb] = files;
	const sa = await open(fa);
	const sb = await open(fb);
	const feedA = inputs(sa, seed, plain);
	const feedB = {};
	for (const name of sb.inputNames) {
		if (!(name in feedA)) {
			console.log(`oracle: ${fb}: input ${name} is not ` +
			    `an input of ${fa}`);
			process.exit(1);
		}
		feedB[name] = permIn.has(name) ?
		    transpose(feedA[name], permIn.get(name)) : feedA[name];
	}
	const oa = await runSession(sa, fa, feedA);
	const ob = await runSession(sb, fb, feedB);
	let bad = 0;
	for (const name of sa.outputNames) {
		if (!(name in ob)) {
			console.log(`oracle: output ${name} missing from ${fb}`);
			bad++;
			continue;
		}
		let a = oa[name];
		const b = ob[name];
		if (permOut.has(name))
			a = transpose(a, permOut.get(name));
		if (a.dims.join(',') !== b.dims.join(',')) {
			console.log(`oracle: output ${name}: shape ` +
			    `[${a.dims}] vs [${b.dims}]`);
			bad++;
			continue;
		}
		let maxAbs = 0, worst = 0, where = -1;
		for (let i = 0; i < a.data.length; i++) {
			const x = Number(a.data[i]), y = Number(b.data[i]);
			if (Number.isNaN(x) && Number.isNaN(y))
				continue;
			const d = Math.abs(x - y);
			const lim = atol + rtol * Math.abs(x);
			if (!(d <= lim) && (where < 0 || d / lim > worst)) {
				worst = d / lim;
				where = i;
			}
			if (d > maxAbs || Number.isNaN(d))
				maxAbs = d;
		}
		if (where >= 0) {
			console.log(`oracle: output ${name} differs: element ` +
			    `${where} ${Number(a.data[where])} vs ` +
			    `${Number(b.data[where])}, max abs diff ${maxAbs}`);
			bad++;
		} else {
			console.log(`oracle: output ${name} equal, ` +
			    `max abs diff ${maxAbs}`);
		}
	}
	process.exit(bad ? 1 : 0);
}

ort.env.logLevel = 'fatal';
const argv = process.argv.slice(2);
if (argv[0] === 'run')
	cmdRun(argv.slice(1));
else if (argv[0] === 'compare')
	cmdCompare(argv.slice(1));
else
	usage();
