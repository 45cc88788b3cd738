import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, RodeoError } from 'rodeo';

describe('error registry', () => {
  it('gives each error its code and close code', () => {
    const error = new RodeoError('RODEO_ERR_INVALID_CLOSE_CODE', 'x', { cause: 1 });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'RodeoError',
      code: 'RODEO_ERR_INVALID_CLOSE_CODE',
      closeCode: 1011,
      cause: 1,
    });
    expect(new RodeoError('RODEO_ERR_JSON_DECODE', 'x').closeCode).toBeNull();
  });

  it('documents every code in docs/errors.md', () => {
    const readme = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ErrorCodes)) expect(readme).toContain(`\`${code}\``);
  });
});
