// cloud.bookRace's clients, on a thread of their own: 100 desks or portals are other
// machines, so their requests' own cost must not sit on the server's event loop. Plain
// JavaScript (no loader needed in a worker); each client keeps its connection open.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { url, token } = workerData;
const { hostname, port } = new URL(url);
const agent = new Agent({ keepAlive: true, maxSockets: 100 });

function send(method, path, body) {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}` };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    const outgoing = request({ hostname, port, path, method, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** One push; its latency and the mutation's answer. */
async function push(body) {
  const at = performance.now();
  const { status, text } = await send('POST', '/v1/push', body);
  const ms = performance.now() - at;
  if (status !== 200) throw new Error(`a race push answered ${status}: ${text.slice(0, 200)}`);
  return { ms, status: JSON.parse(text).results[0].status };
}

parentPort.on('message', async (message) => {
  try {
    if (message.kind === 'connect') {
      await Promise.all(Array.from({ length: message.count }, () => send('GET', '/v1/health')));
      parentPort.postMessage({ ok: true });
    } else if (message.kind === 'race') {
      parentPort.postMessage({ ok: true, answers: await Promise.all(message.bodies.map(push)) });
    } else if (message.kind === 'alone') {
      const answers = [];
      for (const body of message.bodies) answers.push(await push(body));
      parentPort.postMessage({ ok: true, answers });
    } else {
      agent.destroy();
      parentPort.postMessage({ ok: true });
    }
  } catch (error) {
    parentPort.postMessage({ ok: false, error: String(error) });
  }
});
