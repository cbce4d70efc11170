// How the lean gRPC path reads a request body (readBody in src/server/grpc-unary.ts): every chunk
// in order, refused as soon as the envelope declares or the body grows past the limit (the rest
// left unread), and a failure of the stream or its early close answered rather than waited for.
import type * as http2 from 'node:http2';
import { PassThrough } from 'node:stream';
import { Code, ConnectError } from '@connectrpc/connect';
import { expect } from 'chai';
import { readBody } from '../src/server/grpc-unary.js';

const envelope = (length: number, payload = Buffer.alloc(0)) => Buffer.concat([Buffer.from([0, length >>> 24, (length >>> 16) & 255, (length >>> 8) & 255, length & 255]), payload]);
const request = () => new PassThrough() as PassThrough & http2.Http2ServerRequest;

async function refusal(read: Promise<unknown>): Promise<Error> {
  return read.then(
    () => expect.fail('the body was accepted'),
    (err: Error) => err,
  );
}

describe('the lean gRPC path reads a request body', () => {
  it('whole, however it is split into chunks, and the empty body too', async () => {
    const message = envelope(6, Buffer.from('abcdef'));
    for (const cuts of [[], [1], [3, 7], [5], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]]) {
      const req = request();
      const body = readBody(req, 100);
      let from = 0;
      for (const cut of [...cuts, message.length]) {
        req.write(message.subarray(from, cut));
        from = cut;
      }
      req.end();
      expect((await body).equals(message), `cut at ${cuts}`).to.equal(true);
    }
    const empty = request();
    const body = readBody(empty, 100);
    empty.end();
    expect((await body).length).to.equal(0);
  });

  it('refuses a message declared larger than the limit as soon as the envelope arrives, and reads no further', async () => {
    const req = request();
    const body = readBody(req, 100);
    req.write(envelope(101).subarray(0, 3));
    req.write(envelope(101).subarray(3));
    const err = await refusal(body);
    expect((err as ConnectError).code).to.equal(Code.ResourceExhausted);
    expect(err.message).to.include('message size 101 is larger than configured readMaxBytes 100');
    expect(req.destroyed).to.equal(true);
  });

  it('refuses a body that grows past the limit whatever its envelope says', async () => {
    const req = request();
    const body = readBody(req, 10);
    req.write(envelope(4, Buffer.alloc(4)));
    req.write(Buffer.alloc(7));
    const err = await refusal(body);
    expect((err as ConnectError).code).to.equal(Code.ResourceExhausted);
    expect(err.message).to.include('message size 11 is larger than configured readMaxBytes 10');
  });

  it('fails when the stream fails or closes before its end', async () => {
    const failing = request();
    const failed = readBody(failing, 100);
    failing.write(envelope(6).subarray(0, 2));
    failing.destroy(new Error('stream reset'));
    expect((await refusal(failed)).message).to.equal('stream reset');

    const closing = request();
    const closed = readBody(closing, 100);
    closing.write(envelope(6).subarray(0, 2));
    closing.destroy();
    expect((await refusal(closed)).message).to.equal('Premature close');
  });
});
