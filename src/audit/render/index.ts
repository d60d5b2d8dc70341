import type { AuditReport } from '../model.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTerminal, type Paint } from './terminal.js';

import type { Format } from '../formats.js';

export { FORMATS, type Format } from '../formats.js';

/** Renders the report in one format; all of them read the same JSON document. */
export function render(report: AuditReport, format: Format, paint?: Paint): string {
  switch (format) {
    case 'terminal':
      return renderTerminal(report, paint ? { paint } : {});
    case 'markdown':
      return renderMarkdown(report);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif(report);
    case 'html':
      return renderHtml(report);
  }
}

export { renderTerminal, type Paint } from './terminal.js';
