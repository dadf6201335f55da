/**
 * The cap on STS response bodies (src/aws/sdk.ts): a body past the limit or stalled past the
 * timeout fails the read, and the socket behind it is destroyed. End to end: faults-network.
 */
import { PassThrough, type Transform } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { CappedBodies, capBody } from '../../../src/aws/sdk.js';
import { UserError } from '../../../src/lib/errors.js';

/** Everything `stream` yields, or what it fails with. */
async function drain(stream: Transform): Promise<{ text?: string; error?: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString() };
  } catch (error) {
    return { error };
  }
}

describe('capBody', () => {
  it('passes a body up to the limit through unchanged', async () => {
    const source = new PassThrough();
    const capped = capBody(source, 'sts.example:443', 10, 60_000);
    source.write('<a>');
    source.end('1234567');
    expect(await drain(capped)).toEqual({ text: '<a>1234567' });
  });

  it('fails one byte past the limit, in one line, and stops reading', async () => {
    const source = new PassThrough();
    const capped = capBody(source, 'sts.example:443', 3 * 1024 * 1024, 60_000);
    source.write(Buffer.alloc(3 * 1024 * 1024, 'a'));
    source.write('b');
    const { error } = await drain(capped);
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({
      message: 'sts.example:443 sent an answer larger than 3 MB; okta-aws stopped reading it',
      hint: 'Check AWS_ENDPOINT_URL_STS and any proxy in between; STS answers are far smaller.',
      code: 'TOO_LARGE',
    });
    expect(source.destroyed).toBe(true);
  });

  it('fails as a TimeoutError naming the wait when no byte comes for the timeout, after some did', async () => {
    vi.useFakeTimers();
    try {
      const source = new PassThrough();
      const capped = capBody(source, '127.0.0.1:4566', 100, 2000);
      const result = drain(capped);
      await vi.advanceTimersByTimeAsync(1500);
      source.write('<Assume');
      await vi.advanceTimersByTimeAsync(1500); // the wait restarts at each chunk
      expect(capped.destroyed).toBe(false);
      await vi.advanceTimersByTimeAsync(600);
      const { error } = await result;
      expect(error).toMatchObject({ name: 'TimeoutError', message: 'No byte of the answer from 127.0.0.1:4566 for 2000 ms' });
      expect(source.destroyed).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops its timer once the body is complete, and passes on a broken connection', async () => {
    vi.useFakeTimers();
    try {
      const done = new PassThrough();
      const whole = capBody(done, 'h', 100, 1000);
      done.end('ok');
      expect(await drain(whole)).toEqual({ text: 'ok' });
      expect(vi.getTimerCount()).toBe(0);
      const broken = new PassThrough();
      const cut = capBody(broken, 'h', 100, 1000);
      const result = drain(cut);
      broken.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      expect((await result).error).toMatchObject({ message: 'aborted', code: 'ECONNRESET' });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('CappedBodies', () => {
  it('hands requests to smithy, caps the body it answers with, and passes configuration through', async () => {
    const body = new PassThrough();
    const inner = {
      metadata: { handlerProtocol: 'http/1.1' },
      handle: vi.fn(async () => ({ response: { statusCode: 200, headers: {}, body } })),
      updateHttpClientConfig: vi.fn(),
      httpHandlerConfigs: vi.fn(() => ({ requestTimeout: 5 })),
      destroy: vi.fn(),
    };
    const handler = new CappedBodies(inner as never, 4, 60_000);
    expect(handler.metadata).toEqual({ handlerProtocol: 'http/1.1' });
    const request = { hostname: 'sts.example', port: 8443 };
    const { response } = await handler.handle(request as never, { requestTimeout: 9 });
    expect(inner.handle).toHaveBeenCalledWith(request, { requestTimeout: 9 });
    body.end('12345');
    expect(await drain(response.body as Transform)).toMatchObject({ error: { message: 'sts.example:8443 sent an answer larger than 0 MB; okta-aws stopped reading it' } });
    const unported = new PassThrough();
    inner.handle.mockResolvedValueOnce({ response: { statusCode: 200, headers: {}, body: unported } });
    const second = await handler.handle({ hostname: 'sts.example' } as never);
    unported.end('12345');
    expect(await drain(second.response.body as Transform)).toMatchObject({ error: { message: 'sts.example sent an answer larger than 0 MB; okta-aws stopped reading it' } });
    handler.updateHttpClientConfig('requestTimeout', 3);
    expect(inner.updateHttpClientConfig).toHaveBeenCalledWith('requestTimeout', 3);
    expect(handler.httpHandlerConfigs()).toEqual({ requestTimeout: 5 });
    handler.destroy();
    expect(inner.destroy).toHaveBeenCalledOnce();
  });
});
