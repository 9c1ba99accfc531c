// A stand-in for the Anthropic Messages API, just enough to drive the Claude Code CLI
// through one tool call offline.
//
// The main conversation (a request that offers the `Bash` tool) is answered in two steps:
//   1. no tool_result yet  -> one `tool_use` block asking Bash to run `command`;
//   2. a tool_result arrives -> it is recorded, and the turn ends with a short text.
// Every other request the CLI makes on the side (titles, topic checks, quota probes,
// token counts) gets a short, well-formed answer and is logged, never keyed on.
// Responses are streamed as server-sent events when the request says `stream: true`.

import http from 'node:http';
import { randomBytes } from 'node:crypto';

const id = (prefix) => `${prefix}_${randomBytes(12).toString('hex')}`;

// Concatenate the text of a tool_result's content (a string or a list of blocks).
function resultText(content) {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (b && b.type === 'text' ? b.text : '')).join('\n');
}

function offersBash(body) {
  return Array.isArray(body.tools) && body.tools.some((t) => t && t.name === 'Bash');
}

// Find the tool_result block answering `toolUseId` anywhere in the conversation.
function findToolResult(body, toolUseId) {
  for (const msg of body.messages || []) {
    if (msg.role !== 'user' || !Array.isArray(msg.content)) continue;
    for (const block of msg.content) {
      if (block && block.type === 'tool_result' && block.tool_use_id === toolUseId) return block;
    }
  }
  return null;
}

function message(model, content, stopReason) {
  return {
    id: id('msg'),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 8, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

// Write `msg` as the event sequence the streaming Messages API sends.
function writeSse(res, msg) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  const send = (event, data) => res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  send('message_start', { message: { ...msg, content: [], stop_reason: null, usage: { ...msg.usage, output_tokens: 1 } } });
  msg.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { ...block, input: {} } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: msg.usage.output_tokens } });
  send('message_stop', {});
  res.end();
}

/**
 * Start a stand-in bound to 127.0.0.1 on a free port.
 * @param {{command: string, description?: string}} opts  the Bash command the "model" asks for
 * @returns {Promise<{port:number, url:string, state:object, close:() => Promise<void>}>}
 *   state.toolUseId    id of the tool_use sent (null until the main request arrives)
 *   state.toolResult   {text, isError} once Claude Code sent it back, else null
 *   state.requests     [{path, model, stream, main}] every request seen
 */
export async function startStandIn({ command, description = 'Run the requested command' }) {
  const state = { toolUseId: null, toolResult: null, requests: [], finalSent: false };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'bad json' } }));
        return;
      }
      const path = (req.url || '').split('?')[0];
      const main = path === '/v1/messages' && offersBash(body);
      state.requests.push({ method: req.method, path, model: body.model, stream: !!body.stream, main });

      if (path.endsWith('/count_tokens')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ input_tokens: 42 }));
        return;
      }
      if (path !== '/v1/messages' || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'not_found_error', message: `no ${path} here` } }));
        return;
      }

      const model = body.model || 'claude-stand-in';
      let msg;
      if (!main) {
        msg = message(model, [{ type: 'text', text: 'ok' }], 'end_turn');
      } else {
        const result = state.toolUseId && findToolResult(body, state.toolUseId);
        if (result) {
          if (!state.toolResult) state.toolResult = { text: resultText(result.content), isError: !!result.is_error };
          state.finalSent = true;
          msg = message(model, [{ type: 'text', text: 'Done.' }], 'end_turn');
        } else {
          state.toolUseId = state.toolUseId || id('toolu');
          msg = message(model, [{ type: 'tool_use', id: state.toolUseId, name: 'Bash', input: { command, description } }], 'tool_use');
        }
      }
      if (body.stream) writeSse(res, msg);
      else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(msg));
      }
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    state,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
