import { styleText } from 'node:util';

type Style = Parameters<typeof styleText>[0];

/** Colour only on a terminal, and never when NO_COLOR is set; FORCE_COLOR turns it on anywhere. */
export function colours(stream: { isTTY?: boolean }) {
  const env = process.env;
  const on = env.FORCE_COLOR
    ? env.FORCE_COLOR !== '0'
    : !env.NO_COLOR && stream.isTTY === true && env.TERM !== 'dumb';
  const paint = (style: Style) => (text: string) => (on ? styleText(style, text) : text);
  return {
    bold: paint('bold'),
    dim: paint('dim'),
    green: paint('green'),
    red: paint('red'),
    yellow: paint('yellow'),
    cyan: paint('cyan'),
  };
}
