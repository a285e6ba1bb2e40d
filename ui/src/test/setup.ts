import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';

// jsdom has no layout, so no ResizeObserver; the components only need it to exist.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;

afterEach(() => {
  cleanup();
  sessionStorage.clear();
});
