// The official `openai` npm client against a running cortex server (reference agents-api.md §8.1):
// CORTEX_URL (e.g. http://127.0.0.1:8080) and CORTEX_TOKEN (a PAT) come from the environment.
// Run: node --test tests/conformance/openai_client.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';

const url = process.env.CORTEX_URL;
const token = process.env.CORTEX_TOKEN;
if (!url || !token) throw new Error('set CORTEX_URL and CORTEX_TOKEN');

const client = new OpenAI({ baseURL: `${url}/api/v2/cortex/v1`, apiKey: token, maxRetries: 0 });
const model = 'claude-4-sonnet';
const hello = [{ role: 'user', content: 'Say hello to the conformance test' }];
const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
const weatherQuestion = [{ role: 'user', content: 'What is the weather in Rome?' }];

test('plain completion', async () => {
  const r = await client.chat.completions.create({ model, messages: hello });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.model, model);
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.ok(r.choices[0].message.content.length > 0);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
});

test('streamed completion assembles the same text, finish_reason and usage', async () => {
  const plain = await client.chat.completions.create({ model, messages: hello });
  const stream = await client.chat.completions.create({
    model, messages: hello, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  const ids = new Set();
  for await (const chunk of stream) {
    ids.add(chunk.id);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  assert.equal(ids.size, 1, 'one id for every chunk');
  assert.equal(text, plain.choices[0].message.content);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.total_tokens > 0, 'usage chunk with include_usage');
});

test('tool call parsed by the SDK', async () => {
  const r = await client.chat.completions.create({ model, messages: weatherQuestion, tools: [weatherTool] });
  const choice = r.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.ok(call.id);
  assert.equal(typeof JSON.parse(call.function.arguments), 'object');
});

test('streamed tool call assembled by the SDK stream helper', async () => {
  const runner = client.chat.completions.stream({ model, messages: weatherQuestion, tools: [weatherTool] });
  const final = await runner.finalChatCompletion();
  const choice = final.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  assert.equal(choice.message.tool_calls[0].function.name, 'get_weather');
  assert.equal(typeof JSON.parse(choice.message.tool_calls[0].function.arguments), 'object');
});

test('max_tokens is rejected with 400', async () => {
  await assert.rejects(
    client.chat.completions.create({ model, messages: hello, max_tokens: 10 }),
    (e) => e instanceof OpenAI.BadRequestError && e.status === 400 && /max_completion_tokens/.test(e.message),
  );
});
