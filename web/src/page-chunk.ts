/**
 * A page's code as its own chunk: fetched once, on first use or early by the boot (first-load.ts), and known at once
 * after it has arrived, so routes.tsx draws the page without suspending. Kept free of React: the boot imports it.
 */
import type { ComponentType } from 'react';

export interface PageChunk {
  /** fetches the chunk (once): the same promise on every call */
  load: () => Promise<{ default: ComponentType }>;
  /** the page's module, once it has arrived */
  readonly loaded?: { default: ComponentType };
}

export function pageChunk(load: () => Promise<{ default: ComponentType }>): PageChunk {
  let pending: Promise<{ default: ComponentType }> | undefined;
  const chunk: { -readonly [K in keyof PageChunk]: PageChunk[K] } = {
    load: () => {
      pending ??= load().then((m) => {
        chunk.loaded = m;
        return m;
      });
      return pending;
    },
  };
  return chunk;
}
