// Real servers for the SDK tests: the packaged widget-edge jar (dev, or admin on a real
// redis-server), a port that accepts and never answers, and a scripted HTTP server. Every one
// listens on loopback on a port the OS picked, and is stopped by close().
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const START_TIMEOUT_MS = 60_000;
const children = new Set();

process.on('exit', () => {
  for (const child of children) {
    child.kill('SIGKILL');
  }
});

/** The packaged jar: $WIDGET_EDGE_JAR, else app/target/widget-edge.jar of this repository. */
export function jarPath() {
  const jar = process.env.WIDGET_EDGE_JAR ?? resolve(here, '../../../../app/target/widget-edge.jar');
  if (!existsSync(jar)) {
    throw new Error(`${jar} is missing: build it first (./mvnw -q package -DskipTests)`);
  }
  return jar;
}

function java() {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** A random token in the admin token alphabet. */
export function randomToken(prefix = 'sdk-test-') {
  return prefix + randomBytes(24).toString('base64url');
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/**
 * Starts a child and resolves with the first match of `pattern` in its `stream` (stdout or
 * stderr); rejects with everything it printed when it exits first or takes too long.
 */
function startAndMatch(command, args, stream, pattern) {
  const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  const output = { stdout: '', stderr: '' };
  let settled = false;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => fail(`did not start within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    function fail(why) {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} ${why}\nstdout: ${output.stdout}\nstderr: ${output.stderr}`));
    }
    for (const name of ['stdout', 'stderr']) {
      child[name].setEncoding('utf8');
      child[name].on('data', (chunk) => {
        output[name] += chunk;
        const match = !settled && name === stream ? pattern.exec(output[name]) : null;
        if (match) {
          settled = true;
          clearTimeout(timer);
          resolvePromise({ child, match, output });
        }
      });
    }
    child.once('error', (error) => fail(`could not start: ${error.message}`));
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal})`));
  });
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolvePromise) => {
    child.once('exit', () => resolvePromise());
    child.kill('SIGCONT');
    child.kill('SIGTERM');
  });
}

/** `widget-edge dev` on free ports, with a known admin token bound to one account. */
export async function startDev({ account = 'acct_sdk' } = {}) {
  const token = randomToken();
  const { child, match } = await startAndMatch(java(), ['-jar', jarPath(), 'dev', '--port', '0',
    '--admin-port', '0', '--ops-port', '0', '--admin-token', token, '--account', account, '--no-demo'],
  'stdout', /admin API\s+(http:\/\/\S+)\/api\/v1\/widget-keys/);
  return { baseUrl: match[1], token, account, close: () => stop(child) };
}

/** A real redis-server on a free loopback port; pause() stops the process (SIGSTOP), resume() continues it. */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'widget-edge-sdk-redis-'));
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      const { child } = await startAndMatch('redis-server', ['--port', String(port), '--bind', '127.0.0.1',
        '--save', '', '--appendonly', 'no', '--dir', dir], 'stdout', /Ready to accept connections/);
      return {
        uri: `redis://127.0.0.1:${port}`,
        pause: () => child.kill('SIGSTOP'),
        resume: () => child.kill('SIGCONT'),
        close: async () => {
          await stop(child);
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      // Another process took the port between freePort() and redis-server's bind: try another.
      if (attempt >= 3) {
        throw error;
      }
    }
  }
}

/** `widget-edge tokens create` for these accounts; returns the token. */
export function createToken(redisUri, accounts) {
  const args = ['-jar', jarPath(), 'tokens', 'create', '--redis', redisUri, '--name', 'sdk-test'];
  for (const account of accounts) {
    args.push('--account', account);
  }
  const run = spawnSync(java(), args, { encoding: 'utf8' });
  if (run.status !== 0) {
    throw new Error(`tokens create failed (${run.status}): ${run.stderr}`);
  }
  return run.stdout.trim();
}

/** `widget-edge admin` on a free port over the given Redis. */
export async function startAdmin(redisUri, { storeTimeout = '500ms' } = {}) {
  const { child, match } = await startAndMatch(java(), ['-jar', jarPath(), 'admin', '--redis', redisUri,
    '--host', '127.0.0.1', '--port', '0', '--ops-port', '0', '--store-timeout', storeTimeout],
  'stderr', /admin API listening on [^\s]+:(\d+)/);
  return { baseUrl: `http://127.0.0.1:${match[1]}`, close: () => stop(child) };
}

/** A port that accepts connections and never answers; counts the request heads sent to it. */
export async function startSilentServer() {
  const sockets = new Set();
  let requests = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    let head = '';
    socket.on('data', (chunk) => {
      // A request is counted once its head has arrived whole; nothing is ever answered.
      head += chunk.toString('latin1');
      while (head.includes('\r\n\r\n')) {
        requests++;
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
      }
    });
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
  });
  await listen(server);
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    /** Request heads received: an HTTP client may open a connection it never sends on. */
    requests: () => requests,
    close: () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      return new Promise((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

/**
 * An HTTP server that answers with `script`, one response per request in order (the last one
 * repeats), and records every request it received: { method, url, headers, body, at }.
 */
export async function startScriptedServer(script) {
  const requests = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => { body += chunk; });
    request.on('end', () => {
      requests.push({ method: request.method, url: request.url, headers: request.headers, body, at: Date.now() });
      const step = script[Math.min(requests.length, script.length) - 1];
      response.writeHead(step.status, { 'content-type': step.contentType ?? 'text/plain; charset=utf-8', ...step.headers });
      response.end(step.body ?? '');
    });
  });
  await listen(server);
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    requests,
    close: () => new Promise((resolvePromise) => {
      server.closeAllConnections();
      server.close(() => resolvePromise());
    }),
  };
}

/** A loopback port that nothing listens on (it was free a moment ago). */
export async function freePort() {
  const server = net.createServer();
  await listen(server);
  const { port } = server.address();
  await new Promise((resolvePromise) => server.close(() => resolvePromise()));
  return port;
}

function listen(server) {
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolvePromise());
  });
}
