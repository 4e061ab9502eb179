// The official `openai` npm client against a running cortex server (reference agents-api.md §8.1):
// CORTEX_URL (e.g. http://127.0.0.1:8080) and CORTEX_TOKEN (a PAT) come from the environment.
// With FAKE_LLM_URL set, the model behind `claude-4-sonnet` is the scripted fake LLM of
// tests/support (fake_llm.h) reached through the provider kind PROVIDER_KIND (openai_compatible,
// anthropic or snowflake) with the key UPSTREAM_KEY: every test scripts the upstream's reply and
// then checks both what the client parsed and what the upstream received in its own wire format.
// Without it, the model is the offline provider.
// Run: node --test tests/conformance/openai_client.test.mjs
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import OpenAI from 'openai';

const url = process.env.CORTEX_URL;
const token = process.env.CORTEX_TOKEN;
if (!url || !token) throw new Error('set CORTEX_URL and CORTEX_TOKEN');
const fakeUrl = process.env.FAKE_LLM_URL ?? '';
const kind = process.env.PROVIDER_KIND ?? (fakeUrl ? 'openai_compatible' : 'offline');
const upstreamKey = process.env.UPSTREAM_KEY ?? '';
if (fakeUrl && !['openai_compatible', 'anthropic', 'snowflake'].includes(kind)) {
  throw new Error(`PROVIDER_KIND must be openai_compatible, anthropic or snowflake, got '${kind}'`);
}

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

// The scripted upstream (only with FAKE_LLM_URL).
const helloText = `Hello from the ${kind} upstream, conformance test!`;
const helloReply = { text: helloText, prompt_tokens: 21, completion_tokens: 9 };
const weatherReply = {
  tool_calls: [{ id: 'call_conf_1', name: 'get_weather', arguments: { city: 'Rome' } }],
  prompt_tokens: 30,
  completion_tokens: 7,
};

async function fake(path, body) {
  const r = await fetch(`${fakeUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(r.status, 200, `fake LLM ${path}: ${await r.clone().text()}`);
  return r.json();
}
const script = (...replies) => (fakeUrl ? fake('/_script', replies) : Promise.resolve());

beforeEach(async () => {
  if (fakeUrl) await fake('/_reset', {});
});

// The upstream requests of this test, each checked against the provider kind's wire format.
async function upstreamRequests(count) {
  const requests = await fake('/_requests');
  assert.equal(requests.length, count, JSON.stringify(requests));
  for (const r of requests) {
    assert.equal(r.method, 'POST');
    assert.equal(r.body.model, `${kind}-upstream-model`, 'the mapped upstream model id is sent');
    assert.equal(r.body.stream, true, 'providers always stream from the upstream');
    if (kind === 'anthropic') {
      assert.equal(r.path, '/v1/messages');
      assert.equal(r.headers['x-api-key'], upstreamKey);
      assert.equal(r.headers['anthropic-version'], '2023-06-01');
      assert.equal(r.headers.authorization, undefined);
      assert.ok(Number.isInteger(r.body.max_tokens) && r.body.max_tokens > 0, 'max_tokens is required');
    } else if (kind === 'snowflake') {
      assert.equal(r.path, '/api/v2/cortex/v1/chat/completions');
      assert.equal(r.headers.authorization, `Bearer ${upstreamKey}`, 'the PAT is the bearer token');
      assert.equal(r.headers['x-snowflake-authorization-token-type'], 'PROGRAMMATIC_ACCESS_TOKEN');
    } else {
      assert.equal(r.path, '/v1/chat/completions');
      assert.equal(r.headers.authorization, `Bearer ${upstreamKey}`);
    }
  }
  return requests;
}

function lastUserText(request) {
  const messages = request.body.messages;
  const last = messages[messages.length - 1];
  assert.equal(last.role, 'user');
  if (typeof last.content === 'string') return last.content;
  return last.content.filter((c) => c.type === 'text').map((c) => c.text).join('');
}

// The weather tool as the upstream saw it, in its own format.
function assertWeatherToolSent(request) {
  assert.equal(request.body.tools.length, 1);
  const t = request.body.tools[0];
  const schema = kind === 'anthropic' ? t.input_schema : t.function.parameters;
  const name = kind === 'anthropic' ? t.name : t.function.name;
  assert.equal(name, 'get_weather');
  assert.deepEqual(schema, weatherTool.function.parameters);
}

test('plain completion', async () => {
  await script(helloReply);
  const r = await client.chat.completions.create({ model, messages: hello });
  assert.equal(r.object, 'chat.completion');
  assert.equal(r.model, model);
  assert.equal(r.choices.length, 1);
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  assert.ok(r.choices[0].message.content.length > 0);
  assert.equal(r.choices[0].finish_reason, 'stop');
  assert.equal(r.usage.total_tokens, r.usage.prompt_tokens + r.usage.completion_tokens);
  if (!fakeUrl) return;
  assert.equal(r.choices[0].message.content, helloText);
  assert.deepEqual(
    { p: r.usage.prompt_tokens, c: r.usage.completion_tokens },
    { p: helloReply.prompt_tokens, c: helloReply.completion_tokens },
  );
  const [sent] = await upstreamRequests(1);
  assert.equal(lastUserText(sent), hello[0].content);
});

test('streamed completion assembles the same text, finish_reason and usage', async () => {
  await script(helloReply, helloReply);
  const plain = await client.chat.completions.create({ model, messages: hello });
  const stream = await client.chat.completions.create({
    model, messages: hello, stream: true, stream_options: { include_usage: true },
  });
  let text = '';
  let finish = null;
  let usage = null;
  let contentChunks = 0;
  const ids = new Set();
  for await (const chunk of stream) {
    ids.add(chunk.id);
    assert.equal(chunk.object, 'chat.completion.chunk');
    assert.equal(chunk.model, model);
    if (chunk.usage) usage = chunk.usage;
    for (const choice of chunk.choices) {
      text += choice.delta.content ?? '';
      if (choice.delta.content) contentChunks += 1;
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  assert.equal(ids.size, 1, 'one id for every chunk');
  assert.equal(text, plain.choices[0].message.content);
  assert.equal(finish, 'stop');
  assert.ok(usage && usage.total_tokens > 0, 'usage chunk with include_usage');
  if (!fakeUrl) return;
  assert.equal(text, helloText);
  assert.ok(contentChunks >= 3, `the upstream's deltas are relayed one by one (${contentChunks})`);
  assert.equal(usage.prompt_tokens, helloReply.prompt_tokens);
  assert.equal(usage.completion_tokens, helloReply.completion_tokens);
  await upstreamRequests(2);
});

test('tool call parsed by the SDK', async () => {
  await script(weatherReply);
  const r = await client.chat.completions.create({ model, messages: weatherQuestion, tools: [weatherTool] });
  const choice = r.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const call = choice.message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.equal(call.function.name, 'get_weather');
  assert.ok(call.id);
  assert.equal(typeof JSON.parse(call.function.arguments), 'object');
  if (!fakeUrl) return;
  assert.equal(call.id, 'call_conf_1');
  assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Rome' });
  const [sent] = await upstreamRequests(1);
  assertWeatherToolSent(sent);
});

test('streamed tool call assembled by the SDK stream helper', async () => {
  await script(weatherReply);
  const runner = client.chat.completions.stream({ model, messages: weatherQuestion, tools: [weatherTool] });
  const final = await runner.finalChatCompletion();
  const choice = final.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  assert.equal(choice.message.tool_calls[0].function.name, 'get_weather');
  assert.equal(typeof JSON.parse(choice.message.tool_calls[0].function.arguments), 'object');
  if (!fakeUrl) return;
  assert.equal(choice.message.tool_calls[0].id, 'call_conf_1');
  assert.deepEqual(JSON.parse(choice.message.tool_calls[0].function.arguments), { city: 'Rome' });
  const [sent] = await upstreamRequests(1);
  assertWeatherToolSent(sent);
});

test('tool result turn goes back upstream and the answer is parsed', async () => {
  await script({ text: 'It is sunny in Rome.', prompt_tokens: 40, completion_tokens: 6 });
  const messages = [
    ...weatherQuestion,
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_conf_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }],
    },
    { role: 'tool', tool_call_id: 'call_conf_1', content: '{"sky":"sunny"}' },
  ];
  const r = await client.chat.completions.create({ model, messages, tools: [weatherTool] });
  assert.equal(r.choices[0].message.role, 'assistant');
  assert.equal(typeof r.choices[0].message.content, 'string');
  if (!fakeUrl) return;
  assert.equal(r.choices[0].message.content, 'It is sunny in Rome.');
  const [sent] = await upstreamRequests(1);
  const last = sent.body.messages[sent.body.messages.length - 1];
  if (kind === 'anthropic') {
    assert.equal(last.role, 'user');
    const result = last.content.find((c) => c.type === 'tool_result');
    assert.equal(result.tool_use_id, 'call_conf_1');
    const use = sent.body.messages[sent.body.messages.length - 2].content.find((c) => c.type === 'tool_use');
    assert.deepEqual(use.input, { city: 'Rome' });
  } else {
    assert.equal(last.role, 'tool');
    assert.equal(last.tool_call_id, 'call_conf_1');
    assert.equal(last.content, '{"sky":"sunny"}');
  }
});

test('max_tokens is rejected with 400', async () => {
  await assert.rejects(
    client.chat.completions.create({ model, messages: hello, max_tokens: 10 }),
    (e) => e instanceof OpenAI.BadRequestError && e.status === 400 && /max_completion_tokens/.test(e.message),
  );
  if (fakeUrl) await upstreamRequests(0);
});

test('upstream failure is an APIError the SDK parses', { skip: !fakeUrl }, async () => {
  await script({ status: 400, error_body: { error: { message: 'bad thing upstream', type: 'invalid_request_error' } } });
  await assert.rejects(
    client.chat.completions.create({ model, messages: hello }),
    (e) => e instanceof OpenAI.APIError && e.status >= 400 && /bad thing upstream/.test(e.message),
  );
});
