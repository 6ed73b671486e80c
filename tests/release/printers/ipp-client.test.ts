import { afterEach, describe, expect, test } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIppClient } from '../../../src/release/printers/ipp-client.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function printerThat(answer: (res: http.ServerResponse) => void) {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => answer(res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ipp://127.0.0.1:${(server.address() as AddressInfo).port}/ipp/print`;
}

describe('IPP client against a printer that misbehaves on the wire', () => {
  test('a connection dropped in the middle of the answer is an unreachable printer, not a request that never ends', async () => {
    const uri = await printerThat((res) => {
      res.writeHead(200, { 'Content-Type': 'application/ipp', 'Content-Length': '100' });
      res.write(Buffer.from([2, 0, 0, 0, 0, 0, 0, 1]));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const client = createIppClient({ uri, timeoutSeconds: 30 });
    const started = Date.now();
    await expect(client.send({ operation: 'Get-Printer-Attributes' })).rejects.toMatchObject({ code: 'printer.unreachable' });
    expect(Date.now() - started).toBeLessThan(5_000);
    await client.close();
  });

  test('an HTTP error status is a rejection with that status', async () => {
    const uri = await printerThat((res) => {
      res.writeHead(400, { 'Content-Length': '0' });
      res.end();
    });
    const client = createIppClient({ uri, timeoutSeconds: 5 });
    await expect(client.send({ operation: 'Get-Printer-Attributes' })).rejects.toMatchObject({ code: 'printer.rejected', details: { httpStatus: 400 } });
    await client.close();
  });
});
