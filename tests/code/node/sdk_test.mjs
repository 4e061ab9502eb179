// Conformance: the unmodified @anthropic-ai/claude-agent-sdk drives `cortex` (offline model).
// Env: CORTEX_BINARY (the binary), CORTEX_CODE_CONVERSATIONS_DIR (set by run.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSdkMcpServer, query, tool } from '@anthropic-ai/claude-agent-sdk';
import { z } from 'zod';

const bin = process.env.CORTEX_BINARY;

function workdir() {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'oc-sdk-')));
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'hello notes\n');
  return dir;
}

async function collect(q) {
  const messages = [];
  for await (const m of q) messages.push(m);
  return messages;
}

test('query with the offline model reads a file', async () => {
  const cwd = workdir();
  const messages = await collect(query({
    prompt: 'read notes.txt',
    options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd },
  }));
  assert.equal(messages[0].type, 'system');
  assert.equal(messages[0].subtype, 'init');
  assert.equal(messages[0].model, 'offline');
  assert.ok(messages[0].tools.includes('Read'));
  const result = messages.at(-1);
  assert.equal(result.type, 'result');
  assert.equal(result.subtype, 'success');
  assert.match(result.result, /hello notes/);
  assert.equal(result.session_id, messages[0].session_id);
});

test('canUseTool deny keeps the disk unchanged', async () => {
  const cwd = workdir();
  let asked = null;
  const messages = await collect(query({
    prompt: 'echo bash > denied.txt',
    options: {
      pathToClaudeCodeExecutable: bin, model: 'offline', cwd,
      canUseTool: async (name, input) => { asked = { name, input }; return { behavior: 'deny', message: 'not here' }; },
    },
  }));
  assert.equal(asked.name, 'Bash');
  assert.equal(asked.input.command, 'echo bash > denied.txt');
  assert.equal(messages.at(-1).permission_denials.length, 1);
  assert.equal(fs.existsSync(path.join(cwd, 'denied.txt')), false);
});

test('canUseTool allow runs the tool', async () => {
  const cwd = workdir();
  await collect(query({
    prompt: 'echo bash > allowed.txt',
    options: {
      pathToClaudeCodeExecutable: bin, model: 'offline', cwd,
      canUseTool: async (name, input) => ({ behavior: 'allow', updatedInput: input }),
    },
  }));
  assert.equal(fs.existsSync(path.join(cwd, 'allowed.txt')), true);
});

test('streaming input: setModel, setPermissionMode, supportedModels, interrupt', async () => {
  const cwd = workdir();
  let release;
  const done = new Promise((r) => { release = r; });
  async function* prompts() {
    yield { type: 'user', session_id: '', parent_tool_use_id: null,
            message: { role: 'user', content: [{ type: 'text', text: 'ls' }] } };
    await done;
  }
  const q = query({ prompt: prompts(), options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd } });
  const models = await q.supportedModels();
  assert.ok(models.some((m) => m.value === 'offline'));
  await q.setModel('offline');
  await q.setPermissionMode('plan');
  await q.interrupt();
  for await (const m of q) {
    if (m.type === 'result') {
      assert.equal(m.subtype === 'success' || m.subtype === 'error_during_execution', true);
      release();
      break;
    }
  }
});

test('maxTurns ends with error_max_turns', async () => {
  const cwd = workdir();
  let error = null;
  const messages = [];
  try {
    for await (const m of query({ prompt: 'read notes.txt',
      options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd, maxTurns: 1 } })) messages.push(m);
  } catch (e) {
    error = e;
  }
  const result = messages.find((m) => m.type === 'result');
  assert.equal(result.subtype, 'error_max_turns');
  assert.ok(Array.isArray(result.errors));
  assert.ok(error === null || /maximum number of turns/.test(String(error.message)));
});

test('PreToolUse hook callback blocks a tool', async () => {
  const cwd = workdir();
  const seen = [];
  const messages = await collect(query({
    prompt: 'echo bash > hooked.txt',
    options: {
      pathToClaudeCodeExecutable: bin, model: 'offline', cwd, permissionMode: 'bypassPermissions',
      hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [async (input) => {
        seen.push(input);
        return { hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision: 'deny',
                                       permissionDecisionReason: 'blocked by hook' } };
      }] }] },
    },
  }));
  assert.equal(seen.length, 1);
  assert.equal(seen[0].tool_name, 'Bash');
  assert.equal(fs.existsSync(path.join(cwd, 'hooked.txt')), false);
  assert.equal(messages.at(-1).type, 'result');
});

test('resume keeps the session id', async () => {
  const cwd = workdir();
  const first = await collect(query({ prompt: 'read notes.txt',
    options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd } }));
  const id = first.at(-1).session_id;
  const second = await collect(query({ prompt: 'ls',
    options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd, resume: id } }));
  assert.equal(second.at(-1).session_id, id);
  assert.equal(second.at(-1).subtype, 'success');
});

test('Task tool runs a subagent defined through the SDK agents option', async () => {
  const cwd = workdir();
  const messages = await collect(query({
    prompt: 'delegate this task to a subagent: read notes.txt',
    options: {
      pathToClaudeCodeExecutable: bin, model: 'offline', cwd,
      agents: { reader: { description: 'Reads files', prompt: 'You read files.', tools: ['Read'] } },
    },
  }));
  assert.ok(messages[0].agents.includes('reader'));
  const started = messages.find((m) => m.type === 'system' && m.subtype === 'task_started');
  assert.ok(started, 'task_started');
  const done = messages.find((m) => m.type === 'system' && m.subtype === 'task_notification');
  assert.equal(done.status, 'completed');
  assert.equal(done.task_id, started.task_id);
  const sub = messages.filter((m) => m.type === 'assistant' && m.parent_tool_use_id === started.tool_use_id);
  assert.ok(sub.length > 0, 'subagent frames carry parent_tool_use_id');
  const result = messages.at(-1);
  assert.equal(result.subtype, 'success');
  assert.match(result.result, /hello notes/);
});

test('outputFormat json_schema gives structured_output', async () => {
  const cwd = workdir();
  const schema = {
    type: 'object',
    properties: { answer: { type: 'string' }, level: { type: 'string', enum: ['low', 'high'] } },
    required: ['answer', 'level'],
  };
  const messages = await collect(query({
    prompt: 'hello there',
    options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd,
               outputFormat: { type: 'json_schema', schema } },
  }));
  const result = messages.at(-1);
  assert.equal(result.subtype, 'success');
  assert.equal(result.structured_output.level, 'low');
  assert.equal(typeof result.structured_output.answer, 'string');
  assert.equal(result.total_cost_usd, 0);
});

test('in-process MCP server (createSdkMcpServer) is called over mcp_message', async () => {
  const cwd = workdir();
  const calls = [];
  const server = createSdkMcpServer({
    name: 'inproc', version: '1.0.0',
    tools: [tool('reverse', 'Reverse the given text', { text: z.string() }, async (args) => {
      calls.push(args);
      return { content: [{ type: 'text', text: 'reversed: ' + [...args.text].reverse().join('') }] };
    })],
  });
  const messages = await collect(query({
    prompt: 'reverse abc',
    options: { pathToClaudeCodeExecutable: bin, model: 'offline', cwd,
               mcpServers: { inproc: server }, allowedTools: ['mcp__inproc'] },
  }));
  assert.ok(messages[0].tools.includes('mcp__inproc__reverse'), JSON.stringify(messages[0].tools));
  assert.deepEqual(messages[0].mcp_servers, [{ name: 'inproc', status: 'connected' }]);
  assert.deepEqual(calls, [{ text: 'reverse abc' }]);
  const result = messages.at(-1);
  assert.equal(result.subtype, 'success');
  assert.match(result.result, /cba esrever/);
});
