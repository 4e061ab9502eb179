// The minisearch peer of bench/search.sh: the same corpus and queries (written by
// `search_bench --dump DIR`), indexed on the body field; one search per query, top 10 kept.
// Prints "key value" lines like search_bench.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import MiniSearch from 'minisearch';

const dir = process.argv[2];
const rounds = Number(process.argv[3] || 3);
const docs = JSON.parse(readFileSync(`${dir}/corpus.json`, 'utf8'));
const queries = JSON.parse(readFileSync(`${dir}/queries.json`, 'utf8'));

let t = performance.now();
const ms = new MiniSearch({ fields: ['body'], storeFields: ['category'], idField: 'id' });
ms.addAll(docs);
console.log(`minisearch.build_ms ${(performance.now() - t).toFixed(0)}`);

function time(name, run) {
  for (const q of queries.slice(0, 20)) run(q);  // warm-up
  const us = [];
  const cpuUs = [];  // process CPU time (user + system), immune to preemption on a loaded machine
  const start = performance.now();
  for (let r = 0; r < rounds; ++r) {
    for (const q of queries) {
      const s = performance.now();
      const c = process.cpuUsage();
      run(q);
      const d = process.cpuUsage(c);
      us.push((performance.now() - s) * 1000);
      cpuUs.push(d.user + d.system);
    }
  }
  const totalMs = performance.now() - start;
  const totalCpuUs = cpuUs.reduce((a, b) => a + b, 0);
  cpuUs.sort((a, b) => a - b);
  const cpct = (p) => cpuUs[Math.min(cpuUs.length - 1, Math.floor(p * cpuUs.length))];
  console.log(`${name}.cpu_qps ${(cpuUs.length / (totalCpuUs / 1e6)).toFixed(2)}`);
  console.log(`${name}.cpu_p50_us ${cpct(0.5).toFixed(1)}`);
  console.log(`${name}.cpu_p99_us ${cpct(0.99).toFixed(1)}`);
  us.sort((a, b) => a - b);
  const pct = (p) => us[Math.min(us.length - 1, Math.floor(p * us.length))];
  console.log(`${name}.qps ${(us.length / (totalMs / 1000)).toFixed(2)}`);
  console.log(`${name}.p50_us ${pct(0.5).toFixed(1)}`);
  console.log(`${name}.p99_us ${pct(0.99).toFixed(1)}`);
  console.log(`${name}.max_us ${us[us.length - 1].toFixed(1)}`);
}

let sink = 0;
time('minisearch.search', (q) => { sink += ms.search(q).slice(0, 10).length; });
time('minisearch.search_filtered', (q) => {
  sink += ms.search(q, { filter: (r) => r.category === 'billing' }).slice(0, 10).length;
});
console.log(`sink ${sink}`);
