import { beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import { GatewayConfig, loadGatewayConfigFromObject } from '@gateway/config';
import {
  BODY_ABORTED,
  BODY_TIMED_OUT,
  BODY_TOO_LARGE,
  INVALID_JSON,
  NestedTooDeep,
  UNSUPPORTED_MEDIA_TYPE,
} from './json-body.parser.js';
import { JsonRpcCode } from './json-rpc-reply.js';
import { McpRequestValidator } from './mcp-request.validator.js';

const POST_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const PING = { jsonrpc: '2.0', id: 1, method: 'ping' };

describe('McpRequestValidator (TestingModule, config from the loader)', () => {
  let validator: McpRequestValidator;

  beforeAll(async () => {
    const config = loadGatewayConfigFromObject({ server: { max_body_size: '64kb', body_timeout: '3s' } });
    const module = await Test.createTestingModule({
      providers: [McpRequestValidator, { provide: GatewayConfig, useValue: config }],
    }).compile();
    validator = module.get(McpRequestValidator);
  });

  const post = (body: unknown, headers: Record<string, string> = POST_HEADERS) =>
    validator.refuse('POST', headers, body);

  it('lets one JSON-RPC message through, and DELETE and a GET accepting SSE', () => {
    expect(post(PING)).toBeUndefined();
    expect(post({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBeUndefined();
    expect(validator.refuse('GET', { accept: 'text/event-stream' }, undefined)).toBeUndefined();
    expect(validator.refuse('DELETE', {}, undefined)).toBeUndefined();
  });

  it('answers 406 when Accept lacks a media type the transport needs', () => {
    expect(validator.refuse('GET', { accept: 'application/json' }, undefined)).toMatchObject({
      status: 406,
      code: JsonRpcCode.TransportRefused,
      message: 'Not Acceptable: the Accept header must list text/event-stream',
    });
    expect(post(PING, { 'content-type': 'application/json', accept: 'application/json' })).toMatchObject({
      status: 406,
      message: 'Not Acceptable: the Accept header must list application/json and text/event-stream',
    });
  });

  it('answers 415 for another content type, closing the connection when the body was left unread', () => {
    expect(post(PING, { ...POST_HEADERS, 'content-type': 'text/plain' })).toMatchObject({ status: 415, headers: {} });
    expect(post(UNSUPPORTED_MEDIA_TYPE)).toMatchObject({ status: 415, headers: { connection: 'close' } });
  });

  it('names the setting when a body is too large or too slow, and closes the connection', () => {
    expect(post(BODY_TOO_LARGE)).toEqual({
      status: 413,
      code: JsonRpcCode.TransportRefused,
      message: 'Payload Too Large: request bodies are limited to 64kb (server.max_body_size)',
      id: null,
      headers: { connection: 'close' },
    });
    expect(post(BODY_TIMED_OUT)).toMatchObject({
      status: 408,
      message: 'Request Timeout: the request body did not arrive within 3s (server.body_timeout)',
      headers: { connection: 'close' },
    });
    expect(post(BODY_ABORTED)).toMatchObject({ status: 400, headers: { connection: 'close' } });
  });

  it('answers -32700 for a body that is not JSON or is empty', () => {
    expect(post(INVALID_JSON)).toMatchObject({ status: 400, code: JsonRpcCode.ParseError, id: null });
    expect(post(undefined)).toMatchObject({ status: 400, code: JsonRpcCode.ParseError });
  });

  it('answers -32600 for anything but one message, keeping the id it can read', () => {
    expect(post([PING])).toMatchObject({
      status: 400,
      code: JsonRpcCode.InvalidRequest,
      message: 'JSON-RPC batches are not supported (MCP 2025-06-18 and later)',
    });
    expect(post(null)).toMatchObject({ code: JsonRpcCode.InvalidRequest, message: expect.stringMatching(/not null$/) });
    expect(post({ jsonrpc: '1.0', id: 7, method: 'ping' })).toMatchObject({
      code: JsonRpcCode.InvalidRequest,
      message: 'Invalid Request: "jsonrpc" must be "2.0" (got "1.0")',
      id: 7,
    });
    expect(post(new NestedTooDeep('deep-1'))).toMatchObject({ code: JsonRpcCode.InvalidRequest, id: 'deep-1' });
  });
});
