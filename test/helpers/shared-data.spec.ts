// Suites that read ../shared (datasets beside the repository) say what is missing instead of a bare ENOENT.
import { describe, expect, it } from '@jest/globals';
import { readShared } from '../support/livemcpbench.js';

describe('readShared', () => {
  it('names the missing file and where the shared datasets belong', () => {
    expect(() => readShared('/nonexistent/shared/datasets/x/servers.json')).toThrow(
      /test data missing: \/nonexistent\/shared\/datasets\/x\/servers\.json\. These tests read the shared datasets from \.\.\/shared/,
    );
  });
});
