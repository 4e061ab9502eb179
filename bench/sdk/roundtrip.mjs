// One-turn query round trips through the TypeScript Agent SDK: node roundtrip.mjs CORTEX N WORKDIR
import { query } from '@anthropic-ai/claude-agent-sdk';

const [bin, n, cwd] = [process.argv[2], Number(process.argv[3]), process.argv[4]];
const times = [];
for (let i = 0; i < n; i++) {
  const start = process.hrtime.bigint();
  let ok = false;
  for await (const m of query({ prompt: 'read notes.txt', options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd } })) {
    if (m.type === 'result') ok = m.subtype === 'success';
  }
  if (!ok) throw new Error('query failed');
  times.push(Number(process.hrtime.bigint() - start) / 1e6);
}
times.sort((a, b) => a - b);
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(JSON.stringify({ sdk: 'typescript', n, mean_ms: mean, p50_ms: times[Math.floor(n / 2)], p99_ms: times[Math.min(n - 1, Math.floor(n * 0.99))] }));
