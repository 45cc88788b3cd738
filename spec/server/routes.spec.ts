import { describe, expect, it } from 'vitest';
import { compileRoutes } from '../../src/server/routes.js';
import { probe } from '../fixtures/serverHandlers.js';

const a = probe();
const b = probe();
const c = probe();

describe('compileRoutes', () => {
  it('matches exact paths and captures decoded parameters', () => {
    const table = compileRoutes({ '/echo': a, '/rooms/:room': b, '/rooms/:room/users/:user': c });
    expect(table.match('/echo')).toMatchObject({ handler: a, params: {} });
    expect(table.match('/rooms/l%C3%B6bby')).toMatchObject({
      handler: b,
      params: { room: 'löbby' },
    });
    expect(table.match('/rooms/x/users/y')).toMatchObject({
      handler: c,
      params: { room: 'x', user: 'y' },
    });
    expect(table.match('/rooms/')).toBeUndefined();
    expect(table.match('/rooms/x/y')).toBeUndefined();
    expect(table.match('/echo/')).toBeUndefined();
    expect(table.match('/rooms/%E0%A4%A')).toBeUndefined();
  });

  it('prefers exact segments over parameters whatever the declaration order', () => {
    const table = compileRoutes({ '/rooms/:room': b, '/rooms/new': a });
    expect(table.match('/rooms/new')?.handler).toBe(a);
    expect(table.match('/rooms/old')?.handler).toBe(b);
  });

  it('finds routes without parameters by the raw path and by the decoded one', () => {
    const table = compileRoutes({ '/café': a, '/:name': b });
    expect(table.match('/café')).toEqual({ pattern: '/café', handler: a, params: {} });
    expect(table.match('/caf%C3%A9')).toEqual({ pattern: '/café', handler: a, params: {} });
    expect(table.match('/tea')).toEqual({ pattern: '/:name', handler: b, params: { name: 'tea' } });
  });

  it.each([
    ['a path without a leading slash', { echo: a }],
    ['an empty parameter name', { '/rooms/:': a }],
    ['a repeated parameter name', { '/a/:x/:x': a }],
    ['a handler without init', { '/a': {} }],
  ])('rejects %s with RODEO_ERR_INVALID_OPTION', (_name, routes) => {
    expect(() => compileRoutes(routes as never)).toThrow(
      expect.objectContaining({ code: 'RODEO_ERR_INVALID_OPTION' }),
    );
  });
});
