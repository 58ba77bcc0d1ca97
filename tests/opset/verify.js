// SPDX-License-Identifier: MIT
//
// The ORT half of the opset conversion runner (tests/opset/run.sh): reads
// lines "ORIGINAL CONVERTED MODELDIR" on stdin and, for every
// MODELDIR/test_data_set_*, runs both models in ONNX Runtime on the
// suite's input_N.pb and compares each with the suite's output_N.pb
// (|got - want| <= atol + rtol * |want|, the backend tests' defaults
// rtol 1e-3, atol 1e-7).  One line per pair:
//   verified ORIGINAL          the converted model gives the expected
//                              outputs wherever the original does
//   wrong ORIGINAL: why        it does not load, does not run, or differs
//   skip ORIGINAL: why         ORT does not reproduce the expected outputs
//                              with the original: nothing to judge
//   refused ORIGINAL           CONVERTED is "-" (fix refused) and the
//                              original does reproduce them
'use strict';

const fs = require('fs');
const path = require('path');
const { ort, readTensor, tryOpen } =
    require(path.join(__dirname, '..', 'ort', 'oracle.js'));

const RTOL = 1e-3, ATOL = 1e-7;
const first = (e) => String(e.message || e).split('\n')[0];

function numbered(dir, prefix) {
	const re = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
	return fs.readdirSync(dir).filter((f) => re.test(f)).sort((a, b) =>
	    Number(a.match(re)[1]) - Number(b.match(re)[1]));
}

// Does output T match the expected E?  null when it does, else why.
function differs(name, t, e) {
	if (t === undefined)
		return `output ${name} missing`;
	if (t.dims.join(',') !== e.dims.join(','))
		return `output ${name}: shape [${t.dims}] vs [${e.dims}]`;
	if (t.type !== e.type)
		return `output ${name}: ${t.type} vs ${e.type}`;
	for (let i = 0; i < e.data.length; i++) {
		const want = e.data[i], got = t.data[i];
		if (typeof want === 'string' || typeof want === 'bigint') {
			if (want !== got)
				return `output ${name}[${i}]: ${got} vs ${want}`;
			continue;
		}
		const x = Number(got), y = Number(want);
		if (Number.isNaN(x) && Number.isNaN(y))
			continue;
		if (x === y)
			continue;
		if (!(Math.abs(x - y) <= ATOL + RTOL * Math.abs(y)))
			return `output ${name}[${i}]: ${x} vs ${y}`;
	}
	return null;
}

// Run SESSION on the data set DIR: null when every output matches, else
// why.  Throws when it does not run.
async function judge(s, dir) {
	const feeds = {};
	numbered(dir, 'input').forEach((f, k) => {
		const [name, t] = readTensor(`${dir}/${f}`);
		feeds[name || s.inputNames[k]] = t;
	});
	const feed = {};
	for (const name of s.inputNames) {
		if (!(name in feeds))
			throw new Error(`no data for input ${name}`);
		feed[name] = feeds[name];
	}
	const out = await s.run(feed);
	const files = numbered(dir, 'output');
	for (let k = 0; k < files.length; k++) {
		const [name, e] = readTensor(`${dir}/${files[k]}`);
		const key = name || s.outputNames[k];
		const why = differs(key, out[key], e);
		if (why)
			return why;
	}
	return null;
}

async function pair(orig, conv, mdir) {
	const sets = fs.readdirSync(mdir).filter((f) =>
	    /^test_data_set_\d+$/.test(f)).sort();
	if (sets.length === 0)
		return `skip ${orig}: no test data`;
	let so;
	try {
		so = await tryOpen(orig);
	} catch (e) {
		return `skip ${orig}: the original does not load: ${first(e)}`;
	}
	const good = [];
	for (const d of sets) {
		try {
			if (await judge(so, `${mdir}/${d}`) === null)
				good.push(d);
		} catch (e) {
			// inputs the oracle cannot read, or ORT cannot run
		}
	}
	if (good.length === 0)
		return `skip ${orig}: ORT does not reproduce the expected ` +
		    'outputs with the original';
	if (conv === '-')
		return `refused ${orig}`;
	let sc;
	try {
		sc = await tryOpen(conv);
	} catch (e) {
		return `wrong ${orig}: does not load: ${first(e)}`;
	}
	for (const d of good) {
		let why;
		try {
			why = await judge(sc, `${mdir}/${d}`);
		} catch (e) {
			why = `does not run: ${first(e)}`;
		}
		if (why)
			return `wrong ${orig}: ${d}: ${why}`;
	}
	return `verified ${orig}`;
}

async function main() {
	const lines = fs.readFileSync(0, 'utf8').split('\n');
	for (const line of lines) {
		if (line.trim() === '')
			continue;
		const [orig, conv, mdir] = line.split(' ');
		console.log(await pair(orig, conv, mdir));
	}
}

ort.env.logLevel = 'fatal';
main();
