/** The audit's output formats: all rendered from the same JSON document (see render/index.ts). */
export const FORMATS = ['terminal', 'markdown', 'json', 'sarif', 'html'] as const;
export type Format = (typeof FORMATS)[number];
