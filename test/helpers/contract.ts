import { z } from 'zod';
import { expect } from 'vitest';
import { errorBody } from '../../src/contract/common.js';

/**
 * Checks a response body against its wire shape in src/contract and returns it typed. Response
 * shapes are strict objects, so a missing field, a wrong type and an undeclared field all fail.
 */
export function expectWire<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body);
  if (!result.success)
    expect.fail(
      `The body does not match the contract:\n${z.prettifyError(result.error)}\n${JSON.stringify(body).slice(0, 2000)}`,
    );
  return result.data;
}

/** Checks an error answer: its status, JSON content type, and the error body of the contract. */
export async function expectWireError(res: Response, status: number) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  const body = expectWire(errorBody, await res.json());
  expect(body.statusCode).toBe(status);
  return body;
}

/**
 * Calls the platform API with an API key (HTTP Basic, as the SDK does), expects `status` and
 * checks the JSON body against `schema`.
 */
export async function callWire<S extends z.ZodType>(
  schema: S,
  base: string,
  apiKey: string,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT',
  path: string,
  options: { body?: unknown; status?: number; headers?: Record<string, string> } = {},
): Promise<z.output<S>> {
  const res = await fetch(base + path, {
    method,
    headers: {
      authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`,
      accept: 'application/json',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await res.text();
  expect(res.status, text.slice(0, 500)).toBe(options.status ?? 200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return expectWire(schema, JSON.parse(text));
}
