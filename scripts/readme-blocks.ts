/**
 * The README shows files verbatim: a block preceded by `<!-- file: path -->` must equal that file.
 * Used by `npm run docs` to refresh the blocks and by test/docs to fail when they drift.
 */
const BLOCK = /<!-- file: (?<path>[^ ]+) -->\n```(?<lang>\w*)\n(?<body>[\s\S]*?)```/g;

export interface FileBlock {
  readonly path: string;
  readonly body: string;
}

export function fileBlocks(markdown: string): FileBlock[] {
  return [...markdown.matchAll(BLOCK)].map((m) => ({ path: m.groups!.path!, body: m.groups!.body! }));
}

export function fillFileBlocks(markdown: string, read: (path: string) => string): string {
  return markdown.replace(
    BLOCK,
    (_all, path: string, lang: string) => `<!-- file: ${path} -->\n\`\`\`${lang}\n${read(path)}\`\`\``,
  );
}
