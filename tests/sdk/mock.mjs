// Starts a bis-mock for a test and stops it: the binary is $BIS_MOCK (default: this checkout's
// build), on port 0, and the test waits for its "listening on" line, never for a fixed time.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const mockBinary = process.env.BIS_MOCK || resolve(here, '../../build/apps/bis-mock');

export async function startMock(args = []) {
  const child = spawn(mockBinary, ['--port', '0', '--quiet', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines = createInterface({ input: child.stderr });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`bis-mock exited (${code}) before listening`);
  });
  const listening = (async () => {
    for await (const line of lines) {
      const m = /^bis-mock listening on (http:\/\/\S+)$/.exec(line);
      if (m) return m[1];
      throw new Error(`bis-mock said: ${line}`);
    }
    throw new Error('bis-mock closed stderr before listening');
  })();
  try {
    const url = await Promise.race([listening, exited]);
    return {
      url,
      async admin(method, path, body) {
        const r = await fetch(url + '/__admin' + path, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await r.text();
        if (!r.ok) throw new Error(`${method} /__admin${path}: ${r.status} ${text}`);
        return text ? JSON.parse(text) : null;
      },
      async stop() {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      },
    };
  } finally {
    clearTimeout(timer);
    exited.catch(() => {});
  }
}
